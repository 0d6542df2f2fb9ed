package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ./optout expire: the expiry sweep by hand, against the local AWS (moto), and lookup showing what it recorded. */
@ExtendWith(LocalAwsExtension.class)
class ExpireCommandIT {
    private static final EmailAddress SOFT = AddressParser.parseOrNull("full.mailbox@example.com");
    private CliHarness cli;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
        cli.store.apply(SOFT, Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "Transient/MailboxFull",
                Provenance.of(Source.SES_BOUNCE, Instant.now().minus(Duration.ofDays(8)))));
    }

    @Test
    void anExpiredSoftBounceStopIsRecordedOnceAndLookupShowsIt() throws Exception {
        CliHarness.Result first = cli.run("expire", "--local", "--actor", "ops");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("recorded 1, already recorded 0").contains("soft-bounce stops: 7 days, hard bounces: never expire");

        JsonNode again = Json.MAPPER.readTree(cli.run("expire", "--local", "--actor", "ops", "--json").out());
        assertThat(again.path("items").path("RECORDED").asInt()).isZero();
        assertThat(again.path("items").path("ALREADY_RECORDED").asInt()).isEqualTo(1);

        CliHarness.Result lookup = cli.run("lookup", "--local", "--actor", "ops", SOFT.value());
        assertThat(lookup.out()).contains("EXPIRED").contains("POLICY").contains("policyDays=7");
    }

    @Test
    void catchUpDaysOutsideWhatTheIdempotencyRecordsCoverIsAUsageError() {
        CliHarness.Result r = cli.run("expire", "--local", "--catch-up-days", "40");
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("--catch-up-days is between 0 and 28");
    }
}
