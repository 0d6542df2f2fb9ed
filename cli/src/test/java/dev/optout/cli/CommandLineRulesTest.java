package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command line accepts and refuses before it reaches any table, and its exit status:
 * 2 for a command line that is wrong (it says how to write it), 1 for a refusal. An accepted
 * command line goes on to open its target; here there is none running, so "accepted" shows as
 * the refusal that names the missing local instance (exit 1, not 2). No AWS involved.
 */
class CommandLineRulesTest {
    @TempDir
    Path dir;
    private Path stateDir;

    record Result(int code, String out, String err) {
        /** The command line was accepted and the command went on to look for its target. */
        boolean reachedTheTarget() {
            return code == OptoutCli.REFUSED && err.contains("no local instance");
        }
    }

    @BeforeEach
    void noLocalInstance() {
        stateDir = dir.resolve(".optout");
    }

    private Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), stateDir, env), args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private Path file(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void withoutACommandTheCliSaysToNameOne() {
        Result r = run();
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("name a command", "./optout --help");
        assertThat(run("--version").out()).contains("optout (development build)");
        assertThat(run("--version").code()).isZero();
    }

    @Test
    void anUnknownCommandIsNamedWithTheCommandItIsLikelyToMean() {
        Result r = run("lokup", "a@example.com");
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("unknown command 'lokup'", "Did you mean: lookup?", "./optout --help")
                .doesNotContain("Unmatched argument");

        Result far = run("frobnicate");
        assertThat(far.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(far.err()).contains("unknown command 'frobnicate'", "lookup, suppress, lift, forget, import, export, report, campaign")
                .doesNotContain("Did you mean");
    }

    @Test
    void anUnknownCampaignSubcommandIsNamedToo() {
        Result r = run("campaign", "resme", "weekly");
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("unknown command 'campaign resme'", "Did you mean: campaign resume?");
    }

    @Test
    void anUnknownOptionIsStillReportedAsAnOption() {
        Result r = run("lookup", "--jsn", "a@example.com");
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("Unknown option: '--jsn'", "./optout lookup --help").doesNotContain("unknown command");
    }

    @Test
    void exportAndImportTakeBothSpellingsOfAHardBounce() throws Exception {
        Path csv = file("bounces.csv", "email\na@example.com\n");
        for (String r : List.of("bounce", "hard_bounce", "Hard-Bounce")) {
            assertThat(run("export", "--local", "--reason", r).reachedTheTarget()).as("export " + r).isTrue();
            assertThat(run("import", "--local", "--reason", r, csv.toString()).reachedTheTarget()).as("import " + r).isTrue();
        }
        Result export = run("export", "--local", "--reason", "moved");
        Result imp = run("import", "--local", "--reason", "moved", csv.toString());
        assertThat(export.err()).contains("--reason is hard_bounce (or bounce), soft_bounce, complaint or unsubscribe");
        assertThat(imp.err()).contains("--reason is hard_bounce (or bounce), soft_bounce, complaint or unsubscribe");
        assertThat(run("export", "--help").out().replaceAll("\\s+", " ")).contains("hard_bounce (or bounce)");
        assertThat(run("import", "--help").out().replaceAll("\\s+", " ")).contains("hard_bounce (or bounce)");
    }

    @Test
    void exportTakesOnlyTheReasonsItWritesAndASinceItCanRead() {
        Result reason = run("export", "--local", "--reason", "moved");
        assertThat(reason.code()).isEqualTo(2);
        assertThat(reason.err()).contains("hard_bounce (or bounce), soft_bounce, complaint or unsubscribe", "'moved'");
        for (String r : List.of("hard_bounce", "soft_bounce", "complaint", "unsubscribe")) {
            assertThat(run("export", "--local", "--reason", r).reachedTheTarget()).as(r).isTrue();
        }
        Result since = run("export", "--local", "--since", "last week");
        assertThat(since.code()).isEqualTo(2);
        assertThat(since.err()).contains("--since", "'last week'");
        assertThat(run("export", "--local", "--since", "2026-11-01").reachedTheTarget()).isTrue();
    }

    @Test
    void scanSegmentsAreBetween1And64() {
        for (String command : List.of("export", "report")) {
            assertThat(run(command, "--local", "--segments", "0").code()).as(command).isEqualTo(2);
            assertThat(run(command, "--local", "--segments", "65").code()).as(command).isEqualTo(2);
            assertThat(run(command, "--local", "--segments", "65").err()).as(command).contains("between 1 and 64");
            assertThat(run(command, "--local", "--segments", "1").reachedTheTarget()).as(command).isTrue();
            assertThat(run(command, "--local", "--segments", "64").reachedTheTarget()).as(command).isTrue();
        }
    }

    @Test
    void aReportPeriodThatIsNoneOfTheFormsIsAUsageError() {
        Result r = run("report", "--local", "--since", "forever");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'forever'");
        assertThat(run("report", "--local").reachedTheTarget()).as("30 days by default").isTrue();
    }

    @Test
    void importChecksEveryFileAndOptionBeforeReadingAnyTable() throws Exception {
        Path csv = file("list.csv", "email,reason\na@example.com,bounce\n");
        assertThat(run("import", "--local", csv.toString()).reachedTheTarget()).isTrue();

        Result reason = run("import", "--local", "--reason", "moved", csv.toString());
        assertThat(reason.code()).isEqualTo(2);
        assertThat(reason.err()).contains("--reason is hard_bounce (or bounce), soft_bounce, complaint or unsubscribe", "'moved'");

        assertThat(run("import", "--local", "--parallelism", "0", csv.toString()).code()).isEqualTo(2);
        assertThat(run("import", "--local", "--parallelism", "65", csv.toString()).err()).contains("--parallelism is between 1 and 64");
        assertThat(run("import", "--local", "--parallelism", "1", csv.toString()).reachedTheTarget()).isTrue();
        assertThat(run("import", "--local", "--parallelism", "64", csv.toString()).reachedTheTarget()).isTrue();

        Result missing = run("import", "--local", csv.toString(), dir.resolve("nope.csv").toString());
        assertThat(missing.code()).as("one unreadable file stops them all").isEqualTo(2);
        assertThat(missing.err()).contains("cannot read", "nope.csv");
        assertThat(run("import", "--local", dir.toString()).code()).as("a directory").isEqualTo(2);
    }

    @Test
    void aListThatDoesNotSayWhatItListsNeedsReasonAndAnUnknownShapeNeedsFormat() throws Exception {
        Path sendgrid = file("bounces.json", "[{\"email\": \"a@example.com\", \"created\": 1443651125}]");
        Result noReason = run("import", "--local", sendgrid.toString());
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("is a sendgrid list", "--reason");
        assertThat(run("import", "--local", "--reason", "bounce", sendgrid.toString()).reachedTheTarget()).isTrue();

        Path text = file("list.txt", "a@example.com\n");
        Result unknown = run("import", "--local", text.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("cannot tell the format", "--format");
        assertThat(run("import", "--local", "--format", "csv", text.toString()).reachedTheTarget())
                .as("--format is taken at its word").isTrue();
        assertThat(run("import", "--local", "--format", "mailgun", file("items.json", "{\"items\": []}").toString()).code())
                .as("mailgun says not what it lists either").isEqualTo(2);
        assertThat(run("import", "--local", file("empty.csv", "").toString()).code()).isEqualTo(2);
    }

    @Test
    void changesMustSayWhyAndLiftedConsentMustNameItsEvidence() {
        for (List<String> args : List.of(List.of("suppress", "a@example.com", "--reason", " "),
                List.of("lift", "a@example.com", "--reason", " "),
                List.of("lift", "a@example.com", "--reason", "ticket 1", "--consent", " "),
                List.of("campaign", "resume", "weekly", "--reason", " "))) {
            Result r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(args.toString()).isEqualTo(2);
            assertThat(r.err()).as(args.toString()).containsAnyOf("must say why", "must name the evidence");
        }
        assertThat(run("lift", "--local", "a@example.com", "--reason", "ticket 1", "--consent", "form ref 8812").reachedTheTarget()).isTrue();
        assertThat(run("suppress", "--local", "a@example.com", "--reason", "ticket 1").reachedTheTarget()).isTrue();
    }

    @Test
    void anAddressThatIsNoneIsAUsageErrorThatSaysWhy() {
        for (String command : List.of("lookup", "suppress", "lift", "forget")) {
            Result r = command.equals("lookup") || command.equals("forget") ? run(command, "--local", "not-an-address")
                    : run(command, "--local", "not-an-address", "--reason", "x");
            assertThat(r.code()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).contains("'not-an-address' is not an email address");
        }
        assertThat(run("forget", "--local", "a@example.com").reachedTheTarget()).isTrue();
        assertThat(run("lookup", "--local", "a@example.com").reachedTheTarget()).isTrue();
    }

    @Test
    void aCampaignIsNamed() {
        Result r = run("campaign", "status", "--local", " ");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("name the campaign");
        assertThat(run("campaign", "resume", "--local", " ", "--reason", "cleaned").err()).contains("name the campaign");
        assertThat(run("campaign", "status", "--local", "weekly").reachedTheTarget()).isTrue();
        assertThat(run("campaign", "resume", "--local", "weekly", "--reason", "cleaned").reachedTheTarget()).isTrue();
    }

    @Test
    void aDeployedStackIsNeverGuessed() {
        Result both = run("lookup", "--local", "--stack", "prod", "a@example.com");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        Result neither = run("lookup", "a@example.com");
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.err()).contains("say which optout");
    }

    @Test
    void aLocalJsonThatCannotBeReadIsRefusedWithHowToRewriteIt() throws Exception {
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("local.json"), "{truncated");
        Result garbled = run("lookup", "--local", "a@example.com");
        assertThat(garbled.code()).isEqualTo(1);
        assertThat(garbled.err()).contains("cannot read", "restart ./optout local");

        Files.writeString(stateDir.resolve("local.json"), "{\"awsEndpoint\": \"http://127.0.0.1:1\", \"region\": \"us-east-1\"}");
        Result lacking = run("lookup", "a@example.com");
        assertThat(lacking.code()).isEqualTo(1);
        assertThat(lacking.err()).contains("using the local instance", "lacks awsEndpoint, region or tableName");

        Files.writeString(stateDir.resolve("local.json"),
                "{\"awsEndpoint\": \"http://127.0.0.1:1\", \"region\": \"us-east-1\", \"tableName\": \"t\"}");
        Result noKey = run("lookup", "--local", "a@example.com");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("names no address-hash key secret", "keys.json");
    }

    /** A local.json of an older ./optout local: the key in keys.json; the table's endpoint does not answer. */
    private void olderLocalInstanceThatIsDown(String key) throws Exception {
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("local.json"),
                "{\"awsEndpoint\": \"http://127.0.0.1:1\", \"region\": \"us-east-1\", \"tableName\": \"t\"}");
        Files.writeString(stateDir.resolve("keys.json"), "{\"" + Operator.ADDRESS_KEY_OUTPUT + "\": \"" + key + "\"}");
    }

    @Test
    void aTableThatCannotBeReachedIsARefusalThatSaysNothingMoreChanged() throws Exception {
        olderLocalInstanceThatIsDown(Base64.getEncoder().encodeToString(new byte[32]));
        Result r = run("suppress", "--local", "--actor", "ops", "a@example.com", "--reason", "ticket 1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the suppression table could not be reached", "Nothing more was changed");
    }

    @Test
    void aKeyOrTopicCatalogThatCannotBeReadIsRefused() throws Exception {
        olderLocalInstanceThatIsDown("not base64!");
        Result key = run("lookup", "--local", "--actor", "ops", "a@example.com");
        assertThat(key.code()).isEqualTo(1);
        assertThat(key.err()).contains("cannot read the address-hash key");

        olderLocalInstanceThatIsDown(Base64.getEncoder().encodeToString(new byte[32]));
        Result catalog = run(Map.of("TOPIC_CATALOG", dir.resolve("no-such-catalog.json").toString()), "lookup", "--local", "--actor", "ops",
                "a@example.com");
        assertThat(catalog.code()).isEqualTo(1);
        assertThat(catalog.err()).contains("the topic catalog cannot be read", "TOPIC_CATALOG");
    }
}
