package dev.optout.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.check.AnswerSize;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gmail's Feedback-ID: campaign, topic and the configured sender id, colon-separated. */
class FeedbackIdTest {
    private final FeedbackId id = new FeedbackId("acme-mail");

    @Test
    void campaignTopicAndSenderIdInGmailsOrder() {
        assertThat(id.value("2026-11-weekly", "newsletter")).isEqualTo("2026-11-weekly:newsletter:acme-mail");
        assertThat(id.value("2026-11-weekly", null)).isEqualTo("2026-11-weekly:all:acme-mail");
    }

    @Test
    void noCampaignNoHeader() {
        assertThat(id.value(null, "newsletter")).isNull();
        assertThat(id.value("", "newsletter")).isNull();
    }

    @Test
    void aCampaignIdWithColonsOrSpacesCannotShiftTheFields() {
        String v = id.value("black friday: 50% off", "newsletter");
        assertThat(v.split(":")).hasSize(3);
        assertThat(v).matches("black_friday__50__off-[0-9a-f]{8}:newsletter:acme-mail");
    }

    @Test
    void aLongCampaignIsCutWithAHashSoTwoCampaignsNeverMeet() {
        String a = FeedbackId.campaignField("c".repeat(199) + "a");
        String b = FeedbackId.campaignField("c".repeat(199) + "b");
        assertThat(a).hasSize(FeedbackId.MAX_CAMPAIGN_CHARS).isNotEqualTo(b);
        String longest = new FeedbackId("s".repeat(FeedbackId.MAX_SENDER_ID_CHARS)).value("c".repeat(200), "t".repeat(48));
        assertThat(longest).hasSize(FeedbackId.MAX_VALUE_CHARS);
        assertThat(FeedbackId.MAX_VALUE_CHARS).isEqualTo(AnswerSize.MAX_FEEDBACK_ID_BYTES);
    }

    @Test
    void aSenderIdThatCouldBreakTheHeaderIsRefusedAtInit() {
        for (String bad : new String[] {"a:b", "has space", "s".repeat(33), "", "x\r\nBcc: y"}) {
            assertThatThrownBy(() -> new FeedbackId(bad)).as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("FEEDBACK_SENDER_ID");
        }
    }

    @Test
    void fromSettingsIsOptional() {
        assertThat(FeedbackId.fromSettings(Settings.of(Map.of()))).isNull();
        assertThat(FeedbackId.fromSettings(Settings.of(Map.of("FEEDBACK_SENDER_ID", "acme")))).extracting(FeedbackId::senderId).isEqualTo("acme");
    }
}
