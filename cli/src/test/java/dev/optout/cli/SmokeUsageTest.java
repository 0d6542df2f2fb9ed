package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** smoke's usage errors (exit 2, before anything is started or read) and its --help. */
class SmokeUsageTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), dir.resolve(".optout"),
                Map.of(), List.of()), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void smokeWithoutATargetIsAUsageErrorThatSaysWhatToGive() {
        String[] r = run("smoke");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--stack NAME").contains("--local");
    }

    @Test
    void aStackNeedsASenderForTheSimulatorMail() {
        String[] r = run("smoke", "--stack", "optout-prod", "--region", "eu-west-1");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--from ADDRESS");
    }

    @Test
    void anUnreadableTimeoutIsAUsageError() {
        String[] r = run("smoke", "--local", "--timeout", "soon");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("--timeout");
        assertThat(SmokeCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SmokeCommand.duration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(SmokeCommand.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void helpListsEveryStep() {
        String[] r = run("smoke", "--help");
        assertThat(r[1]).contains("check").contains("link").contains("mail").contains("blocked").contains("alarms")
                .contains("dashboard").contains("forget").contains("simulator.amazonses.com");
    }
}
