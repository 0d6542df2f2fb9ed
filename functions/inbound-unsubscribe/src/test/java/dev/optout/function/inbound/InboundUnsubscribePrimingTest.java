package dev.optout.function.inbound;

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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapStart priming seals and opens a mailto token and parses a receipt, and leaves the table as it was. */
@ExtendWith(LocalAwsExtension.class)
class InboundUnsubscribePrimingTest {
    @Test
    void primingOpensAMailtoTokenAndParsesAReceiptButAppliesNothing(LocalAws aws) {
        Map<String, String> env = new HashMap<>(SampleLinks.functionEnvironment(aws));
        env.put(Settings.UNSUBSCRIBE_MAIL_DOMAIN, SampleLinks.MAIL_DOMAIN);
        Wiring wiring = new Wiring(Settings.of(env));
        wiring.store().apply(AddressParser.parseOrNull("ana@example.com"),
                Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.parse("2026-11-01T10:00:00Z"))));
        var before = aws.items(env.get("TABLE_NAME"));
        InboundUnsubscribeHandler handler = new InboundUnsubscribeHandler(wiring);

        handler.prime(wiring.mailtoAddresses().orElseThrow(), wiring.store());

        assertThat(aws.items(env.get("TABLE_NAME"))).isEqualTo(before).isNotEmpty();
    }
}
