package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.cli.OptoutCli;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./optout smoke --local} against the local runtime with every function in its own JVM
 * (the jars {@code mvn verify} builds before this module): each step printed, exit 0; and with
 * the feedback path stopped (the feedback function not there), exit 1 naming the mail step, with
 * the test addresses forgotten all the same.
 */
@ExtendWith(LocalAwsExtension.class)
class SmokeIT {
    private static final Path ROOT = ProjectRoot.find();

    private record Run(int code, String out, String err) {
    }

    private static Run smoke(LocalAws aws, Path state, String template, String... args) throws Exception {
        Path file = state.resolve("template.yaml");
        Files.writeString(file, template);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (LocalRuntime runtime = LocalRuntime.start(TestRuntimes.options(aws, file, state, "smoke", log))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            String[] all = new String[args.length + 4];
            all[0] = "smoke";
            all[1] = "--local";
            all[2] = "--actor";
            all[3] = "smoke-it";
            System.arraycopy(args, 0, all, 4, args.length);
            int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), state,
                    Map.of(), List.of()), all);
            return new Run(code, out.toString(), err.toString());
        }
    }

    @Test
    void smokeLocalPassesEveryStepItCanAndSaysWhichHaveNoLocalTwin(LocalAws aws, @TempDir Path state) throws Exception {
        Run r = smoke(aws, state, Files.readString(ROOT.resolve("template.yaml")));

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("\u2713 check: 4 fresh test addresses allowed")
                .contains("\u2713 link: the page opened (200), the one-click POST answered 200, and the check now blocks")
                .contains("\u2713 mail: ").contains("bounce+optout-smoke-").contains("complaint after")
                .contains("\u2713 blocked: the check blocks all 3 (BOUNCED, COMPLAINED, BOUNCED)")
                .contains("- alarms: skipped: no CloudWatch locally")
                .contains("- dashboard: skipped: no CloudWatch locally")
                .contains("\u2713 forget: 4 of 4 test addresses forgotten")
                .contains("smoke: passed (5 steps passed, 2 skipped)");
    }

    @Test
    void withTheFeedbackPathStoppedSmokeFailsAtTheMailStepAndStillForgetsItsAddresses(LocalAws aws, @TempDir Path state)
            throws Exception {
        // the feedback function's jar is not there: the local runtime serves everything else
        String stopped = Files.readString(ROOT.resolve("template.yaml"))
                .replace("CodeUri: functions/ses-feedback/target/function.jar", "CodeUri: functions/ses-feedback-stopped/target/function.jar");

        Run r = smoke(aws, state, stopped, "--timeout", "15s");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("\u2713 check: ").contains("\u2713 link: ")
                .contains("\u2717 mail: no suppression within 15s for")
                .contains("- blocked: not run (mail failed)")
                .contains("\u2713 forget: 1 of 4 test addresses forgotten").contains("the others never reached the table")
                .contains("smoke: FAILED at step 'mail'");
    }
}
