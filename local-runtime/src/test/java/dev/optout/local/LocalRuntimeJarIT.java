package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.ProjectRoot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./optout local} as a user starts it: the shaded {@code local-runtime.jar} in its own JVM
 * (the in-process tests run on the test classpath, which can hide a dependency the jar lacks, as
 * a test-scoped SNS client once did). It must print its banner; then it is stopped as Ctrl-C does.
 * Runs after {@code package} (failsafe), so the jar is the one just built.
 */
class LocalRuntimeJarIT {
    @Test
    void theLocalRuntimeJarStartsEverythingAndPrintsItsBanner() throws Exception {
        Path root = ProjectRoot.find();
        Path jar = root.resolve("local-runtime/target/local-runtime.jar");
        assertThat(jar).as("run mvn package first").exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", jar.toString(), LocalRuntime.class.getName(), "--port", Integer.toString(port)))
                .directory(root.toFile()).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        boolean running = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            String line;
            while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
                output.append(line).append('\n');
                if (line.contains("optout is running locally")) {
                    running = true;
                    break;
                }
            }
            assertThat(running).as("the banner, in:%n%s", output).isTrue();
            assertThat(output).doesNotContain("Exception");
            assertThat(Files.readString(root.resolve(".optout/local.json"))).contains("\"apiUrl\"").contains(":" + port);
        } finally {
            p.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook stops the functions and moto
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
