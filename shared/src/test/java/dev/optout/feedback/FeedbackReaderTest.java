package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.localaws.SnsTestSigner;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Raw SES bodies are accepted only where raw delivery is enabled; envelopes only when authentic. */
class FeedbackReaderTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:optout-ses-events";
    private static final SnsTestSigner SNS = SnsTestSigner.load();

    private static FeedbackReader reader(boolean verifySignatures, boolean acceptRaw) {
        FeedbackAuthenticity a = new FeedbackAuthenticity(TOPIC, verifySignatures, acceptRaw);
        return new FeedbackReader(new SnsEnvelopeVerifier(a,
                new SnsSigningCertificates(SnsCertificateUrlPolicy.forTopic(a), url -> SNS.certificatePem()), Clock.systemUTC()));
    }

    @Test
    void aRawSesBodyIsRefusedUnlessRawDeliveryIsEnabled() {
        String raw = Fixtures.ses("notification-bounce-permanent");

        assertThatThrownBy(() -> reader(true, false).read(raw)).isInstanceOf(UnauthenticFeedbackException.class)
                .hasMessage("not an SNS envelope, and raw message delivery is not enabled");
        assertThatThrownBy(() -> reader(true, false).read(SesFeedbackParser.DESTINATION_TEST_MESSAGE))
                .isInstanceOf(UnauthenticFeedbackException.class);
        assertThat(reader(true, true).read(raw)).isInstanceOf(SesEvent.class);
    }

    @Test
    void aSignedEnvelopeFromTheTopicIsRead() {
        FeedbackMessage m = reader(true, false).read(SNS.notification(TOPIC, "m-1", Fixtures.ses("event-subscription"), 2));

        assertThat(m).isInstanceOfSatisfying(SesEvent.class, e -> assertThat(e.type()).isEqualTo(SesEventType.SUBSCRIPTION));
    }

    @Test
    void aSignedSubscriptionConfirmationIsAControlMessage() {
        FeedbackMessage m = reader(true, false).read(SNS.confirmation("SubscriptionConfirmation", TOPIC, "c-1", 2));

        assertThat(m).isInstanceOfSatisfying(ControlMessage.class,
                c -> assertThat(c.kind()).isEqualTo(ControlMessage.Kind.SUBSCRIPTION_CONFIRMATION));
    }

    @Test
    void fromTheSettingsAnEnvelopeNamingAnotherTopicIsRefusedEvenWithSignatureCheckingOff() {
        FeedbackReader reader = FeedbackReader.from(new FeedbackAuthenticity(TOPIC, false, false));
        String bounce = Fixtures.ses("notification-bounce-permanent");

        assertThatThrownBy(() -> reader.read(SNS.notification("arn:aws:sns:us-east-1:123456789012:someone-else", "m-2", bounce, 2)))
                .isInstanceOf(UnauthenticFeedbackException.class);
        assertThat(reader.read(SNS.notification(TOPIC, "m-3", bounce, 2))).isInstanceOf(SesEvent.class);
    }

    @Test
    void theSettingsDefaultToSignedEnvelopesOnly() {
        FeedbackAuthenticity defaults = FeedbackAuthenticity.from(dev.optout.config.Settings.of(
                java.util.Map.of(dev.optout.config.Settings.SES_EVENTS_TOPIC_ARN, TOPIC)));
        assertThat(defaults).isEqualTo(new FeedbackAuthenticity(TOPIC, true, false));
        FeedbackAuthenticity local = FeedbackAuthenticity.from(dev.optout.config.Settings.of(java.util.Map.of(
                dev.optout.config.Settings.SES_EVENTS_TOPIC_ARN, TOPIC, dev.optout.config.Settings.SNS_SIGNATURE_VERIFICATION, "false",
                dev.optout.config.Settings.SES_RAW_MESSAGE_DELIVERY, "true")));
        assertThat(local).isEqualTo(new FeedbackAuthenticity(TOPIC, false, true));
    }
}
