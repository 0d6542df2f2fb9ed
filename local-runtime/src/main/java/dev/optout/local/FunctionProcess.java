package dev.optout.local;

import dev.optout.local.host.FunctionHost;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LambdaLimits;
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
import java.util.concurrent.CompletableFuture;
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
    private final Launch launch;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** The execution environment now: replaced (in the background) after a timeout abandons it. */
    private CompletableFuture<Environment> environment;
    private volatile boolean closed;

    /** The answer of one invocation: the payload, and Lambda's function error type when it failed. */
    public record Invocation(byte[] payload, String functionError) {
        public boolean failed() {
            return functionError != null;
        }

        public String payloadText() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** One running JVM of the function and where it takes invocations. */
    private record Environment(Process process, URI invokeUri) {
    }

    /** What starts a new environment of the function. */
    private record Launch(FunctionDefinition function, Path jar, Map<String, String> environment, Path workDir, Consumer<String> log) {
    }

    private FunctionProcess(Launch launch, Environment first) {
        this.function = launch.function();
        this.launch = launch;
        this.environment = CompletableFuture.completedFuture(first);
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
        Launch launch = new Launch(function, jar, environment, workDir, log);
        return new FunctionProcess(launch, launch(launch));
    }

    /** The JVM options of the function: Lambda's java runtime's, sized from MemorySize. */
    static List<String> jvmOptions(FunctionDefinition function) {
        List<String> options = new ArrayList<>(LambdaLimits.jvmMemoryOptions(function.memorySize()));
        // Small, quick-starting JVM, as Lambda's java runtime starts it (serial GC).
        options.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        return options;
    }

    private static Environment launch(Launch l) {
        FunctionDefinition function = l.function();
        try {
            Files.createDirectories(l.workDir());
            Path portFile = l.workDir().resolve(function.logicalId() + "-" + UUID.randomUUID() + ".port");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions(function));
            cmd.addAll(List.of("-cp", hostClasspath(), FunctionHost.class.getName(),
                    l.jar().toString(), function.handler(), portFile.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().putAll(l.environment());
            Process process = pb.start();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        l.log().accept(line);
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
            return new Environment(process, URI.create("http://127.0.0.1:" + port + "/invoke"));
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

    /**
     * Invokes the function synchronously, within Lambda's limits: a request over the synchronous
     * payload limit is refused ({@link LambdaLimits.RequestTooLargeException}, nothing runs); an
     * answer over it becomes {@code Function.ResponseSizeTooLarge}; past the template's Timeout the
     * invocation is answered {@code Sandbox.Timedout} and its environment abandoned (killed, and a
     * fresh one started for the next invocation, which runs init again), as Lambda does.
     */
    public Invocation invoke(byte[] payload, String requestId) {
        LambdaLimits.requireAccepted(payload.length, LambdaLimits.InvocationType.REQUEST_RESPONSE);
        CompletableFuture<Environment> current = current();
        Environment env;
        try {
            env = current.join();
        } catch (RuntimeException e) {
            return new Invocation(LambdaLimits.error(function.logicalId() + " could not start again: " + e.getMessage(),
                    "Runtime.ExitError"), "Unhandled");
        }
        Duration timeout = Duration.ofSeconds(function.timeout());
        HttpRequest request = HttpRequest.newBuilder(env.invokeUri())
                .timeout(timeout)
                .header("X-Request-Id", requestId)
                .header("X-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeout.toMillis()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (LambdaLimits.responseTooLarge(response.body().length)) {
                return new Invocation(LambdaLimits.responseTooLargeError(), "Unhandled");
            }
            return new Invocation(response.body(), response.headers().firstValue(FunctionHost.ERROR_HEADER).orElse(null));
        } catch (java.net.http.HttpTimeoutException e) {
            abandon(current);
            return new Invocation(LambdaLimits.timedOutError(requestId, function.timeout()), "Unhandled");
        } catch (IOException e) {
            return new Invocation(LambdaLimits.error(function.logicalId() + " is not running: " + e.getMessage(), "Runtime.ExitError"),
                    "Unhandled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Invocation(LambdaLimits.error("interrupted", "Runtime.ExitError"), "Unhandled");
        }
    }

    private synchronized CompletableFuture<Environment> current() {
        return environment;
    }

    /** Kills the environment an invocation timed out in and starts a fresh one in the background. */
    private synchronized void abandon(CompletableFuture<Environment> timedOut) {
        if (environment != timedOut || closed) {
            return;
        }
        timedOut.thenAccept(e -> e.process().destroyForcibly());
        launch.log().accept("timed out: environment abandoned, starting a new one");
        environment = CompletableFuture.supplyAsync(() -> launch(launch));
    }

    public long pid() {
        return current().join().process().pid();
    }

    @Override
    public void close() {
        CompletableFuture<Environment> last;
        synchronized (this) {
            closed = true;
            last = environment;
        }
        Process process;
        try {
            process = last.join().process();
        } catch (RuntimeException e) {
            return;
        }
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
