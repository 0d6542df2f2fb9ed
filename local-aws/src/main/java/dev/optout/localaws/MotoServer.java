package dev.optout.localaws;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * moto's server ({@code moto_server}) on a free loopback port: a real AWS wire API for DynamoDB,
 * SNS, SQS, SES v2 and Secrets Manager. Started by the tests and the local runtime, stopped when
 * they end (and by a shutdown hook if they do not).
 */
public final class MotoServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Whether moto's server can be started here (on PATH, or as the Python module). */
    public static boolean available() {
        return command().isPresent();
    }

    /**
     * The pinned requirement, {@code moto[server]==<version>}, from {@code moto-requirements.txt}
     * (next to moto_server.py, which relies on moto's internals: see that file for why it is pinned).
     */
    public static String requirement() {
        try (var in = MotoServer.class.getResourceAsStream("moto-requirements.txt")) {
            if (in == null) {
                throw new IllegalStateException("moto-requirements.txt is missing from optout-local-aws");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("moto-requirements.txt names no requirement"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Installs moto's server (the pinned {@link #requirement()}) with pip where it is missing; answers whether it is now available. */
    public static boolean installIfMissing() {
        if (available()) {
            return true;
        }
        for (String python : List.of("python3", "python")) {
            try {
                Process p = new ProcessBuilder(python, "-m", "pip", "install", "--quiet", requirement())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() == 0 && available()) {
                    return true;
                }
            } catch (IOException e) {
                // try the next interpreter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    public static MotoServer start() {
        return start(freePort());
    }

    public static MotoServer start(int port) {
        List<String> cmd = command().orElseThrow(() -> new IllegalStateException("moto_server is not installed"));
        try {
            Path log = Files.createTempFile("moto-server-" + port + "-", ".log");
            List<String> full = new java.util.ArrayList<>(cmd);
            full.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
            Process process = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            MotoServer server = new MotoServer(process, port, log);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "moto-server-stop"));
            server.awaitReady();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto_server: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    private void awaitReady() {
        Instant until = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited at startup (code " + process.exitValue() + "): " + tail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/moto-api/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() < 500) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("moto_server did not answer on port " + port + " within " + STARTUP + ": " + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Prefers moto's own server app through {@code moto_server.py} (moto's server with DynamoDB's
     * per-item write atomicity, see that file); falls back to the plain {@code moto_server} script.
     */
    private static Optional<List<String>> command() {
        for (String python : List.of("python3", "python")) {
            if (runs(List.of(python, "-c", "import moto.server, flask, werkzeug"))) {
                return Optional.of(List.of(python, launcher().toString()));
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path script = dir.isEmpty() ? null : Path.of(dir, "moto_server");
            // pyenv shims exist for every installed version: make sure this one really runs.
            if (script != null && Files.isExecutable(script) && runs(List.of(script.toString(), "--help"))) {
                return Optional.of(List.of(script.toString()));
            }
        }
        return Optional.empty();
    }

    private static synchronized Path launcher() {
        try {
            // moto_server.py imports its sibling modules: they go to one directory together
            Path dir = Files.createTempDirectory("optout-moto-server-");
            dir.toFile().deleteOnExit();
            for (String module : List.of("moto_server.py", "ses_suppression.py")) {
                try (var in = MotoServer.class.getResourceAsStream(module)) {
                    Path file = dir.resolve(module);
                    Files.write(file, in.readAllBytes());
                    file.toFile().deleteOnExit();
                }
            }
            return dir.resolve("moto_server.py");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the moto launcher: " + e.getMessage(), e);
        }
    }

    private static boolean runs(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }
}
