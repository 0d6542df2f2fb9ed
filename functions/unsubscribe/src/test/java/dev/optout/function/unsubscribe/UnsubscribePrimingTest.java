package dev.optout.function.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapStart priming runs the real GET path against the table and leaves the table as it was. */
@ExtendWith(LocalAwsExtension.class)
class UnsubscribePrimingTest {
    @Test
    void primingRendersALinkPageAndWritesNothing(LocalAws aws) {
        Map<String, String> env = SampleLinks.functionEnvironment(aws);
        Wiring wiring = new Wiring(Settings.of(env));
        wiring.store().apply(AddressParser.parseOrNull("ana@example.com"),
                Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.parse("2026-11-01T10:00:00Z"))));
        var before = aws.items(env.get("TABLE_NAME"));
        UnsubscribeHandler handler = new UnsubscribeHandler(wiring);

        handler.prime(wiring.tokenSealer(), wiring.topics().all().get(0).id());

        assertThat(aws.items(env.get("TABLE_NAME"))).isEqualTo(before).isNotEmpty();
    }
}
