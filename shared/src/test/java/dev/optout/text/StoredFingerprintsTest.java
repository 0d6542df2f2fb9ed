package dev.optout.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.check.SesTags;
import dev.optout.links.FeedbackId;
import dev.optout.optin.OptInEvidence;
import dev.optout.suppression.DedupeRecords;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The SHA-256 fingerprints optout stores or sends never change: a dedupe record a changed digest
 * missed would let a redelivered change be written twice, a wording version would no longer match
 * the opt-ins recorded under it, and a campaign's tag or Feedback-ID would split its counts. Each
 * expected value was computed outside Java (Python's hashlib and base64).
 */
class StoredFingerprintsTest {
    @Test
    void aDedupeRecordIsKeyedByTheUrlSafeBase64DigestOfItsIdempotencyKey() {
        assertThat(DedupeRecords.put("t", "feedback-7/atomic", Instant.EPOCH).item().get("pk").s())
                .isEqualTo("D#YA1sNGqZVF8BWlG9lfOL9O7AWcjHYz-ceZaZx8QyKVU");
    }

    @Test
    void aWordingVersionIsTheFirstTwelveHexDigitsOfItsDigest() {
        assertThat(OptInEvidence.versionOf("Send me the newsletter.")).isEqualTo("sha256:e0754d5d5663");
    }

    @Test
    void anInvalidTagValueEndsWithTheFirstEightHexDigitsOfTheOriginalsDigest() {
        assertThat(SesTags.value("Sommer-Aktion: Mütter & Väter")).isEqualTo("Sommer-Aktion__M_tter___V_ter-78ca19d3");
    }

    @Test
    void aLongCampaignInTheFeedbackIdIsCutWithTheFirstEightHexDigitsOfItsDigest() {
        assertThat(new FeedbackId("sender1").value("black-friday-2026-early-access-for-the-loyal-customers", null))
                .isEqualTo("black-friday-2026-early-access--4547dfe1:all:sender1");
    }
}
