package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How import sorts rows against what the table already holds: a person's later opt-in stands,
 * a row repeated in the file or already in the table changes nothing, a time in the future is
 * refused, an erased address is not written back; and what the operator is shown of each.
 */
@ExtendWith(LocalAwsExtension.class)
class ImportRulesIT {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");
    private CliHarness cli;
    private Path dir;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        this.dir = dir;
        cli = new CliHarness(aws, dir);
    }

    private CliHarness.Result importing(String content, String... options) throws Exception {
        Path file = dir.resolve("list-" + System.nanoTime() + ".csv");
        Files.writeString(file, content);
        String[] all = new String[options.length + 5];
        all[0] = "import";
        all[1] = "--local";
        all[2] = "--actor";
        all[3] = "migration@corp";
        System.arraycopy(options, 0, all, 4, options.length);
        all[all.length - 1] = file.toString();
        return cli.run(all);
    }

    private void optIn(String address, String topic, Instant at) {
        cli.store.apply(addr(address), Change.subscribeTopic(topic, Provenance.of(Source.PREFERENCE_CENTER, at)));
    }

    @Test
    void anOptOutOlderThanThePersonsOptInIsNotImported() throws Exception {
        optIn("a@example.com", "newsletter", T.plusSeconds(3600));
        optIn("b@example.com", "newsletter", T);
        CliHarness.Result r = importing("""
                email,reason,topic,at
                a@example.com,unsubscribe,newsletter,2025-01-01T00:30:00Z
                a@example.com,unsubscribe,,2025-01-01T00:30:00Z
                a@example.com,unsubscribe,promotions,2025-01-01T00:30:00Z
                a@example.com,bounce,,2025-01-01T00:30:00Z
                b@example.com,unsubscribe,newsletter,2025-01-01T00:00:00Z
                a@example.com,complaint,,
                """);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 new, 0 already suppressed, 2 conflicting, 0 invalid")
                .contains("  conflicting:\n    line 2: a@example.com (opted in to newsletter on " + T.plusSeconds(3600)
                        + ", after the row's 2025-01-01T00:30:00Z; not imported: the person's later choice stands)\n    line 3: a@example.com")
                .doesNotContain("  new:");
        var a = cli.store.read(addr("a@example.com"));
        assertThat(a.topicOptOuts()).containsOnlyKeys("promotions");
        assertThat(a.unsubscribedAll()).isNull();
        assertThat(a.hardBounce()).as("a bounce is no choice the opt-in contradicts").isNotNull();
        assertThat(a.complaint()).as("a row without a time contradicts nothing").isNotNull();
        assertThat(cli.store.read(addr("b@example.com")).topicOptOuts()).as("opted in at the row's time, not after").containsKey("newsletter");
    }

    @Test
    void anOptOutOlderThanThePersonsResubscribeIsRecordedButNotImportedAndIsShownAsConflicting() throws Exception {
        cli.store.apply(addr("back@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        cli.store.apply(addr("back@example.com"), Change.resubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, T.plusSeconds(3600))));
        CliHarness.Result r = importing("""
                email,reason,at
                back@example.com,unsubscribe,2025-01-01T00:30:00Z
                """);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("0 new, 0 already suppressed, 1 conflicting, 0 invalid")
                .contains("line 2: back@example.com (unsubscribe from all at 2025-01-01T00:30:00Z; not applied: made at 2025-01-01T00:30:00Z");
        assertThat(cli.store.read(addr("back@example.com")).unsubscribedAll()).as("the person's later resubscribe stands").isNull();
        assertThat(cli.store.fullHistory(addr("back@example.com"))).filteredOn(h -> h.source() == Source.IMPORT).singleElement()
                .satisfies(h -> assertThat(h.evidence().get("outcome")).startsWith("not applied: "));
    }

    @Test
    void rowsRepeatedInTheFileOrAlreadyInTheTableChangeNothing() throws Exception {
        cli.store.apply(addr("old@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T)));
        CliHarness.Result r = importing("""
                email,reason
                old@example.com,bounce
                twice@example.com,bounce
                Twice@Example.com,bounce
                twice@example.com,complaint
                soft@example.com,soft_bounce
                """, "--dry-run");
        assertThat(r.out()).contains("dry run of ", "3 would be new, 2 already suppressed, 0 conflicting, 0 invalid",
                "  already suppressed:\n    line 4: twice@example.com (repeated in this file)\n"
                        + "    line 2: old@example.com (hard bounce since " + T + ", SES_BOUNCE)\n",
                "  new:\n    line 3: twice@example.com (hard bounce)\n    line 5: twice@example.com (complaint)\n"
                        + "    line 6: soft@example.com (soft bounce)\n",
                "dry run: nothing was written");
        assertThat(cli.store.read(addr("twice@example.com")).exists()).isFalse();

        CliHarness.Result written = importing("email,reason\nsoft@example.com,soft_bounce\n", "--note", "legacy ESP, ticket 12");
        assertThat(written.out()).contains("imported ", "1 new, 0 already").doesNotContain("dry run");
        HistoryEvent e = cli.store.fullHistory(addr("soft@example.com")).get(0);
        assertThat(e.action()).isEqualTo(Action.SOFT_BOUNCE_SUPPRESS);
        assertThat(e.reason()).isEqualTo("legacy ESP, ticket 12");
        assertThat(e.actor()).isEqualTo("migration@corp");
        assertThat(cli.store.read(addr("soft@example.com")).softBounce()).isNotNull();
    }

    @Test
    void aTimeMoreThanADayAheadIsInvalidAndTheRestIsImported() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CliHarness.Result r = importing("email,at\nlate@example.com," + now.plus(2, ChronoUnit.DAYS)
                + "\nskewed@example.com," + now.plus(1, ChronoUnit.HOURS) + "\nwhen@example.com,soon\n," + now + "\n");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("1 new", "line 2: time " + now.plus(2, ChronoUnit.DAYS) + " is in the future (late@example.com)");
        assertThat(r.out()).contains("    line 4: time 'soon' is not a date or time this tool reads (when@example.com)\n",
                "    line 5: no address\n");
        assertThat(r.err()).contains("3 invalid row(s) were skipped");
        assertThat(cli.store.read(addr("skewed@example.com")).unsubscribedAll().at()).isEqualTo(now.plus(1, ChronoUnit.HOURS));
        assertThat(cli.store.read(addr("late@example.com")).exists()).isFalse();
    }

    @Test
    void anErasedAddressIsNotWrittenBackByAnImport() throws Exception {
        cli.store.apply(addr("erased@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        assertThat(cli.run("forget", "--local", "--actor", "dpo", "erased@example.com").code()).isZero();
        CliHarness.Result r = importing("email,reason\nerased@example.com,bounce\n");
        assertThat(r.out()).contains("1 new");
        assertThat(cli.store.read(addr("erased@example.com")).hardBounce()).isNotNull();
        assertThat(cli.wholeTable()).doesNotContain("erased@example.com");
    }

    @Test
    void aLongListShowsTwentyLinesPerKindButEveryInvalidOne() throws Exception {
        StringBuilder csv = new StringBuilder("email,reason\n");
        for (int i = 0; i < 23; i++) {
            csv.append("n").append(i).append("@example.com,bounce\n");
        }
        for (int i = 0; i < 22; i++) {
            csv.append("bad").append(i).append(",bounce\n");
        }
        CliHarness.Result r = importing(csv.toString(), "--dry-run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("22 invalid row(s) would be skipped");
        assertThat(r.out()).contains("    line 21: n19@example.com (hard bounce)\n    ... and 3 more\n").doesNotContain("n20@example.com");
        assertThat(r.out()).contains("line 46: 'bad21' is not an address").doesNotContain("... and 2 more").doesNotContain("... and 0 more");
        assertThat(cli.itemCount()).isZero();
    }
}
