package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.consent.Authority;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.topic.TopicCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store writes what the consent model decides, in time order rather than arrival order, and
 * loses nothing when writers race: against moto through the real SDK.
 */
@ExtendWith(LocalAwsExtension.class)
class ConsentWriterIT {
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private SuppressionStore store;

    @BeforeEach
    void freshTable(LocalAws aws) {
        store = StoreFixture.on(aws).store();
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Provenance at(Source source, long seconds) {
        return Provenance.of(source, T.plusSeconds(seconds));
    }

    private boolean mayMail(EmailAddress a, String topic) {
        return SendPolicy.decide(store.read(a), catalog.require(topic)).allowed();
    }

    @Test
    void anOptOutMadeBeforeTheResubscribeButDeliveredAfterItChangesNothingAndIsRecordedAsNotApplied() {
        EmailAddress a = addr("late@example.com");
        store.apply(a, Change.unsubscribeAll(at(Source.UNSUBSCRIBE_PAGE, 0)));
        store.apply(a, Change.resubscribeAll(at(Source.PREFERENCE_CENTER, 600)));
        long version = store.read(a).version();

        // a one-click made at +300 s, delivered (queued, retried) after the resubscribe made at +600 s
        store.apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 300)).once("pending/late"));

        AddressState state = store.read(a);
        assertThat(state.unsubscribedAll()).as("the person's later resubscribe stands").isNull();
        assertThat(mayMail(a, "newsletter")).isTrue();
        assertThat(state.version()).as("nothing changed, so no form goes stale").isEqualTo(version);
        HistoryEvent late = store.fullHistory(a).stream().filter(h -> h.source() == Source.ONE_CLICK).findFirst().orElseThrow();
        assertThat(late.evidence().get("outcome")).startsWith("not applied: made at " + T.plusSeconds(300));
    }

    @Test
    void aTopicOptInMadeLaterStandsAgainstAnOlderTopicOptOutWhateverTheOrderOfArrival() {
        // events needs confirmed consent: the later opt-in is the person's confirmed one
        EmailAddress a = addr("topic@example.com");
        store.apply(a, Change.subscribeTopic("events", at(Source.CONFIRMED_OPT_IN, 600)));
        store.apply(a, Change.unsubscribeTopic("events", at(Source.ONE_CLICK, 300)));

        EmailAddress b = addr("topic-b@example.com");
        store.apply(b, Change.unsubscribeTopic("events", at(Source.ONE_CLICK, 300)));
        store.apply(b, Change.subscribeTopic("events", at(Source.CONFIRMED_OPT_IN, 600)));

        for (EmailAddress x : List.of(a, b)) {
            AddressState state = store.read(x);
            assertThat(state.topicOptOuts()).as(x.value()).isEmpty();
            assertThat(state.topicOptIns()).as(x.value()).containsKey("events");
            assertThat(mayMail(x, "events")).as(x.value()).isTrue();
        }
    }

    @Test
    void twoConcurrentSavesOnOneAddressBothStand() throws Exception {
        EmailAddress a = addr("race@example.com");
        store.apply(a, Change.frequency(null, Frequency.WEEKLY, at(Source.PREFERENCE_CENTER, 0)));
        long before = store.read(a).version();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<ApplyResult>> saves = new ArrayList<>();
        for (String topic : List.of("newsletter", "promotions")) {
            saves.add(pool.submit(() -> {
                barrier.await();
                return store.applyAll(a, List.of(Change.unsubscribeTopic(topic, at(Source.PREFERENCE_CENTER, 60))), null);
            }));
        }
        for (Future<ApplyResult> f : saves) {
            assertThat(f.get()).isEqualTo(ApplyResult.APPLIED);
        }

        AddressState state = store.read(a);
        assertThat(state.topicOptOuts()).containsOnlyKeys("newsletter", "promotions");
        assertThat(state.frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(state.version()).isEqualTo(before + 2);
        assertThat(store.fullHistory(a)).hasSize(3);
    }

    @Test
    void ofTwoConcurrentSavesDrawnFromOneVersionOneIsWrittenAndTheOtherIsStale() throws Exception {
        EmailAddress a = addr("forms@example.com");
        store.apply(a, Change.frequency(null, Frequency.WEEKLY, at(Source.PREFERENCE_CENTER, 0)));
        long drawnFrom = store.read(a).version();
        CyclicBarrier barrier = new CyclicBarrier(2);
        List<Future<String>> saves = new ArrayList<>();
        for (String topic : List.of("newsletter", "promotions")) {
            saves.add(pool.submit(() -> {
                barrier.await();
                try {
                    store.applyAll(a, List.of(Change.unsubscribeTopic(topic, at(Source.PREFERENCE_CENTER, 60))), null, drawnFrom);
                    return topic;
                } catch (StaleStateException e) {
                    assertThat(e.expected()).isEqualTo(drawnFrom);
                    assertThat(e.current()).isEqualTo(drawnFrom + 1);
                    return null;
                }
            }));
        }
        List<String> written = new ArrayList<>();
        for (Future<String> f : saves) {
            if (f.get() != null) {
                written.add(f.get());
            }
        }

        assertThat(written).hasSize(1);
        AddressState state = store.read(a);
        assertThat(state.topicOptOuts()).containsOnlyKeys(written.get(0));
        assertThat(state.version()).isEqualTo(drawnFrom + 1);
        assertThat(store.fullHistory(a)).as("the stale save wrote nothing").hasSize(2);
    }

    @Test
    void aComplaintLiftedWithConsentIsNotBroughtBackByItsOwnLateRedeliveryNorByAnOlderOneClick() {
        EmailAddress a = addr("complained@example.com");
        Change complaint = Change.withDetail(Action.COMPLAINT, "abuse", at(Source.SES_COMPLAINT, 0));
        store.apply(a, complaint.once("feedback-1"));
        Provenance consented = Provenance.byOperator(Source.OPERATOR, T.plusSeconds(3600), "ops", "asked to be mailed again")
                .withEvidence(Map.of(Authority.CONSENT_EVIDENCE, "ticket 42"));
        store.apply(a, Change.resubscribeAll(consented));
        assertThat(mayMail(a, "newsletter")).isTrue();

        // SES delivers the same complaint again under another feedback id, after the lift
        store.apply(a, complaint.once("feedback-1-redelivered"));
        // and a one-click the person made before they asked to be mailed again
        store.apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 1800)));

        AddressState state = store.read(a);
        assertThat(state.complaint()).isNull();
        assertThat(state.unsubscribedAll()).isNull();
        assertThat(mayMail(a, "newsletter")).isTrue();
        assertThat(store.fullHistory(a)).filteredOn(h -> h.evidence().containsKey("outcome")).hasSize(2);
    }

    @Test
    void aComplaintThenAnOlderOneClickKeepBothAndThePersonsLaterResubscribeLiftsOnlyTheirOwnOptOut() {
        EmailAddress a = addr("both@example.com");
        store.apply(a, Change.withDetail(Action.COMPLAINT, "abuse", at(Source.SES_COMPLAINT, 600)));
        store.apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 300)));
        AddressState state = store.read(a);
        assertThat(state.complaint()).isNotNull();
        assertThat(state.unsubscribedAll()).as("the person's own opt-out is kept apart").isNotNull();

        store.apply(a, Change.resubscribeAll(at(Source.PREFERENCE_CENTER, 900)));

        assertThat(store.read(a).unsubscribedAll()).isNull();
        assertThat(store.read(a).complaint()).as("a link never lifts a complaint").isNotNull();
        assertThat(SendPolicy.decide(store.read(a), catalog.require("newsletter")).reason()).isEqualTo(BlockReason.COMPLAINED);
    }

    @Test
    void aSoftBounceOlderThanADeliveryIsNotCountedWhateverTheOrderOfArrival() {
        EmailAddress a = addr("soft@example.com");
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)));
        store.apply(a, Change.of(Action.DELIVERY, at(Source.SES_DELIVERY, 600)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 300)));

        assertThat(store.read(a).softBounceTimes()).isEmpty();
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 900)));
        assertThat(store.read(a).softBounceTimes()).containsExactly(T.plusSeconds(900));
    }
}
