package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static dev.optout.cli.CliHarness.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.TableLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/** import: every format from its provider's documented shape, dry run, re-runs, conflicts, resume. */
@ExtendWith(LocalAwsExtension.class)
class ImportIT {
    private CliHarness cli;
    private Path dir;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        this.dir = dir;
        cli = new CliHarness(aws, dir);
    }

    private CliHarness.Result importing(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "import";
        all[1] = "--local";
        all[2] = "--actor";
        all[3] = "migration@corp";
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.run(all);
    }

    private AddressState state(String address) {
        return cli.store.read(addr(address));
    }

    private HistoryEvent only(String address) {
        var history = cli.store.fullHistory(addr(address));
        assertThat(history).hasSize(1);
        return history.get(0);
    }

    @Test
    void sesSuppressedDestinationsBecomeBouncesAndComplaintsWithTheirOwnTimes() {
        CliHarness.Result r = importing(fixture("ses.json").toString());
        assertThat(r.code()).isEqualTo(1); // one invalid row
        assertThat(r.out()).contains("(ses)").contains("2 new").contains("row 3 (line 13): 'not-an-address' is not an address");
        assertThat(state("ses.bounce@example.com").hardBounce())
                .isEqualTo(new Mark(Instant.parse("2025-06-03T10:15:30.123Z"), Source.IMPORT, null, null));
        assertThat(state("ses.complaint@example.com").complaint().at()).isEqualTo(Instant.parse("2025-07-01T06:00:00Z"));
        HistoryEvent e = only("ses.bounce@example.com");
        assertThat(e.source()).isEqualTo(Source.IMPORT);
        assertThat(e.actor()).isEqualTo("migration@corp");
        assertThat(e.reason()).isEqualTo("imported from ses.json (ses)");
        assertThat(e.evidence()).containsEntry("importFormat", "ses").containsEntry("importFile", "ses.json")
                .containsEntry("importRow", "1").containsEntry("importLine", "3").containsEntry("sesReason", "BOUNCE");
    }

    @Test
    void postmarkHardBouncesComplaintsAndManualSuppressions() {
        CliHarness.Result r = importing(fixture("postmark.json").toString());
        assertThat(r.out()).contains("(postmark)").contains("3 new").contains("(line 21): SuppressionReason is 'Unknown'");
        assertThat(state("pm.hard@example.com").hardBounce().at()).isEqualTo(Instant.parse("2024-12-10T13:58:33Z"));
        assertThat(state("pm.spam@example.com").complaint()).isNotNull();
        assertThat(state("pm.manual@example.com").unsubscribedAll()).isNotNull();
        assertThat(only("pm.manual@example.com").evidence()).containsEntry("postmarkOrigin", "Customer");
    }

    @Test
    void sendgridBouncesNeedToBeToldWhatTheListIs() {
        CliHarness.Result noReason = importing(fixture("sendgrid-bounces.json").toString());
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        assertThat(cli.itemCount()).isZero();

        CliHarness.Result r = importing(fixture("sendgrid-bounces.json").toString(), "--reason", "bounce");
        assertThat(r.out()).contains("(sendgrid)").contains("2 new").contains("(line 14):");
        assertThat(state("sg.bounce@example.com").hardBounce().at()).isEqualTo(Instant.ofEpochSecond(1443651125));
        assertThat(only("sg.bounce@example.com").evidence()).containsEntry("status", "5.1.1").containsKey("diagnosticCode");
    }

    @Test
    void mailgunPagesWithTheirRfc2822Times() {
        CliHarness.Result r = importing(fixture("mailgun-unsubscribes.json").toString(), "--reason", "unsubscribe");
        assertThat(r.out()).contains("(mailgun)").contains("2 new").contains("time 'yesterday-ish'");
        assertThat(state("mg.unsub@example.com").unsubscribedAll().at()).isEqualTo(Instant.parse("2022-10-21T11:02:55Z"));

        assertThat(importing(fixture("mailgun-bounces.json").toString(), "--reason", "bounce").code()).isZero();
        assertThat(state("mg.bounce@example.com").hardBounce().at()).isEqualTo(Instant.parse("2022-11-07T09:30:00Z"));
        assertThat(only("mg.bounce@example.com").evidence()).containsEntry("code", "550");
    }

    @Test
    void mailchimpUnsubscribedAndCleanedExports() {
        CliHarness.Result r = importing(fixture("mailchimp-unsubscribed.csv").toString(), fixture("mailchimp-cleaned.csv").toString());
        assertThat(r.out()).contains("(mailchimp)").contains("line 4: neither UNSUB_TIME nor CLEAN_TIME");
        assertThat(state("mc.unsub@example.com").unsubscribedAll().at()).isEqualTo(Instant.parse("2024-02-14T07:30:00Z"));
        assertThat(state("mc.second@example.com").unsubscribedAll()).isNotNull();
        assertThat(state("mc.cleaned@example.com").hardBounce().at()).isEqualTo(Instant.parse("2024-03-01T12:00:00Z"));
        assertThat(only("mc.unsub@example.com").evidence()).containsEntry("note", "I no longer want to receive these emails");
    }

    @Test
    void csvRowsWithReasonTopicAndTime() {
        CliHarness.Result r = importing(fixture("suppressions.csv").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("(csv)").contains("4 new").contains("2 invalid")
                .contains("line 6: reason 'moved-away'")
                .contains("line 7: topic 'no-such-topic' is not in the catalog ([newsletter, promotions, product-updates, events])");
        assertThat(state("csv.unsub@example.com").unsubscribedAll().at()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(state("csv.topic@example.com").topicOptOuts().get("newsletter").at()).isEqualTo(Instant.parse("2025-01-03T00:00:00Z"));
        assertThat(state("csv.topic@example.com").unsubscribedAll()).isNull();
        assertThat(state("csv.bounce@example.com").hardBounce()).isNotNull();
        assertThat(state("csv.complaint@example.com").complaint().at()).isEqualTo(Instant.parse("2025-02-01T10:00:00Z"));
    }

    @Test
    void aDryRunSortsEveryRowAndWritesNothing() {
        cli.store.apply(addr("csv.unsub@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.parse("2024-01-01T00:00:00Z"))));
        cli.store.apply(addr("csv.topic@example.com"), Change.subscribeTopic("newsletter", Provenance.of(Source.PREFERENCE_CENTER, Instant.parse("2025-06-01T00:00:00Z"))));
        int before = cli.itemCount();

        CliHarness.Result r = importing(fixture("suppressions.csv").toString(), "--dry-run");

        assertThat(cli.itemCount()).isEqualTo(before);
        assertThat(r.out()).contains("dry run of").contains("2 would be new, 1 already suppressed, 1 conflicting, 2 invalid")
                .contains("line 2: csv.unsub@example.com").contains("line 3: csv.topic@example.com (opted in to newsletter")
                .contains("line 4: csv.bounce@example.com").contains("line 6:").contains("nothing was written");
    }

    @Test
    void reRunningAnImportChangesNothing() {
        importing(fixture("postmark.json").toString());
        int items = cli.itemCount();
        CliHarness.Result again = importing(fixture("postmark.json").toString());
        assertThat(again.out()).contains("0 new, 3 already suppressed");
        assertThat(cli.itemCount()).isEqualTo(items);
    }

    @Test
    void anImportThatCrashesResumesWhereItStoppedWithoutDuplicates() throws Exception {
        StringBuilder csv = new StringBuilder("email,reason\n");
        int rows = 1_200; // three chunks
        for (int i = 0; i < rows; i++) {
            csv.append("crash").append(i).append("@example.com,bounce\n");
        }
        Path file = dir.resolve("big.csv");
        Files.writeString(file, csv);
        AtomicInteger updates = new AtomicInteger();
        cli.interceptors.add(new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (stateWrite(context.request()) && updates.incrementAndGet() > 700) {
                    throw SdkClientException.create("injected: connection lost");
                }
                return context.request();
            }
        });
        CliHarness.Result crashed = importing(file.toString());
        assertThat(crashed.code()).isEqualTo(1);
        assertThat(crashed.err()).contains("run the same command again");
        assertThat(Files.list(cli.stateDir.resolve("imports")).toList()).hasSize(1);

        cli.interceptors.clear();
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "email,reason\nother@example.com,bounce\n");
        CliHarness.Result otherFile = importing(other.toString());
        assertThat(otherFile.out()).as("another file's checkpoint is not this file's").doesNotContain("resumed").contains("1 new");
        assertThat(state("other@example.com").hardBounce()).isNotNull();

        CliHarness.Result resumed = importing(file.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resumed after row 500");
        java.util.regex.Matcher counts = java.util.regex.Pattern.compile("(\\d+) new, (\\d+) already suppressed, 0 conflicting, 0 invalid")
                .matcher(resumed.out());
        assertThat(counts.find()).as(resumed.out()).isTrue();
        assertThat(Integer.parseInt(counts.group(1)) + Integer.parseInt(counts.group(2))).as("each row after row 500 counted once")
                .isEqualTo(rows - 500);
        for (int i = 0; i < rows; i += 97) {
            assertThat(state("crash" + i + "@example.com").hardBounce()).isNotNull();
            assertThat(cli.store.fullHistory(addr("crash" + i + "@example.com"))).hasSize(1);
        }
        assertThat(cli.itemCount()).as("each row, and the other file's").isEqualTo(2 * rows + 2);
        assertThat(Files.list(cli.stateDir.resolve("imports")).toList()).isEmpty();
    }

    /**
     * A provider's file on one line (as {@code aws sesv2 list-suppressed-destinations} output is
     * after {@code jq -c}): every row is on line 1, so only the rows' positions tell them apart.
     * The import loses its connection at the 701st state write, midway through its second chunk:
     * each row's state and history are written together or not at all, so the rows before hold
     * both and the rest neither. The resumed run starts after the last whole chunk, finds the rows
     * written since already suppressed, and applies every remaining row exactly once: each address
     * ends with its mark and one history event that proves it.
     */
    @Test
    void aMinifiedJsonImportThatFailsMidwayResumesAndAppliesEveryRemainingRowExactlyOnce() throws Exception {
        int rows = 1_200;
        StringBuilder json = new StringBuilder("{\"SuppressedDestinationSummaries\":[");
        for (int i = 0; i < rows; i++) {
            json.append(i == 0 ? "" : ",").append("{\"EmailAddress\":\"min").append(i)
                    .append("@example.com\",\"Reason\":\"BOUNCE\",\"LastUpdateTime\":\"2025-06-03T10:15:30Z\"}");
        }
        Path file = dir.resolve("ses-minified.json");
        Files.writeString(file, json.append("]}"));
        assertThat(Files.readAllLines(file)).hasSize(1);
        AtomicInteger writes = new AtomicInteger();
        cli.interceptors.add(new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (stateWrite(context.request()) && writes.incrementAndGet() > 700) {
                    throw SdkClientException.create("injected: connection lost");
                }
                return context.request();
            }
        });

        CliHarness.Result crashed = importing(file.toString());
        assertThat(crashed.code()).isEqualTo(1);
        assertThat(crashed.err()).contains("run the same command again");
        Table crashedTable = table();
        assertThat(crashedTable.marked()).as("rows written before the failure").hasSize(700);
        assertThat(crashedTable.historyCount()).as("no history without its state").isEqualTo(700);

        cli.interceptors.clear();
        CliHarness.Result resumed = importing(file.toString());

        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resumed after row 500").contains("500 new, 200 already suppressed, 0 conflicting, 0 invalid");
        Table done = table();
        assertThat(done.marked()).as("every row's address holds its hard bounce").hasSize(rows);
        assertThat(done.history()).as("each with exactly one history event, of that change")
                .hasSize(rows).allSatisfy((pk, events) -> assertThat(events).containsExactly("HARD_BOUNCE"));
        assertThat(done.history().keySet()).isEqualTo(done.marked());
        assertThat(only("min1199@example.com").evidence()).containsEntry("importRow", "1200").containsEntry("importLine", "1");
        assertThat(Files.list(cli.stateDir.resolve("imports")).toList()).as("checkpoint removed when done").isEmpty();
    }

    /** A write of a state item (an import writes each row's state with PutItem, then its history item). */
    private static boolean stateWrite(SdkRequest request) {
        return request instanceof PutItemRequest p && TableLayout.STATE_SK.equals(p.item().get(TableLayout.SK).s());
    }

    /** The table read in one scan: the keys whose state holds a hard bounce, and each key's history actions. */
    private record Table(java.util.Set<String> marked, java.util.Map<String, java.util.List<String>> history) {
        int historyCount() {
            return history.values().stream().mapToInt(java.util.List::size).sum();
        }
    }

    private Table table() {
        java.util.Set<String> marked = new java.util.HashSet<>();
        java.util.Map<String, java.util.List<String>> history = new java.util.HashMap<>();
        cli.aws.dynamoDb().scanPaginator(r -> r.tableName(cli.table).consistentRead(true)).items().forEach(item -> {
            String pk = item.get(TableLayout.PK).s();
            String sk = item.get(TableLayout.SK).s();
            if (sk.equals(TableLayout.STATE_SK) && item.containsKey(TableLayout.HARD_BOUNCE)) {
                marked.add(pk);
            } else if (sk.startsWith(TableLayout.HISTORY_PREFIX)) {
                history.computeIfAbsent(pk, k -> new java.util.ArrayList<>()).add(item.get("action").s());
            }
        });
        return new Table(marked, history);
    }

    @Test
    void aFileOfUnknownShapeIsAUsageError() throws Exception {
        Path file = dir.resolve("list.txt");
        Files.writeString(file, "just some text\nnot a list\n");
        CliHarness.Result r = importing(file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--format");
    }
}
