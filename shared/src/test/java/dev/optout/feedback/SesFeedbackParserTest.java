package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.EmailAddress;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SesFeedbackParserTest {

    private static SesEvent event(String body) {
        FeedbackMessage m = SesFeedbackParser.parse(body);
        assertThat(m).isInstanceOf(SesEvent.class);
        return (SesEvent) m;
    }

    @Test
    void permanentBounceInAnSnsEnvelopeNamesEveryRecipientCanonicallyWithItsDiagnostic() {
        SesEvent e = event(Fixtures.sqsBody("sqs-sns-notification-bounce-permanent.json"));
        assertThat(e.type()).isEqualTo(SesEventType.BOUNCE);
        assertThat(e.format()).isEqualTo(SesEvent.Format.NOTIFICATION);
        assertThat(e.snsMessageId()).isEqualTo("00000000-0000-0000-0000-00000000a001");
        assertThat(e.sesMessageId()).startsWith("0100018e00000001");
        SesEvent.Bounce b = e.bounce();
        assertThat(b.permanent()).isTrue();
        assertThat(b.bounceSubType()).isEqualTo("General");
        assertThat(b.feedbackId()).startsWith("0100018f00000001");
        assertThat(b.timestamp()).isEqualTo(Instant.parse("2026-03-02T10:15:38.237Z"));
        assertThat(b.reportingMta()).isEqualTo("dsn; a8-70.smtp-out.amazonses.com");
        assertThat(b.recipients()).extracting(r -> r.address().value())
                .containsExactly("ana.gone@example.com", "budi.gone@example.com");
        assertThat(b.recipients().get(0).status()).isEqualTo("5.1.1");
        assertThat(b.recipients().get(1).diagnosticCode()).contains("\n550 5.1.1");
    }

    @Test
    void rawMessageDeliveryBodyParsesToTheSameEventAsTheEnvelope() {
        SesEvent raw = event(Fixtures.sqsBody("sqs-raw-notification-bounce-permanent.json"));
        SesEvent wrapped = event(Fixtures.sqsBody("sqs-sns-notification-bounce-permanent.json"));
        assertThat(raw.snsMessageId()).isNull();
        assertThat(raw.bounce()).isEqualTo(wrapped.bounce());
        assertThat(raw.sesMessageId()).isEqualTo(wrapped.sesMessageId());
    }

    @Test
    void eventPublishingBounceIsReadFromEventTypeWithTags() {
        SesEvent e = event(Fixtures.sqsBody("sqs-sns-event-bounce-permanent.json"));
        assertThat(e.format()).isEqualTo(SesEvent.Format.EVENT_PUBLISHING);
        assertThat(e.bounce().bounceSubType()).isEqualTo("NoEmail");
        assertThat(e.tags().get("campaign")).containsExactly("spring-2026");
    }

    @Test
    void transientBounceWithoutMillisecondsAndUnknownFieldsIsRead() {
        SesEvent e = event(Fixtures.ses("notification-bounce-transient"));
        assertThat(e.bounce().permanent()).isFalse();
        assertThat(e.bounce().timestamp()).isEqualTo(Instant.parse("2026-03-02T11:00:00Z"));
        // the mail timestamp in AWS's documented "2018-10-08T14:05:45 +0000" form
        assertThat(e.mailTimestamp()).isEqualTo(Instant.parse("2026-03-02T10:59:58Z"));
    }

    @Test
    void undeterminedBounceTimestampWithAnOffsetIsConvertedToUtc() {
        SesEvent e = event(Fixtures.ses("notification-bounce-undetermined"));
        assertThat(e.bounce().bounceType()).isEqualTo("Undetermined");
        assertThat(e.bounce().timestamp()).isEqualTo(Instant.parse("2026-03-02T11:36:16Z"));
        assertThat(e.bounce().recipients().get(0).action()).isNull();
    }

    @Test
    void onAccountSuppressionListBounceWithADisplayNameRecipient() {
        SesEvent e = event(Fixtures.sqsBody("sqs-raw-notification-bounce-onaccountsuppressionlist.json"));
        assertThat(e.bounce().onAccountSuppressionList()).isTrue();
        assertThat(e.bounce().recipients().get(0).address().value()).isEqualTo("citra.suppressed@example.com");
    }

    @Test
    void unknownBounceSubtypeIsKeptAsSent() {
        SesEvent e = event(Fixtures.ses("notification-bounce-unknown-subtype"));
        assertThat(e.bounce().permanent()).isTrue();
        assertThat(e.bounce().bounceSubType()).isEqualTo("SomethingNew");
    }

    @Test
    void complaintCarriesFeedbackTypeAndSeveralRecipients() {
        SesEvent abuse = event(Fixtures.sqsBody("sqs-sns-notification-complaint-abuse.json"));
        assertThat(abuse.complaint().feedbackType()).isEqualTo("abuse");
        assertThat(abuse.complaint().complaintSubType()).isNull();
        assertThat(abuse.complaint().recipients().get(0).address().value()).isEqualTo("dewi.angry@example.com");
        SesEvent noReport = event(Fixtures.ses("notification-complaint-without-feedback-report"));
        assertThat(noReport.complaint().feedbackType()).isNull();
        assertThat(noReport.complaint().recipients()).extracting(r -> r.address().value())
                .containsExactly("fajar@example.com", "gita@example.com");
        assertThat(event(Fixtures.ses("notification-complaint-not-spam")).complaint().notSpam()).isTrue();
    }

    @Test
    void deliveryListsItsRecipients() {
        SesEvent e = event(Fixtures.sqsBody("sqs-sns-event-delivery.json"));
        assertThat(e.delivery().recipients()).extracting(EmailAddress::value).containsExactly("indah.soft@example.com");
        assertThat(e.delivery().timestamp()).isEqualTo(Instant.parse("2026-03-07T00:00:01Z"));
    }

    @Test
    void everyEventTypeIsKnownByTheNameSesGivesIt() {
        for (SesEventType type : SesEventType.values()) {
            assertThat(SesEventType.fromWire(type.wireName())).as(type.wireName()).isEqualTo(type);
        }
        assertThat(SesEventType.RENDERING_FAILURE.wireName()).isEqualTo("Rendering Failure");
    }

    @Test
    void aDeliveryLeavesOutAndReportsEachRecipientThatIsNotAnAddress() {
        String body = "{\"eventType\":\"Delivery\",\"mail\":{\"messageId\":\"m-1\",\"destination\":[\"ok@example.com\"]},"
                + "\"delivery\":{\"timestamp\":\"2026-03-07T00:00:01Z\",\"recipients\":[\"ok@example.com\",\"not an address\",5,"
                + "\"two@@example.com\",\"also.ok@example.com\"]}}";

        SesEvent e = event(body);

        assertThat(e.delivery().recipients()).extracting(EmailAddress::value).containsExactly("ok@example.com", "also.ok@example.com");
        assertThat(e.delivery().skipped()).isEqualTo(3);
        assertThat(e.rejectedRecipients()).extracting(r -> r.field() + "[" + r.index() + "]")
                .containsExactly("recipients[1]", "recipients[2]", "recipients[3]");
    }

    @Test
    void subscriptionCarriesTheNewTopicPreferences() {
        SesEvent e = event(Fixtures.sqsBody("sqs-sns-event-subscription.json"));
        SesEvent.Subscription s = e.subscription();
        assertThat(s.unsubscribeAll()).isFalse();
        assertThat(s.contactList()).isEqualTo("optout-contacts");
        assertThat(s.topicStatuses()).containsEntry("promotions", "OptOut").containsEntry("Events", "OptIn")
                .containsEntry("LegacyDigest", "OptOut");
        assertThat(e.destination()).containsExactly("Lina <lina@example.com>");
    }

    static Stream<Arguments> eventsNoRuleActsOn() {
        return Stream.of(Arguments.of("send", SesEventType.SEND), Arguments.of("reject", SesEventType.REJECT),
                Arguments.of("deliverydelay", SesEventType.DELIVERY_DELAY), Arguments.of("open", SesEventType.OPEN),
                Arguments.of("click", SesEventType.CLICK), Arguments.of("rendering-failure", SesEventType.RENDERING_FAILURE),
                Arguments.of("unknown-type", SesEventType.UNKNOWN));
    }

    @ParameterizedTest
    @MethodSource("eventsNoRuleActsOn")
    void otherEventTypesAreRecognisedInBothDeliveryForms(String name, SesEventType type) {
        assertThat(event(Fixtures.sqsBody("sqs-sns-event-" + name + ".json")).type()).isEqualTo(type);
        assertThat(event(Fixtures.sqsBody("sqs-raw-event-" + name + ".json")).type()).isEqualTo(type);
    }

    @Test
    void snsControlMessagesAndTheSesTestMessageAreControlMessages() {
        assertThat(control("sqs-sns-subscription-confirmation.json").kind())
                .isEqualTo(ControlMessage.Kind.SUBSCRIPTION_CONFIRMATION);
        assertThat(control("sqs-sns-subscription-confirmation.json").topicArn())
                .isEqualTo("arn:aws:sns:us-east-1:123456789012:optout-ses-feedback");
        assertThat(control("sqs-sns-unsubscribe-confirmation.json").kind())
                .isEqualTo(ControlMessage.Kind.UNSUBSCRIBE_CONFIRMATION);
        assertThat(control("sqs-sns-destination-test-message.json").kind()).isEqualTo(ControlMessage.Kind.SES_DESTINATION_TEST);
        assertThat(control("sqs-raw-destination-test-message.json").kind()).isEqualTo(ControlMessage.Kind.SES_DESTINATION_TEST);
        assertThat(SesFeedbackParser.parse("{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"ok\"}"))
                .isEqualTo(new ControlMessage(ControlMessage.Kind.SES_SUBSCRIPTION_SUCCEEDED, null, null));
    }

    private static ControlMessage control(String file) {
        FeedbackMessage m = SesFeedbackParser.parse(Fixtures.sqsBody(file));
        assertThat(m).isInstanceOf(ControlMessage.class);
        return (ControlMessage) m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqs-poison-not-json.json", "sqs-poison-not-ses.json", "sqs-poison-bounce-without-recipients.json"})
    void poisonMessagesAreRejectedWithAReason(String file) {
        assertThatThrownBy(() -> SesFeedbackParser.parse(Fixtures.sqsBody(file)))
                .isInstanceOf(InvalidFeedbackException.class).hasMessageNotContaining("@");
    }

    @Test
    void rejectionsSayWhatIsWrongWithoutTheAddress() {
        assertThatThrownBy(() -> SesFeedbackParser.parse("<html>502</html>")).hasMessage("message body is not JSON");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"orderId\":1}"))
                .hasMessage("not from SES: neither eventType nor notificationType");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"Type\":\"Notification\",\"Message\":\"hello\"}"))
                .hasMessage("SNS Message is not JSON");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"jane at example.com\"}],\"timestamp\":\"2026-01-01T00:00:00Z\",\"feedbackId\":\"f\"}}"))
                .hasMessage("no bouncedRecipients entry is an address: [0] missing '@'");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"notificationType\":\"Complaint\",\"complaint\":{"
                + "\"complainedRecipients\":[{\"emailAddress\":\"a@example.com\"}],\"timestamp\":\"2026-01-01T00:00:00Z\"}}"))
                .hasMessage("Complaint has neither feedbackId nor mail.messageId");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"a@example.com\"}],\"timestamp\":\"yesterday\",\"feedbackId\":\"f\"}}"))
                .hasMessage("Bounce has an unreadable timestamp");
        assertThatThrownBy(() -> SesFeedbackParser.parse("{\"notificationType\":\"Bounce\",\"bounce\":{"
                + "\"bouncedRecipients\":[{\"emailAddress\":\"a@example.com\"}]}}"))
                .hasMessage("Bounce without bounceType");
    }

    @Test
    void aBounceWithoutFeedbackIdFallsBackToTheMessageId() {
        SesEvent e = event("{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"a@example.com\"}]},"
                + "\"mail\":{\"messageId\":\"m-1\",\"timestamp\":\"2026-01-01T00:00:00Z\"}}");
        assertThat(e.bounce().feedbackId()).isEqualTo("m-1");
        assertThat(e.bounce().timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
