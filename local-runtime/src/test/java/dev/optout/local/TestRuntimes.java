package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.ProjectRoot;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/** How the end-to-end tests start a local runtime: on the built function jars, a stack of its own. */
final class TestRuntimes {
    static final Path ROOT = ProjectRoot.find();

    private TestRuntimes() {
    }

    /**
     * The runtime's options for {@code template} on {@code aws}: state in {@code state}, any free
     * port, a stack named {@code prefix} plus a random suffix, its output written to {@code log}.
     * Fails first, saying what to do, when the function jars are not built (mvn verify builds them
     * before this module's tests, in the root pom's reactor order).
     */
    static LocalRuntime.Options options(LocalAws aws, Path template, Path state, String prefix, OutputStream log) {
        assertThat(ROOT.resolve("functions/presend-check/target/function.jar"))
                .as("functions/presend-check/target/function.jar is built: run mvn package first").exists();
        return new LocalRuntime.Options(ROOT, template, state, 0, prefix + "-" + UUID.randomUUID().toString().substring(0, 6),
                aws, new PrintStream(log, true, StandardCharsets.UTF_8));
    }
}
