package dev.optout.local;

import dev.optout.local.host.FunctionHost;
import dev.optout.localaws.FunctionDefinition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One function of template.yaml running in its own JVM ({@link FunctionHost}), with exactly the
 * environment the template declares for it (intrinsics resolved to the local resources) plus
 * what Lambda itself sets (region, credentials, function name, memory) and the local endpoint.
 *
 * <p>Why a JVM per function: the handlers' no-argument constructors read
 * {@code System.getenv()}, which a JVM cannot change for itself, and two functions need different
 * environments. A child process gets its environment the way Lambda gives it, needs no test-only
 * hook in any handler, and isolates each function's classes and statics as separate Lambda
 * execution environments do.
 */
public final class FunctionProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final FunctionDefinition function;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI invokeUri;

    /** The answer of one invocation: the payload, and Lambda's function error type when it failed. */
    public record Invocation(byte[] payload, String functionError) {
        public boolean failed() {
            return functionError != null;
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private FunctionProcess(FunctionDefinition function, Process process, int port) {
        this.function = function;
        this.process = process;
        this.invokeUri = URI.create("http://127.0.0.1:" + port + "/invoke");
    }

    /**
     * Starts the function and waits until its handler is initialized.
     *
     * @param jar         the function's shaded jar (CodeUri)
     * @param environment the complete environment of the function
     * @param log         receives the function's output, one line at a time
     */
    public static FunctionProcess start(FunctionDefinition function, Path jar, Map<String, String> environment,
                                        Path workDir, Consumer<String> log) {
        try {
            Files.createDirectories(workDir);
            Path portFile = workDir.resolve(function.logicalId() + "-" + UUID.randomUUID() + ".port");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // Small, quick-starting JVM, as a Lambda-sized environment; the heap is the function's MemorySize.
            cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-Xmx" + Math.max(128, function.memorySize()) + "m"));
            cmd.addAll(List.of("-cp", hostClasspath(), FunctionHost.class.getName(),
                    jar.toString(), function.handler(), portFile.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process process = pb.start();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        log.accept(line);
                    }
                } catch (IOException e) {
                    // process gone
                }
            }, "log-" + function.logicalId());
            pump.setDaemon(true);
            pump.start();
            Instant until = Instant.now().plus(START_TIMEOUT);
            while (!Files.exists(portFile)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(function.logicalId() + " exited at start (code " + process.exitValue() + ")");
                }
                if (Instant.now().isAfter(until)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(function.logicalId() + " did not start within " + START_TIMEOUT);
                }
                Thread.sleep(25);
            }
            int port = Integer.parseInt(Files.readString(portFile).strip());
            Files.deleteIfExists(portFile);
            return new FunctionProcess(function, process, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + function.logicalId() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + function.logicalId(), e);
        }
    }

    /**
     * The child's classpath: this JVM's own (the local runtime jar, or the test classpath). It holds
     * FunctionHost and Lambda's serialization library; the function itself is loaded apart from it.
     */
    private static String hostClasspath() {
        return System.getProperty("java.class.path");
    }

    public FunctionDefinition function() {
        return function;
    }

    /** Invokes the function synchronously, within its template Timeout. */
    public Invocation invoke(byte[] payload, String requestId) {
        Duration timeout = Duration.ofSeconds(function.timeout());
        HttpRequest request = HttpRequest.newBuilder(invokeUri)
                .timeout(timeout.plusSeconds(5))
                .header("X-Request-Id", requestId)
                .header("X-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeout.toMillis()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Invocation(response.body(), response.headers().firstValue(FunctionHost.ERROR_HEADER).orElse(null));
        } catch (java.net.http.HttpTimeoutException e) {
            return new Invocation(error("Task timed out after " + function.timeout() + " seconds", "Sandbox.Timedout"), "Unhandled");
        } catch (IOException e) {
            return new Invocation(error(function.logicalId() + " is not running: " + e.getMessage(), "Runtime.ExitError"), "Unhandled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Invocation(error("interrupted", "Runtime.ExitError"), "Unhandled");
        }
    }

    private static byte[] error(String message, String type) {
        return ("{\"errorMessage\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"errorType\":\"" + type + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
