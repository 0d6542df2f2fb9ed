package dev.optout.preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalAwsExtension.class)
class PreferenceCenterIT {
    private static final Instant T = Instant.parse("2026-11-20T09:30:00Z");
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private StoreFixture fixture;
    private SuppressionStore store;
    private PreferenceCenter center;
    private final EmailAddress ana = AddressParser.parseOrNull("ana@example.com");

    @BeforeEach
    void setUp(LocalAws aws) {
        fixture = StoreFixture.on(aws);
        store = fixture.store();
        center = new PreferenceCenter(store, catalog);
    }

    private static Provenance page() {
        return Provenance.of(Source.PREFERENCE_CENTER, T);
    }

    /** A save made {@code seconds} after {@link #page()}'s: the consent model places changes by the time they were made. */
    private static Provenance page(long seconds) {
        return Provenance.of(Source.PREFERENCE_CENTER, T.plusSeconds(seconds));
    }

    private static PreferenceUpdate topics(Map<String, Boolean> topics, Long version) {
        return new PreferenceUpdate(topics, Map.of(), java.util.Set.of(), null, null, version);
    }

    @Test
    void aFormDrawnBeforeAOneClickDoesNotResubscribeWhatTheOneClickStopped() {
        long drawnFrom = center.load(ana).state().version();
        // after the page was opened, the person's one-click stops promotions
        store.apply(ana, Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, T)));

        // the old page is saved with promotions still ticked, as it was drawn
        assertThatThrownBy(() -> center.save(ana, topics(Map.of("promotions", true, "newsletter", false), drawnFrom), page()))
                .isInstanceOf(PreferenceException.class)
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.STALE);
        Preferences now = center.load(ana);
        assertThat(now.topics()).filteredOn(c -> c.topic().id().equals("promotions")).extracting(Preferences.TopicChoice::chosen)
                .containsExactly(false);
        assertThat(now.topics()).filteredOn(c -> c.topic().id().equals("newsletter")).extracting(Preferences.TopicChoice::chosen)
                .as("nothing of the stale save was written").containsExactly(true);

        // drawn from the current version, the same save applies; without a version, as before
        center.save(ana, topics(Map.of("newsletter", false), now.state().version()), page());
        center.save(ana, topics(Map.of("product-updates", false), null), page());
        assertThat(store.read(ana).topicOptOuts()).containsOnlyKeys("promotions", "newsletter", "product-updates");
    }

    @Test
    void ofTwoSavesDrawnFromTheSameVersionOnlyOneIsWritten() throws Exception {
        store.apply(ana, Change.unsubscribeTopic("events", page()));
        long version = center.load(ana).state().version();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> center.save(ana, topics(Map.of("newsletter", false), version), page()));
            var second = pool.submit(() -> center.save(ana, topics(Map.of("promotions", false), version), page()));
            int stale = 0;
            for (var f : List.of(first, second)) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(PreferenceException.class);
                    assertThat(((PreferenceException) e.getCause()).code()).isEqualTo(PreferenceException.Code.STALE);
                    stale++;
                }
            }
            assertThat(stale).isEqualTo(1);
            assertThat(store.read(ana).topicOptOuts()).hasSize(2);
            assertThat(store.read(ana).version()).isEqualTo(version + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewPersonSeesEveryDefaultTopicOnAndNoHistory() {
        Preferences p = center.load(ana);
        assertThat(p.maskedAddress()).isEqualTo("a***@example.com");
        assertThat(p.status().receiving()).isTrue();
        assertThat(p.topics()).filteredOn(Preferences.TopicChoice::chosen).extracting(c -> c.topic().id())
                .containsExactly("newsletter", "promotions", "product-updates");
        assertThat(p.history()).isEmpty();
    }

    @Test
    void savingChoicesChangesOnlyWhatDiffersAndTheCheckHonoursThem() {
        PreferenceUpdate update = new PreferenceUpdate(
                Map.of("newsletter", true, "promotions", false, "product-updates", true, "events", true),
                Map.of("newsletter", Frequency.MONTHLY), Frequency.WEEKLY, null);

        PreferenceCenter.Outcome outcome = center.save(ana, update, page());

        assertThat(outcome.changes()).extracting(Change::action).containsExactlyInAnyOrder(
                Action.UNSUBSCRIBE_TOPIC, Action.SUBSCRIBE_TOPIC, Action.SET_FREQUENCY, Action.SET_FREQUENCY);
        var state = store.read(ana);
        assertThat(SendPolicy.decide(state, catalog.require("promotions")).reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(state.topicOptIns()).containsOnlyKeys("events");
        assertThat(SendPolicy.decide(state, catalog.require("events")).reason()).as("events needs the opt-in confirmed by mail")
                .isEqualTo(BlockReason.NOT_CONFIRMED);
        assertThat(SendPolicy.decide(state, catalog.require("newsletter")).frequency()).isEqualTo(Frequency.MONTHLY);
        assertThat(SendPolicy.decide(state, catalog.require("product-updates")).frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(outcome.preferences().history()).hasSize(4);

        assertThat(center.save(ana, update, page()).changes()).as("saving the same form again").isEmpty();
        assertThat(center.load(ana).history()).hasSize(4);
    }

    @Test
    void optingOutOfEverythingAndBackInIsRecordedBothWays() {
        center.save(ana, new PreferenceUpdate(Map.of(), Map.of(), null, false), page());
        Preferences stopped = center.load(ana);
        assertThat(stopped.status().kind()).isEqualTo(MailStatus.Kind.UNSUBSCRIBED);
        assertThat(stopped.status().since()).isEqualTo(T);
        assertThat(stopped.status().canResume()).isTrue();

        center.save(ana, new PreferenceUpdate(Map.of(), Map.of(), null, true),
                Provenance.of(Source.PREFERENCE_API, T.plusSeconds(3600)));

        Preferences back = center.load(ana);
        assertThat(back.status().receiving()).isTrue();
        assertThat(back.history()).extracting(HistoryEvent::action).containsExactly(Action.RESUBSCRIBE_ALL, Action.UNSUBSCRIBE_ALL);
        assertThat(back.history().get(0).source()).isEqualTo(Source.PREFERENCE_API);
    }

    @Test
    void aComplaintASoftBounceStopOrAHardBounceIsNeverLiftedThroughALink() {
        store.apply(ana, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, T)));
        assertThat(center.load(ana).status().canResume()).isFalse();
        assertThatThrownBy(() -> center.save(ana, new PreferenceUpdate(Map.of(), Map.of(), null, true), page()))
                .isInstanceOf(PreferenceException.class)
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.COMPLAINT_LOCKED);
        assertThat(store.read(ana).complaint()).as("nothing written").isNotNull();

        EmailAddress citra = AddressParser.parseOrNull("citra@example.com");
        store.apply(citra, Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "MailboxFull", Provenance.of(Source.SES_BOUNCE, T)));
        assertThat(center.load(citra).status().kind()).isEqualTo(MailStatus.Kind.SOFT_BOUNCED);
        assertThatThrownBy(() -> center.save(citra, new PreferenceUpdate(Map.of(), Map.of(), null, true), page()))
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.HARD_BOUNCE_LOCKED);

        EmailAddress budi = AddressParser.parseOrNull("budi@example.co.id");
        store.apply(budi, Change.withDetail(Action.HARD_BOUNCE, "NoEmail", Provenance.of(Source.SES_BOUNCE, T)));
        assertThatThrownBy(() -> center.save(budi, new PreferenceUpdate(Map.of(), Map.of(), null, true), page()))
                .isInstanceOf(PreferenceException.class)
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.HARD_BOUNCE_LOCKED);
        assertThat(center.load(budi).status().kind()).isEqualTo(MailStatus.Kind.BOUNCED);
        assertThat(center.load(budi).status().canResume()).isFalse();
    }

    @Test
    void aTopicSetBackToSameAsOverallFollowsTheOverallFrequencyAgain() {
        center.save(ana, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.MONTHLY), Frequency.WEEKLY, null), page());
        assertThat(SendPolicy.decide(store.read(ana), catalog.require("newsletter")).frequency()).isEqualTo(Frequency.MONTHLY);

        PreferenceCenter.Outcome outcome = center.save(ana,
                new PreferenceUpdate(Map.of(), Map.of(), java.util.Set.of("newsletter", "promotions"), null, null), page(60));

        assertThat(outcome.changes()).as("only the topic that had its own frequency changes")
                .singleElement().satisfies(c -> {
                    assertThat(c.action()).isEqualTo(Action.SET_FREQUENCY);
                    assertThat(c.topic()).isEqualTo("newsletter");
                    assertThat(c.frequency()).isNull();
                });
        assertThat(SendPolicy.decide(store.read(ana), catalog.require("newsletter")).frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(outcome.preferences().history().get(0).frequency()).isNull();
    }

    @Test
    void anUnknownTopicIsRefusedAndNothingChanges() {
        assertThatThrownBy(() -> center.save(ana, new PreferenceUpdate(Map.of("newsletter", false, "horoscopes", true), Map.of(), null, null), page()))
                .isInstanceOf(PreferenceException.class).hasMessageContaining("horoscopes");
        assertThat(store.read(ana).exists()).isFalse();
    }

    @Test
    void aSaveCommitsAllItsChangesTogetherOrNoneEvenWhenAWriteFails(LocalAws aws) {
        // Issue 10 point 2: the third write of a save fails (an SDK interceptor on the real client).
        AtomicInteger transactions = new AtomicInteger();
        DynamoDbClient failingThird = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof TransactWriteItemsRequest && transactions.incrementAndGet() == 3) {
                            throw SdkClientException.create("injected: the third write of the save fails");
                        }
                    }
                })));
        PreferenceCenter faulty = new PreferenceCenter(
                fixture.over(failingThird), catalog);
        PreferenceUpdate threeChanges = new PreferenceUpdate(Map.of("promotions", false, "events", true), Map.of(),
                Frequency.WEEKLY, null);

        try {
            faulty.save(ana, threeChanges, page());
        } catch (StoreUnavailableException e) {
            // then nothing may have been written
        }

        var state = store.read(ana);
        int written = store.history(ana, 10).size();
        boolean promotionsOut = !SendPolicy.decide(state, catalog.require("promotions")).allowed();
        boolean eventsIn = state.topicOptIns().containsKey("events");
        boolean weekly = state.frequency() == Frequency.WEEKLY;
        assertThat(List.of(promotionsOut, eventsIn, weekly)).as("all three changes or none").containsOnly(written == 3);
        assertThat(written).as("history items written").isIn(0, 3);
        assertThat(transactions.get()).as("TransactWriteItems calls for one save").isEqualTo(1);
    }

    private List<Change> plan(dev.optout.suppression.AddressState current, PreferenceUpdate update) {
        return center.plan(current, update, page());
    }

    private static dev.optout.suppression.AddressState withFrequency(Frequency overall, Map<String, Frequency> perTopic) {
        return new dev.optout.suppression.AddressState("k", null, null, null, null, null, Map.of(), Map.of(), perTopic,
                overall, List.of(), T);
    }

    @Test
    void anOverallFrequencyIsAChangeOnlyWhenItDiffersFromWhatThePersonGetsAlready() {
        var fresh = dev.optout.suppression.AddressState.unknown("k");
        assertThat(plan(fresh, new PreferenceUpdate(Map.of(), Map.of(), Frequency.IMMEDIATE, null))).as("the default").isEmpty();
        assertThat(plan(fresh, new PreferenceUpdate(Map.of(), Map.of(), Frequency.WEEKLY, null)))
                .singleElement().extracting(Change::frequency).isEqualTo(Frequency.WEEKLY);
        var weekly = withFrequency(Frequency.WEEKLY, Map.of());
        assertThat(plan(weekly, new PreferenceUpdate(Map.of(), Map.of(), Frequency.WEEKLY, null))).isEmpty();
        assertThat(plan(weekly, new PreferenceUpdate(Map.of(), Map.of(), Frequency.IMMEDIATE, null)))
                .singleElement().extracting(Change::frequency).isEqualTo(Frequency.IMMEDIATE);
    }

    @Test
    void aTopicGetsItsOwnFrequencyOnlyWhenItDiffersFromTheOverallOneItWouldFollow() {
        var weekly = withFrequency(Frequency.WEEKLY, Map.of());
        assertThat(plan(weekly, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.WEEKLY), null, null)))
                .as("same as the current overall").isEmpty();
        assertThat(plan(weekly, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.MONTHLY), Frequency.MONTHLY, null)))
                .as("same as the new overall").extracting(Change::topic).containsExactly((String) null);
        assertThat(plan(dev.optout.suppression.AddressState.unknown("k"),
                new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.IMMEDIATE), null, null))).as("same as the default").isEmpty();
        assertThat(plan(weekly, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.IMMEDIATE), null, null)))
                .singleElement().satisfies(c -> assertThat(c.topic()).isEqualTo("newsletter"));
        var ownMonthly = withFrequency(Frequency.WEEKLY, Map.of("newsletter", Frequency.MONTHLY));
        assertThat(plan(ownMonthly, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.MONTHLY), null, null))).isEmpty();
        assertThat(plan(ownMonthly, new PreferenceUpdate(Map.of(), Map.of("newsletter", Frequency.WEEKLY), null, null)))
                .as("back to the overall one, but chosen for the topic").singleElement()
                .satisfies(c -> assertThat(c.frequency()).isEqualTo(Frequency.WEEKLY));
    }

    @Test
    void thePageShowsTheOverallFrequencyChosenAndTheDefaultBeforeAnyChoice() {
        assertThat(center.load(ana).frequency()).isEqualTo(Frequency.IMMEDIATE);
        center.save(ana, new PreferenceUpdate(Map.of(), Map.of(), Frequency.MONTHLY, null), page());
        assertThat(center.load(ana).frequency()).isEqualTo(Frequency.MONTHLY);
        assertThat(center.catalog()).isSameAs(catalog);
    }

    @Test
    void theJsonStateSaysWhyMailStoppedSinceWhenAndWhatChanged() {
        store.apply(ana, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, T)));
        center.save(ana, new PreferenceUpdate(Map.of("promotions", false), Map.of("newsletter", Frequency.MONTHLY), null, null),
                page());

        var json = PreferenceJson.state(center.load(ana), "en");

        assertThat(json.get("status").toString()).isEqualTo(
                "{\"receiving\":false,\"reason\":\"COMPLAINED\",\"since\":\"" + T + "\",\"detail\":\"abuse\",\"canResume\":false}");
        assertThat(json.get("topics").get("newsletter").get("frequency").asText()).isEqualTo("MONTHLY");
        assertThat(json.get("topics").get("newsletter").get("ownFrequency").asBoolean()).isTrue();
        assertThat(json.get("topics").get("promotions").get("chosen").asBoolean()).isFalse();
        var history = json.get("history");
        assertThat(history).hasSize(3);
        assertThat(history.findValuesAsText("topic")).containsExactlyInAnyOrder("promotions", "newsletter");
        assertThat(history.findValuesAsText("frequency")).containsExactly("MONTHLY");
        assertThat(PreferenceJson.state(center.load(AddressParser.parseOrNull("new@example.com")), "en").get("status").toString())
                .isEqualTo("{\"receiving\":true,\"canResume\":false}");
    }

    @Test
    void theAnswerToAQueuedSaveListsEachOptOutWaiting() {
        String json = PreferenceJson.pending(List.of(Change.unsubscribeTopic("promotions", page()), Change.unsubscribeAll(page())));
        assertThat(json).contains("\"pending\":true")
                .contains("\"changes\":[{\"action\":\"UNSUBSCRIBE_TOPIC\",\"topic\":\"promotions\"},{\"action\":\"UNSUBSCRIBE_ALL\"}]");
    }
}
