package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.ProjectRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The naming rule of the tests, everywhere: a class named {@code *Test} is pure (surefire runs it
 * before the jars are built, with no local AWS), and one that starts a local AWS, the local
 * runtime or a browser against them is named {@code *IT} (failsafe runs it after packaging). So
 * {@code -Dtest=...} selects fast tests and {@code -Dit.test=...} the ones that need moto.
 */
class TestNamingTest {
    /** What a test uses when it needs local AWS: the moto extension or server, or a stack built on them. */
    private static final Pattern NEEDS_LOCAL_AWS = Pattern.compile(
            "\\b(LocalAwsExtension|LocalAws|MotoServer|LocalStack|LocalRuntime\\.start|InProcessStack|CliHarness|LocalLambdaClients|ScriptedHistory|StoreFixture)\\b");

    @Test
    void aTestNamedTestNeedsNoLocalAws() throws IOException {
        List<String> misnamed;
        try (Stream<Path> files = Files.walk(ProjectRoot.find())) {
            misnamed = files.filter(f -> f.toString().contains("/src/test/java/") && !f.toString().contains("/target/"))
                    .filter(f -> f.getFileName().toString().endsWith("Test.java"))
                    .filter(f -> !f.getFileName().toString().equals("TestNamingTest.java")) // names the markers
                    .filter(f -> NEEDS_LOCAL_AWS.matcher(read(f)).find())
                    .map(f -> ProjectRoot.find().relativize(f).toString())
                    .sorted().toList();
        }
        assertThat(misnamed).as("tests that need local AWS are named *IT").isEmpty();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
