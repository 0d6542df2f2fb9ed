package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Third-party text stored through the real store (bounce diagnostic codes, complaint user agents,
 * feedback ids, campaign ids, addresses that begin like a formula) read back by the commands an
 * operator runs: nothing reaches the terminal as a control character, and no exported cell runs
 * as a spreadsheet formula unless asked for.
 */
@ExtendWith(LocalAwsExtension.class)
class HostileTextIT {
    /** OSC 0 (retitle the window), SGR (recolour), a forged line, a C1 CSI and a bidi override. */
    private static final String DIAGNOSTIC = "550 5.1.1 \u001b]0;owned\u0007\u001b[31mred\r\nline forged by the bouncer \u009b2J \u202Eevil";
    private CliHarness cli;
    private Path dir;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        this.dir = dir;
        cli = new CliHarness(aws, dir);
    }

    private static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c < 0x20 && c != '\n' || c >= 0x7F && c <= 0x9F || c >= 0x202A && c <= 0x202E);
    }

    @Test
    void lookupPrintsNoControlCharacterFromABouncesDiagnosticOrAComplaintsUserAgent() {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        cli.store.apply(addr("hostile@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General\u001b[2K",
                Provenance.of(Source.SES_BOUNCE, t).withEvidence(Map.of("diagnosticCode", DIAGNOSTIC))));
        cli.store.apply(addr("hostile@example.com"), Change.withDetail(Action.COMPLAINT, "abuse",
                Provenance.of(Source.SES_COMPLAINT, t.plusSeconds(1)).withEvidence(Map.of(
                        "userAgent", "Mailer\u001b[8m hidden", "feedbackId", "fb\u0000\u0008-1"))));

        CliHarness.Result r = cli.run("lookup", "--local", "hostile@example.com");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(hasControl(r.out())).as(r.out()).isFalse();
        assertThat(r.out()).contains("550 5.1.1 ]0;owned[31mred  line forged by the bouncer 2J evil")
                .contains("Mailer[8m hidden").contains("fb-1");
        assertThat(r.out().lines()).noneMatch(l -> l.startsWith("line forged"));
    }

    @Test
    void lookupJsonKeepsTheValueAsStoredWithJsonsOwnEscapes() {
        cli.store.apply(addr("hostile@example.com"), Change.withDetail(Action.HARD_BOUNCE, null,
                Provenance.of(Source.SES_BOUNCE, Instant.now()).withEvidence(Map.of("diagnosticCode", "550\u001b[31m"))));

        CliHarness.Result r = cli.run("lookup", "--local", "--json", "hostile@example.com");

        assertThat(r.out()).contains("550\\u001B[31m").doesNotContain("\u001b");
    }

    @Test
    void reportPrintsNoControlCharacterFromACampaignId() {
        Instant t = Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);
        cli.store.apply(addr("c1@example.com"), Change.withDetail(Action.COMPLAINT, null,
                Provenance.of(Source.SES_COMPLAINT, t).withCampaign("spring\u001b[2J\nsale")));

        CliHarness.Result r = cli.run("report", "--local", "--since", "7d");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(hasControl(r.out())).as(r.out()).isFalse();
        assertThat(r.out()).contains("spring[2J sale");
    }

    @Test
    void exportNeutralisesCellsThatASpreadsheetWouldRunAndImportReadsThemBackUnchanged() throws Exception {
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        // RFC 5322 atext allows = + - at the start of a local part: an address is enough to carry a formula
        for (String a : new String[] {"=1+2@example.com", "+sum@example.com", "-3-4@example.com", "'=5@example.com", "plain@example.com"}) {
            cli.store.apply(addr(a), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, t)));
        }

        CliHarness.Result safe = cli.run("export", "--local");
        CliHarness.Result raw = cli.run("export", "--local", "--raw-cells");

        assertThat(safe.code()).as(safe.err()).isZero();
        assertThat(safe.out().lines().map(l -> l.split(",")[0]))
                .contains("'=1+2@example.com", "'+sum@example.com", "'-3-4@example.com", "''=5@example.com", "plain@example.com")
                .noneMatch(cell -> !cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0);
        assertThat(raw.out().lines().map(l -> l.split(",")[0]))
                .contains("=1+2@example.com", "+sum@example.com", "-3-4@example.com", "'=5@example.com");

        Path exported = dir.resolve("export.csv");
        Files.writeString(exported, safe.out());
        CliHarness.Result reimport = cli.run("import", "--local", "--actor", "ops", exported.toString());
        assertThat(reimport.out()).as("every address read back as stored").contains("0 new, 5 already suppressed, 0 conflicting, 0 invalid");
    }

    @Test
    void exportsHelpSaysHowCellsAreNeutralisedAndHowToGetThemRaw() {
        CliHarness.Result help = cli.run("export", "--help");
        assertThat(help.out()).contains("--raw-cells").contains("apostrophe");
    }
}
