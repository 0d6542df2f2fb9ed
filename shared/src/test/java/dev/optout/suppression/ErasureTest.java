package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What erasure drops from a change's provenance, and what it keeps as proof. */
class ErasureTest {
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    private static final EmailAddress RINA = AddressParser.parseOrNull("Rina.Erase@example.com");

    @Test
    void textMentionsTheAddressInAnyCaseOrByItsLocalPart() {
        assertThat(Erasure.mentions("550 <RINA.ERASE@EXAMPLE.COM> unknown", RINA)).isTrue();
        assertThat(Erasure.mentions("mailbox rina.erase@mx.example.net full", RINA)).isTrue();
        assertThat(Erasure.mentions("550 user unknown", RINA)).isFalse();
        assertThat(Erasure.mentions("rina.erase without an at sign", RINA)).isFalse();
        assertThat(Erasure.mentions("", RINA)).isFalse();
        assertThat(Erasure.mentions(null, RINA)).isFalse();
    }

    @Test
    void erasingDropsFreeTextEvidenceAndEveryValueThatNamesTheAddressAndKeepsTheRest() {
        Provenance p = new Provenance(Source.IMPORT, T, "campaign-for-rina.erase@example.com", T.minusSeconds(60),
                Map.of("diagnosticCode", "550 user unknown", "userAgent", "Mozilla/5.0",
                        "status", "rina.erase@example.com", "sesMessageId", "m-1", "importLine", "7"),
                "ops@corp", "ticket 7: rina.erase@example.com asked");

        Provenance erased = p.erasing(RINA);

        assertThat(erased.evidence()).isEqualTo(Map.of("sesMessageId", "m-1", "importLine", "7"));
        assertThat(erased.campaignId()).isNull();
        assertThat(erased.reason()).isNull();
        assertThat(erased.actor()).isEqualTo("ops@corp");
        assertThat(erased.source()).isEqualTo(Source.IMPORT);
        assertThat(erased.at()).isEqualTo(T);
        assertThat(erased.tokenIssuedAt()).isEqualTo(T.minusSeconds(60));
    }

    @Test
    void erasingKeepsACampaignAndReasonThatDoNotNameTheAddressAndDropsAnActorThatDoes() {
        Provenance p = Provenance.byOperator(Source.OPERATOR, T, "rina.erase@example.com", "Art. 17 request")
                .withCampaign("2026-11-weekly");

        Provenance erased = p.erasing(RINA);

        assertThat(erased.actor()).isNull();
        assertThat(erased.reason()).isEqualTo("Art. 17 request");
        assertThat(erased.campaignId()).isEqualTo("2026-11-weekly");
    }
}
