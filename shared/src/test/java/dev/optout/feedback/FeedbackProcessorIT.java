package dev.optout.feedback;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Decision;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The feedback rules against the real suppression table (moto), as the check then sees it. */
@ExtendWith(LocalAwsExtension.class)
class FeedbackProcessorIT {
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final List<String> mirrored = new ArrayList<>();
    private SuppressionStore store;
    private FeedbackProcessor processor;

    @BeforeEach
    void freshTable(LocalAws aws) {
        store = StoreFixture.on(aws).store();
        processor = new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS,
                (address, reason) -> mirrored.add(reason + " " + KEYS.keyOf(address)));
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private FeedbackOutcome process(String body) {
        return processor.process((SesEvent) SesFeedbackParser.parse(body));
    }

    private Decision decide(String address, String topic) {
        return SendPolicy.decide(store.read(addr(address)), catalog.require(topic));
    }

    private static String softBounce(String address, String feedbackId, String timestamp) {
        return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\",\"bounceSubType\":\"General\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"" + address + "\",\"status\":\"4.4.7\"}],"
                + "\"timestamp\":\"" + timestamp + "\",\"feedbackId\":\"" + feedbackId + "\"},"
                + "\"mail\":{\"messageId\":\"m-" + feedbackId + "\",\"destination\":[\"" + address + "\"]}}";
    }

    private static String delivery(String address, String messageId, String timestamp) {
        return "{\"eventType\":\"Delivery\",\"mail\":{\"messageId\":\"" + messageId + "\",\"destination\":[\"" + address + "\"]},"
                + "\"delivery\":{\"timestamp\":\"" + timestamp + "\",\"recipients\":[\"" + address + "\"]}}";
    }

    @Test
    void permanentBounceBlocksEveryRecipientAndRecordsTheEvidence() {
        FeedbackOutcome outcome = process(Fixtures.ses("notification-bounce-permanent"));

        assertThat(outcome.applied(Action.HARD_BOUNCE)).isEqualTo(2);
        assertThat(decide("ana.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(decide("budi.gone@example.com", "events").reason()).isEqualTo(BlockReason.BOUNCED);
        AddressState ana = store.read(addr("ana.gone@example.com"));
        assertThat(ana.hardBounce().detail()).isEqualTo("General");
        assertThat(ana.hardBounce().at()).isEqualTo(Instant.parse("2026-03-02T10:15:38.237Z"));
        HistoryEvent h = store.history(addr("ana.gone@example.com"), 5).get(0);
        assertThat(h.action()).isEqualTo(Action.HARD_BOUNCE);
        assertThat(h.source()).isEqualTo(Source.SES_BOUNCE);
        assertThat(h.evidence()).containsEntry("type", "Permanent").containsEntry("subtype", "General")
                .containsEntry("reportingMta", "dsn; a8-70.smtp-out.amazonses.com")
                .containsEntry("diagnosticCode", "smtp; 550 5.1.1 <ana.gone@example.com>... User unknown")
                .containsEntry("time", "2026-03-02T10:15:38.237Z")
                .containsKeys("sesMessageId", "feedbackId");
        assertThat(mirrored).containsExactlyInAnyOrder("BOUNCE " + ana.key(), "BOUNCE " + KEYS.keyOf(addr("budi.gone@example.com")));
    }

    @Test
    void theSameNotificationAgainChangesNothing() {
        FeedbackOutcome first = process(Fixtures.ses("notification-bounce-permanent"));
        FeedbackOutcome again = process(Fixtures.ses("notification-bounce-permanent"));

        assertThat(first.duplicates()).isZero();

        assertThat(again.effects()).extracting(FeedbackOutcome.Effect::result).containsOnly(ApplyResult.DUPLICATE);
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.applied(Action.HARD_BOUNCE)).isZero();
        assertThat(store.history(addr("ana.gone@example.com"), 10)).hasSize(1);
    }

    @Test
    void softBouncesSuppressOnceTheThresholdIsReachedInsideTheWindow() {
        String a = "Soft Sam <sam.soft@example.com>";
        process(softBounce(a, "f1", "2026-03-01T00:00:00Z"));
        process(softBounce(a, "f2", "2026-03-05T00:00:00.500Z"));
        assertThat(decide("sam.soft@example.com", "newsletter").allowed()).isTrue();

        FeedbackOutcome third = process(softBounce(a, "f3", "2026-03-10T00:00:00+07:00"));

        assertThat(third.applied(Action.SOFT_BOUNCE_SUPPRESS)).isEqualTo(1);
        assertThat(decide("sam.soft@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        AddressState state = store.read(addr("sam.soft@example.com"));
        assertThat(state.softBounce()).isNotNull();
        assertThat(state.hardBounce()).isNull();
        assertThat(state.softBounce().at()).isEqualTo(Instant.parse("2026-03-09T17:00:00Z"));
        assertThat(store.history(addr("sam.soft@example.com"), 1).get(0).evidence())
                .containsEntry("softBounces", "3").containsEntry("windowDays", "14");
        // a redelivery of the third changes nothing more
        FeedbackOutcome again = process(softBounce(a, "f3", "2026-03-10T00:00:00+07:00"));
        assertThat(again.applied(Action.SOFT_BOUNCE)).isZero();
        assertThat(again.applied(Action.SOFT_BOUNCE_SUPPRESS)).isZero();
        assertThat(store.history(addr("sam.soft@example.com"), 10)).hasSize(4);
    }

    @Test
    void threeDistinctSoftBouncesWithTheSameTimestampAreThreeAndSuppress() {
        String a = "same.ms@example.com";
        String at = "2026-03-04T09:00:00.123Z";
        process(softBounce(a, "s1", at));
        process(softBounce(a, "s2", at));
        assertThat(decide(a, "newsletter").allowed()).isTrue();
        process(softBounce(a, "s2", at)); // a redelivery of the second is still one bounce
        assertThat(decide(a, "newsletter").allowed()).isTrue();

        FeedbackOutcome third = process(softBounce(a, "s3", at));

        assertThat(third.applied(Action.SOFT_BOUNCE_SUPPRESS)).isEqualTo(1);
        assertThat(decide(a, "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(store.read(addr(a)).softBounceTimes()).hasSize(3).containsOnly(Instant.parse(at));
    }

    @Test
    void aRecipientThatIsNotAnAddressIsSkippedAndTheOthersAreApplied() {
        String body = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"first.gone@example.com\",\"status\":\"5.1.1\"},"
                + "{\"emailAddress\":\"\\\"john doe\\\"@example.com\"},{\"status\":\"5.1.1\"},"
                + "{\"emailAddress\":\"Second <second.gone@example.com>\",\"status\":\"5.1.1\"}],"
                + "\"timestamp\":\"2026-03-02T10:15:38Z\",\"feedbackId\":\"mixed-1\"},\"mail\":{\"messageId\":\"m-mixed-1\"}}";
        SesEvent event = (SesEvent) SesFeedbackParser.parse(body);

        FeedbackOutcome outcome = processor.process(event);

        assertThat(outcome.applied(Action.HARD_BOUNCE)).isEqualTo(2);
        assertThat(decide("first.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(decide("second.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(event.rejectedRecipients()).containsExactly(
                new RejectedRecipient("bouncedRecipients", 1, "quoted local parts are not accepted"),
                new RejectedRecipient("bouncedRecipients", 2, "no emailAddress"));
    }

    @Test
    void softBouncesFurtherApartThanTheWindowDoNotSuppressAndOldOnesAreForgotten() {
        String a = "tia@example.com";
        process(softBounce(a, "g1", "2026-01-01T00:00:00Z"));
        process(softBounce(a, "g2", "2026-01-20T00:00:00Z"));
        process(softBounce(a, "g3", "2026-02-10T00:00:00Z"));

        assertThat(decide(a, "newsletter").allowed()).isTrue();
        assertThat(store.read(addr(a)).softBounceTimes()).containsExactly(Instant.parse("2026-02-10T00:00:00Z"));
    }

    @Test
    void aLaterDeliveryResetsTheCount() {
        String a = "full.box@example.com";
        process(Fixtures.ses("notification-bounce-transient")); // 2026-03-02T11:00:00Z
        process(softBounce(a, "h2", "2026-03-03T00:00:00Z"));
        FeedbackOutcome delivered = process(Fixtures.ses("notification-delivery")); // 2026-03-05
        assertThat(delivered.applied(Action.DELIVERY)).isEqualTo(1);
        assertThat(store.read(addr(a)).softBounceTimes()).isEmpty();

        process(softBounce(a, "h3", "2026-03-06T00:00:00Z"));
        process(softBounce(a, "h4", "2026-03-07T00:00:00Z"));
        assertThat(decide(a, "newsletter").allowed()).as("two since the delivery").isTrue();
        process(softBounce(a, "h5", "2026-03-08T00:00:00Z"));
        assertThat(decide(a, "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
    }

    @Test
    void aDeliveryWithNothingToResetWritesNothing() {
        FeedbackOutcome outcome = process(delivery("never.bounced@example.com", "d1", "2026-03-05T00:00:00Z"));

        assertThat(outcome.effects()).isEmpty();
        assertThat(store.read(addr("never.bounced@example.com")).exists()).isFalse();
        assertThat(store.history(addr("never.bounced@example.com"), 5)).isEmpty();
    }

    @Test
    void aDeliveryReportedAfterALaterBounceDoesNotWipeItOut() {
        String a = "late@example.com";
        process(softBounce(a, "k1", "2026-03-05T00:00:00Z"));
        FeedbackOutcome outcome = process(delivery(a, "d2", "2026-03-04T00:00:00Z"));

        assertThat(outcome.effects()).isEmpty();
        assertThat(store.read(addr(a)).softBounceTimes()).hasSize(1);
    }

    @Test
    void complaintBlocksWithItsFeedbackType() {
        process(Fixtures.ses("notification-complaint-abuse"));

        assertThat(decide("dewi.angry@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(store.read(addr("dewi.angry@example.com")).complaint().detail()).isEqualTo("abuse");
        assertThat(store.history(addr("dewi.angry@example.com"), 1).get(0).evidence())
                .containsEntry("feedbackType", "abuse").containsEntry("userAgent", "ExampleCorp Feedback Loop (V0.01)");
        assertThat(mirrored).containsExactly("COMPLAINT " + KEYS.keyOf(addr("dewi.angry@example.com")));
    }

    @Test
    void complaintWithoutAFeedbackReportStillBlocksEveryRecipient() {
        process(Fixtures.ses("notification-complaint-without-feedback-report"));

        assertThat(decide("fajar@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(decide("gita@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
    }

    @Test
    void notSpamFeedbackSuppressesNobody() {
        FeedbackOutcome outcome = process(Fixtures.ses("notification-complaint-not-spam"));

        assertThat(outcome.effects()).isEmpty();
        assertThat(outcome.note()).contains("not-spam");
        assertThat(decide("eko.happy@example.com", "newsletter").allowed()).isTrue();
    }

    private static String permanentBounce(String address, String feedbackId, String status, String diagnostic) {
        return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"" + address + "\",\"status\":\"" + status + "\",\"action\":\"failed\","
                + "\"diagnosticCode\":\"" + diagnostic + "\"}],\"timestamp\":\"2026-03-02T00:00:00Z\",\"feedbackId\":\"" + feedbackId + "\"},"
                + "\"mail\":{\"messageId\":\"m-" + feedbackId + "\",\"destination\":[\"" + address + "\"]}}";
    }

    private static String hardBounceAt(String address, String feedbackId, Instant at) {
        return permanentBounce(address, feedbackId, "5.1.1", "smtp; 550 5.1.1 user unknown").replace("2026-03-02T00:00:00Z", at.toString());
    }

    /** The check's own read: the projection BatchStateReader asks for, not the whole item. */
    private Decision check(String address, ExpiryPolicy policy, Instant now) {
        String key = KEYS.keyOf(addr(address));
        try (BatchStateReader reader = new BatchStateReader(store.client(), store.tableName(), 1)) {
            AddressState projected = reader.read(List.of(key), catalog.require("newsletter"),
                    Deadline.after(Duration.ofSeconds(10), Clock.systemUTC())).get(key);
            return SendPolicy.decide(projected, catalog.require("newsletter"), policy, now);
        }
    }

    @Test
    void aHardBounceAgainAfterItExpiredRenewsTheStopFromTheNewBounce() {
        String a = "retest@example.com";
        Instant t0 = Instant.parse("2026-03-02T00:00:00Z");
        ExpiryPolicy thirtyDays = ExpiryPolicy.ofDays(7, 30);
        process(hardBounceAt(a, "first", t0));
        assertThat(check(a, thirtyDays, t0.plus(Duration.ofDays(29))).until()).isEqualTo(t0.plus(Duration.ofDays(30)));

        Instant retest = t0.plus(Duration.ofDays(31));
        assertThat(check(a, thirtyDays, retest).allowed()).as("expired: the re-test may go").isTrue();

        FeedbackOutcome again = process(hardBounceAt(a, "retest", retest));

        assertThat(again.applied(Action.HARD_BOUNCE)).as("the feedback path does not skip an address already marked").isEqualTo(1);
        Decision blocked = check(a, thirtyDays, retest.plus(Duration.ofHours(1)));
        assertThat(blocked.reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(blocked.since()).as("the stop's run began with the first bounce").isEqualTo(t0);
        assertThat(blocked.until()).isEqualTo(t0.plus(Duration.ofDays(61)));
        assertThat(SendPolicy.decide(store.read(addr(a)), catalog.require("newsletter"), thirtyDays, retest).until())
                .as("the full read agrees with the check's projection").isEqualTo(t0.plus(Duration.ofDays(61)));
        assertThat(check(a, thirtyDays, t0.plus(Duration.ofDays(62))).allowed()).isTrue();
        assertThat(store.history(addr(a), 1).get(0).action()).isEqualTo(Action.HARD_BOUNCE);
    }

    private static String onAccountSuppressionList(String address, String feedbackId, Instant at) {
        return "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"OnAccountSuppressionList\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"" + address + "\",\"action\":\"failed\",\"status\":\"5.1.1\","
                + "\"diagnosticCode\":\"Amazon SES did not send the message to this address because it is on the suppression list for your account.\"}],"
                + "\"timestamp\":\"" + at + "\",\"feedbackId\":\"" + feedbackId + "\"},"
                + "\"mail\":{\"messageId\":\"m-" + feedbackId + "\",\"destination\":[\"" + address + "\"]}}";
    }

    @Test
    void sesRefusingFromItsOwnListAfterTheExpiryRenewsNothingSoTheRetestStillGoes() {
        String a = "mirrored.retest@example.com";
        Instant t0 = Instant.parse("2026-03-02T00:00:00Z");
        ExpiryPolicy thirtyDays = ExpiryPolicy.ofDays(7, 30);
        process(hardBounceAt(a, "first", t0));
        Instant afterExpiry = t0.plus(Duration.ofDays(30)).plus(Duration.ofHours(2)); // before the night's sweep

        FeedbackOutcome refused = process(onAccountSuppressionList(a, "ses-refused", afterExpiry));

        assertThat(refused.effects()).extracting(FeedbackOutcome.Effect::mirrored).containsExactly(false);
        assertThat(check(a, thirtyDays, afterExpiry.plus(Duration.ofHours(1))).allowed())
                .as("SES's refusal is no re-test: the hard bounce stays expired").isTrue();
        HistoryEvent kept = store.history(addr(a), 1).get(0);
        assertThat(kept.action()).isEqualTo(Action.HARD_BOUNCE);
        assertThat(kept.evidence()).containsEntry("sesAccountSuppressed", "true")
                .hasEntrySatisfying("outcome", o -> assertThat(o).startsWith("not applied: SES did not send"));
        assertThat(process(onAccountSuppressionList(a, "ses-refused", afterExpiry)).effects())
                .extracting(FeedbackOutcome.Effect::result).containsExactly(ApplyResult.DUPLICATE);
    }

    @Test
    void aHardBounceOlderThanTheStandingOneDoesNotRenewIt() {
        String a = "late@example.com";
        Instant t0 = Instant.parse("2026-03-02T00:00:00Z");
        process(hardBounceAt(a, "newer", t0));
        process(hardBounceAt(a, "older", t0.minus(Duration.ofDays(3))));

        assertThat(check(a, ExpiryPolicy.ofDays(7, 30), t0).until()).isEqualTo(t0.plus(Duration.ofDays(30)));
    }

    @Test
    void aPermanentRejectionOfTheSenderSuppressesNobodyAndIsRecordedWithItsCodeAndDomain() {
        FeedbackOutcome outcome = process(permanentBounce("healthy@gmail.com", "dkim-broke",
                "5.7.26", "smtp; 550-5.7.26 This mail has been blocked because the sender is unauthenticated."));

        assertThat(outcome.effects()).extracting(FeedbackOutcome.Effect::action).containsExactly(Action.SENDER_REJECTION);
        assertThat(decide("healthy@gmail.com", "newsletter").allowed()).as("a broken DKIM suppresses no recipient").isTrue();
        assertThat(mirrored).as("nothing copied to the SES suppression list").isEmpty();
        HistoryEvent recorded = store.history(addr("healthy@gmail.com"), 1).get(0);
        assertThat(recorded.action()).isEqualTo(Action.SENDER_REJECTION);
        assertThat(recorded.evidence()).containsEntry("code", "5.7.26").containsEntry("receivingDomain", "gmail.com")
                .containsEntry("classified", "SENDER_REJECTION");
        assertThat(process(permanentBounce("healthy@gmail.com", "dkim-broke", "5.7.26", "again")).effects())
                .extracting(FeedbackOutcome.Effect::result).containsExactly(ApplyResult.DUPLICATE);
    }

    @Test
    void aPermanentBounceForAFullMailboxCountsAsSoft() {
        process(permanentBounce("full@example.com", "full-1", "5.2.2", "smtp; 552 5.2.2 over quota"));

        assertThat(store.read(addr("full@example.com")).hardBounce()).isNull();
        assertThat(store.read(addr("full@example.com")).softBounceTimes()).hasSize(1);
    }

    @Test
    void onAccountSuppressionListIsAHardBounceSesAlreadyHolds() {
        process(Fixtures.ses("notification-bounce-onaccountsuppressionlist"));

        AddressState state = store.read(addr("citra.suppressed@example.com"));
        assertThat(state.hardBounce().detail()).isEqualTo("OnAccountSuppressionList");
        assertThat(store.history(addr("citra.suppressed@example.com"), 1).get(0).evidence())
                .containsEntry("sesAccountSuppressed", "true");
        assertThat(mirrored).as("SES already has it").isEmpty();
    }

    @Test
    void aSubscriptionEventAppliesOnlyWhatItSaysChangedNotEveryStatusItLists() {
        // old: promotions OptIn; new: promotions OptOut, and it also lists Events and newsletter as OptIn
        FeedbackOutcome outcome = process(Fixtures.ses("event-subscription"));

        assertThat(outcome.ignoredTopics()).containsExactly("LegacyDigest");
        assertThat(outcome.effects()).extracting(FeedbackOutcome.Effect::action).containsExactly(Action.UNSUBSCRIBE_TOPIC);
        assertThat(decide("lina@example.com", "promotions").reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(decide("lina@example.com", "events").reason()).as("an opt-in topic merely listed is not opted in to")
                .isEqualTo(BlockReason.NOT_OPTED_IN);
        assertThat(decide("lina@example.com", "newsletter").allowed()).isTrue();
        assertThat(store.history(addr("lina@example.com"), 5)).extracting(HistoryEvent::source)
                .containsOnly(Source.SES_SUBSCRIPTION);
        assertThat(process(Fixtures.ses("event-subscription")).effects()).as("already as chosen").isEmpty();
    }

    /** An SES list-management event for one contact: each preference as {@code topic:OptIn} or {@code topic:OptOut}. */
    private static String subscription(String address, String timestamp, List<String> before, List<String> after) {
        return "{\"eventType\":\"Subscription\",\"mail\":{\"messageId\":\"m-" + timestamp + "\",\"timestamp\":\"" + timestamp
                + "\",\"destination\":[\"" + address + "\"]},\"subscription\":{\"contactList\":\"optout-contacts\",\"timestamp\":\""
                + timestamp + "\",\"source\":\"UnsubscribeHeader\",\"newTopicPreferences\":" + preferences(after)
                + ",\"oldTopicPreferences\":" + preferences(before) + "}}";
    }

    private static String preferences(List<String> statuses) {
        return "{\"unsubscribeAll\":false,\"topicSubscriptionStatus\":[" + String.join(",", statuses.stream()
                .map(t -> "{\"topicName\":\"" + t.split(":")[0] + "\",\"subscriptionStatus\":\"" + t.split(":")[1] + "\"}").toList())
                + "]}";
    }

    @Test
    void aSubscriptionEventOptsInToATopicTheContactHadOptedOutOfBefore() {
        FeedbackOutcome outcome = process(subscription("rui@example.com", "2026-03-08T01:00:00Z",
                List.of("events:OptOut"), List.of("events:OptIn")));

        assertThat(outcome.applied(Action.SUBSCRIBE_TOPIC)).isEqualTo(1);
        // the bundled events topic needs confirmed consent: a list-management opt-in is a single one
        assertThat(decide("rui@example.com", "events").reason()).isEqualTo(BlockReason.NOT_CONFIRMED);
    }

    @Test
    void anSesOptInOlderThanAChoiceMadeInOptoutIsRecordedButChangesNothing() {
        // the person opted out of the newsletter in the preference center at 02:00 ...
        store.apply(addr("sol@example.com"), Change.unsubscribeTopic("newsletter",
                Provenance.of(Source.PREFERENCE_CENTER, Instant.parse("2026-03-08T02:00:00Z"))));
        // ... and an SES opt-in made at 01:00 arrives late
        FeedbackOutcome outcome = process(subscription("sol@example.com", "2026-03-08T01:00:00Z",
                List.of("newsletter:OptOut"), List.of("newsletter:OptIn")));

        assertThat(outcome.effects()).isEmpty();
        assertThat(outcome.note()).startsWith("not applied: newsletter");
        assertThat(decide("sol@example.com", "newsletter").reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        HistoryEvent recorded = store.history(addr("sol@example.com"), 5).stream()
                .filter(h -> h.source() == Source.SES_SUBSCRIPTION).findFirst().orElseThrow();
        assertThat(recorded.evidence().get("outcome")).startsWith("not applied:");
    }

    @Test
    void sesOptInsCanBeIgnoredAltogether() {
        FeedbackProcessor ignoring = new FeedbackProcessor(store, catalog,
                new FeedbackRules(3, Duration.ofDays(14), false, false), SuppressionMirror.NONE);
        FeedbackOutcome outcome = ignoring.process((SesEvent) SesFeedbackParser.parse(subscription("tao@example.com",
                "2026-03-08T01:00:00Z", List.of("events:OptOut", "promotions:OptIn"), List.of("events:OptIn", "promotions:OptOut"))));

        assertThat(outcome.effects()).extracting(FeedbackOutcome.Effect::action).containsExactly(Action.UNSUBSCRIBE_TOPIC);
        assertThat(decide("tao@example.com", "events").reason()).isEqualTo(BlockReason.NOT_OPTED_IN);
        assertThat(decide("tao@example.com", "promotions").reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
    }

    @Test
    void subscriptionEventUnsubscribingFromAllBlocksEveryTopic() {
        process(Fixtures.ses("event-subscription-unsubscribe-all"));

        assertThat(decide("mira@example.com", "newsletter").reason()).isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
        assertThat(store.read(addr("mira@example.com")).unsubscribedAll().source()).isEqualTo(Source.SES_SUBSCRIPTION);
    }

    @Test
    void subscriptionEventForSeveralDestinationsIsRefused() {
        String body = Fixtures.ses("event-subscription-unsubscribe-all")
                .replace("\"destination\": [\n      \"mira@example.com\"\n    ]",
                        "\"destination\": [\"mira@example.com\", \"nina@example.com\"]");
        assertThat(body).contains("nina@example.com");
        assertThatThrownBy(() -> process(body)).isInstanceOf(InvalidFeedbackException.class)
                .hasMessageContaining("2 destinations");
        assertThat(store.read(addr("mira@example.com")).exists()).isFalse();
    }

    @Test
    void eventsNoRuleActsOnWriteNothing() {
        for (String name : List.of("event-send", "event-open", "event-click", "event-reject", "event-deliverydelay",
                "event-rendering-failure", "event-unknown-type")) {
            assertThat(process(Fixtures.ses(name)).effects()).as(name).isEmpty();
        }
        assertThat(store.read(addr("kiki@example.com")).exists()).isFalse();
    }

    @Test
    void aLowerThresholdFromSettingsSuppressesSooner() {
        processor = new FeedbackProcessor(store, catalog, new FeedbackRules(1, Duration.ofDays(1), false), SuppressionMirror.NONE);
        process(softBounce("once@example.com", "o1", "2026-03-01T00:00:00Z"));
        assertThat(decide("once@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
    }

    private static SesEvent event(SesEventType type, String messageId, Map<String, List<String>> tags, SesEvent.Bounce bounce,
                                  SesEvent.Complaint complaint, SesEvent.Delivery delivery) {
        return new SesEvent(type, type.wireName(), SesEvent.Format.EVENT_PUBLISHING, messageId, null, List.of(), tags,
                bounce, complaint, delivery, null, null);
    }

    private static List<FeedbackRecipient> recipients(String... addresses) {
        return java.util.Arrays.stream(addresses).map(a -> new FeedbackRecipient(addr(a), "failed", "5.1.1", "smtp; 550 5.1.1 user unknown"))
                .toList();
    }

    private static SesEvent hardBounce(String feedbackId, Map<String, List<String>> tags, String... to) {
        return event(SesEventType.BOUNCE, "m-" + feedbackId, tags, new SesEvent.Bounce("Permanent", "General", recipients(to),
                Instant.parse("2026-03-02T10:00:00Z"), feedbackId, null, null), null, null);
    }

    @Test
    void eachEffectSaysWhetherItWasMirroredIntoTheSesSuppressionList() {
        assertThat(process(Fixtures.ses("notification-bounce-permanent")).effects())
                .extracting(FeedbackOutcome.Effect::mirrored).containsExactly(true, true);
        assertThat(process(Fixtures.ses("notification-bounce-onaccountsuppressionlist")).effects())
                .extracting(FeedbackOutcome.Effect::mirrored).containsExactly(false);
        assertThat(process(Fixtures.ses("notification-complaint-abuse")).effects())
                .extracting(FeedbackOutcome.Effect::mirrored).containsExactly(true);

        FeedbackProcessor unmirrored = new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS, SuppressionMirror.NONE);
        assertThat(unmirrored.process(hardBounce("fb-plain", Map.of(), "hana@example.com")).effects())
                .extracting(FeedbackOutcome.Effect::mirrored).containsExactly(false);
        assertThat(store.read(addr("hana@example.com")).hardBounce()).isNotNull();
    }

    /** A complaint SES reports for an address on the account's suppression list: recorded, not mirrored (SES has it). */
    @Test
    void aComplaintOnTheAccountSuppressionListIsRecordedButNotMirrored() {
        mirrored.clear();
        SesEvent onList = event(SesEventType.COMPLAINT, "m-c", Map.of(), null, new SesEvent.Complaint("abuse", "OnAccountSuppressionList",
                recipients("ika@example.com"), Instant.parse("2026-03-02T10:00:00Z"), "fb-c", null), null);

        FeedbackOutcome outcome = processor.process(onList);

        assertThat(outcome.effects()).extracting(FeedbackOutcome.Effect::mirrored).containsExactly(false);
        assertThat(mirrored).isEmpty();
        assertThat(decide("ika@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(store.history(addr("ika@example.com"), 1).get(0).evidence()).containsEntry("sesAccountSuppressed", "true");
        processor.process(event(SesEventType.COMPLAINT, "m-d", Map.of(), null, new SesEvent.Complaint("abuse", null,
                recipients("joko@example.com"), Instant.parse("2026-03-02T10:00:00Z"), "fb-d", null), null));
        assertThat(store.history(addr("joko@example.com"), 1).get(0).evidence()).doesNotContainKey("sesAccountSuppressed");
    }

    /** The check's optout-campaign tag first, then the names senders used before it: campaignId, then campaign. */
    @Test
    void theCampaignRecordedIsTheChecksTagThenTheOlderTagNames() {
        processor.process(hardBounce("b1", Map.of("optout-campaign", List.of("from-check"), "campaign", List.of("old")), "k1@example.com"));
        processor.process(hardBounce("b2", Map.of("optout-campaign", List.of(), "campaignId", List.of("by-id"), "campaign", List.of("old")),
                "k2@example.com"));
        processor.process(hardBounce("b3", Map.of("campaign", List.of("old")), "k3@example.com"));
        processor.process(hardBounce("b4", Map.of("ses:configuration-set", List.of("optout")), "k4@example.com"));

        assertThat(store.read(addr("k1@example.com")).hardBounce().campaignId()).isEqualTo("from-check");
        assertThat(store.read(addr("k2@example.com")).hardBounce().campaignId()).isEqualTo("by-id");
        assertThat(store.read(addr("k3@example.com")).hardBounce().campaignId()).isEqualTo("old");
        assertThat(store.read(addr("k4@example.com")).hardBounce().campaignId()).isNull();
    }

    /** The window is inclusive: bounces exactly the window apart still count together. */
    @Test
    void softBouncesExactlyTheWindowApartStillSuppress() {
        String a = "edge@example.com";
        process(softBounce(a, "w1", "2026-03-01T00:00:00Z"));
        process(softBounce(a, "w2", "2026-03-08T00:00:00Z"));
        FeedbackOutcome third = process(softBounce(a, "w3", "2026-03-15T00:00:00Z"));

        assertThat(third.applied(Action.SOFT_BOUNCE_SUPPRESS)).isEqualTo(1);
        assertThat(third.effects()).filteredOn(e -> e.action() == Action.SOFT_BOUNCE_SUPPRESS)
                .extracting(FeedbackOutcome.Effect::mirrored).containsExactly(true);
        assertThat(decide(a, "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
    }

    /** SES may leave out mail.messageId: deliveries are then told apart by their own time. */
    @Test
    void deliveriesWithoutAMessageIdResetTheCountEachTime() {
        String a = "noid@example.com";
        process(softBounce(a, "n1", "2026-03-01T00:00:00Z"));
        SesEvent first = event(SesEventType.DELIVERY, null, Map.of(), null, null,
                new SesEvent.Delivery(List.of(addr(a)), 0, Instant.parse("2026-03-02T00:00:00Z"), null));
        assertThat(processor.process(first).applied(Action.DELIVERY)).isEqualTo(1);
        process(softBounce(a, "n2", "2026-03-03T00:00:00Z"));
        SesEvent second = event(SesEventType.DELIVERY, null, Map.of(), null, null,
                new SesEvent.Delivery(List.of(addr(a)), 0, Instant.parse("2026-03-04T00:00:00Z"), null));

        assertThat(processor.process(second).applied(Action.DELIVERY)).isEqualTo(1);
        assertThat(store.read(addr(a)).softBounceTimes()).isEmpty();
    }

    @Test
    void aSubscriptionEventThatChangesNothingSaysSo() {
        assertThat(process(Fixtures.ses("event-subscription")).note()).isNull();
        assertThat(process(Fixtures.ses("event-subscription")).note()).isEqualTo("preferences already as chosen");
    }
}
