package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.topic.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SendPolicyTest {
    private static final Topic NEWSLETTER = new Topic("newsletter", true, Map.of("en", "Newsletter"), Map.of());
    private static final Topic EVENTS = new Topic("events", false, Map.of("en", "Events"), Map.of());
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant T3 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant T4 = Instant.parse("2026-04-01T00:00:00Z");

    private static Mark mark(Instant at) {
        return new Mark(at, Source.OPERATOR, null, null);
    }

    private static AddressState state(Mark unsub, Mark hard, Mark soft, Mark complaint,
                                      Map<String, Mark> optOuts, Map<String, Mark> optIns) {
        return new AddressState("k", null, unsub, hard, soft, complaint, optOuts, optIns, Map.of(), null, List.of(), T1);
    }

    @Test
    void aTopicThatNeedsConfirmedConsentIsSentOnlyAfterAConfirmedOptIn() {
        Topic events = new Topic("events", false, Map.of("en", "Events"), Map.of(), Topic.Consent.CONFIRMED);
        assertThat(SendPolicy.decide(AddressState.unknown("k"), events).reason()).isEqualTo(BlockReason.NOT_OPTED_IN);
        AddressState single = state(null, null, null, null, Map.of(), Map.of("events", new Mark(T1, Source.PREFERENCE_CENTER, null, null)));
        assertThat(SendPolicy.decide(single, events).reason()).isEqualTo(BlockReason.NOT_CONFIRMED);
        assertThat(SendPolicy.decide(single, EVENTS).allowed()).as("a single opt-in is enough where the catalog says so").isTrue();
        AddressState confirmed = state(null, null, null, null, Map.of(), Map.of("events", new Mark(T1, Source.CONFIRMED_OPT_IN, null, null)));
        assertThat(SendPolicy.decide(confirmed, events).allowed()).isTrue();
        AddressState unsubscribed = state(mark(T2), null, null, null, Map.of(), Map.of("events", new Mark(T1, Source.CONFIRMED_OPT_IN, null, null)));
        assertThat(SendPolicy.decide(unsubscribed, events).reason()).as("an opt-out still wins").isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
    }

    @Test
    void anUnknownAddressGetsDefaultTopicsAtImmediateFrequency() {
        Decision d = SendPolicy.decide(AddressState.unknown("k"), NEWSLETTER);
        assertThat(d).isEqualTo(Decision.allow(Frequency.IMMEDIATE));
    }

    @Test
    void anOptInTopicNeedsAnExplicitOptIn() {
        assertThat(SendPolicy.decide(AddressState.unknown("k"), EVENTS))
                .isEqualTo(Decision.block(BlockReason.NOT_OPTED_IN, null));
        AddressState optedIn = state(null, null, null, null, Map.of(), Map.of("events", mark(T1)));
        assertThat(SendPolicy.decide(optedIn, EVENTS).allowed()).isTrue();
    }

    @Test
    void hardBounceBeatsEverything() {
        AddressState s = state(mark(T1), mark(T4), null, mark(T2), Map.of("newsletter", mark(T3)), Map.of("newsletter", mark(T3)));
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.BOUNCED, T4));
    }

    @Test
    void softBounceSuppressionIsABounceToo() {
        AddressState s = state(null, null, mark(T2), null, Map.of(), Map.of());
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.BOUNCED, T2));
    }

    @Test
    void complaintBeatsOptOutsAndOptIns() {
        AddressState s = state(mark(T1), null, null, mark(T2), Map.of("newsletter", mark(T3)), Map.of());
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.COMPLAINED, T2));
    }

    @Test
    void globalOptOutBeatsEveryTopicChoice() {
        AddressState s = state(mark(T1), null, null, null, Map.of(), Map.of("newsletter", mark(T3), "events", mark(T3)));
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.UNSUBSCRIBED_ALL, T1));
        assertThat(SendPolicy.decide(s, EVENTS)).isEqualTo(Decision.block(BlockReason.UNSUBSCRIBED_ALL, T1));
    }

    @Test
    void topicOptOutBeatsTheTopicDefaultAndOnlyThatTopic() {
        AddressState s = state(null, null, null, null, Map.of("newsletter", mark(T2)), Map.of());
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.UNSUBSCRIBED_TOPIC, T2));
        Topic promotions = new Topic("promotions", true, Map.of(), Map.of());
        assertThat(SendPolicy.decide(s, promotions).allowed()).isTrue();
    }

    @Test
    void frequencyIsTheTopicsOwnThenTheOverallOne() {
        AddressState s = new AddressState("k", null, null, null, null, null, Map.of(), Map.of(),
                Map.of("newsletter", Frequency.WEEKLY), Frequency.MONTHLY, List.of(), T1);
        assertThat(SendPolicy.decide(s, NEWSLETTER).frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(SendPolicy.decide(s, new Topic("promotions", true, Map.of(), Map.of())).frequency()).isEqualTo(Frequency.MONTHLY);
    }

    /**
     * The check's batch read projects only {@link SendPolicy.Reads}: a rule that reads any other
     * part of the state would decide differently on the projected item than on the whole one.
     */
    @Test
    void theCheckDecidesOnTheProjectedStateAsOnTheWholeOne() {
        Mark m = mark(T2);
        List<AddressState> states = new java.util.ArrayList<>();
        for (int bits = 0; bits < 1 << 7; bits++) {
            states.add(new AddressState("k", "ana@example.com", (bits & 1) != 0 ? m : null, (bits & 2) != 0 ? m : null,
                    (bits & 4) != 0 ? m : null, (bits & 8) != 0 ? m : null,
                    (bits & 16) != 0 ? Map.of("newsletter", m, "events", m) : Map.of("events", m),
                    (bits & 32) != 0 ? Map.of("events", m, "newsletter", m) : Map.of("newsletter", m),
                    (bits & 64) != 0 ? Map.of("newsletter", Frequency.WEEKLY, "events", Frequency.MONTHLY) : Map.of("events", Frequency.IMMEDIATE),
                    (bits & 64) != 0 ? Frequency.IMMEDIATE : null, List.of(T1, T3), T4, (bits & 1) != 0 ? m : null));
        }
        for (AddressState whole : states) {
            for (Topic topic : List.of(NEWSLETTER, EVENTS)) {
                assertThat(SendPolicy.decide(projected(whole, topic), topic)).as(whole + " " + topic.id())
                        .isEqualTo(SendPolicy.decide(whole, topic));
                assertThat(SendPolicy.decideTransactional(projected(whole, topic))).isEqualTo(SendPolicy.decideTransactional(whole));
            }
        }
    }

    /** What the projection of {@link SendPolicy.Reads} keeps of a state: everything else as for an unknown address. */
    private static AddressState projected(AddressState s, Topic topic) {
        java.util.Set<SendPolicy.Reads> reads = java.util.EnumSet.allOf(SendPolicy.Reads.class);
        return new AddressState(s.key(), null,
                reads.contains(SendPolicy.Reads.UNSUBSCRIBED_ALL) ? s.unsubscribedAll() : null,
                reads.contains(SendPolicy.Reads.HARD_BOUNCE) ? s.hardBounce() : null,
                reads.contains(SendPolicy.Reads.SOFT_BOUNCE) ? s.softBounce() : null,
                reads.contains(SendPolicy.Reads.COMPLAINT) ? s.complaint() : null,
                reads.contains(SendPolicy.Reads.TOPIC_OPT_OUT) ? only(s.topicOptOuts(), topic) : Map.of(),
                reads.contains(SendPolicy.Reads.TOPIC_OPT_IN) ? only(s.topicOptIns(), topic) : Map.of(),
                reads.contains(SendPolicy.Reads.TOPIC_FREQUENCY) ? only(s.topicFrequency(), topic) : Map.of(),
                reads.contains(SendPolicy.Reads.FREQUENCY) ? s.frequency() : null,
                reads.contains(SendPolicy.Reads.SOFT_BOUNCE_TIMES) ? s.softBounceTimes() : List.of(), s.updatedAt(), null,
                reads.contains(SendPolicy.Reads.OPERATOR_HOLD) ? s.operatorHold() : null, 0,
                reads.contains(SendPolicy.Reads.HARD_BOUNCE_LAST) ? s.hardBounceLast() : null);
    }

    private static <V> Map<String, V> only(Map<String, V> perTopic, Topic topic) {
        return perTopic.containsKey(topic.id()) ? Map.of(topic.id(), perTopic.get(topic.id())) : Map.of();
    }

    @Test
    void theMailStatusIsTheChecksStrongestAddressWideStop() {
        AddressState s = state(mark(T1), null, mark(T3), mark(T2), Map.of(), Map.of());
        assertThat(dev.optout.preferences.MailStatus.of(s).kind()).isEqualTo(dev.optout.preferences.MailStatus.Kind.SOFT_BOUNCED);
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.BOUNCED, T3));
        assertThat(BlockReason.setBy(Action.SOFT_BOUNCE_SUPPRESS)).isEqualTo(BlockReason.BOUNCED);
        assertThat(BlockReason.setBy(Action.DELIVERY)).isNull();
    }

    @Test
    void transactionalMailIsStoppedOnlyByABounce() {
        assertThat(SendPolicy.decideTransactional(state(null, mark(T2), null, null, Map.of(), Map.of())))
                .isEqualTo(Decision.block(BlockReason.BOUNCED, T2));
        assertThat(SendPolicy.decideTransactional(state(null, null, mark(T3), null, Map.of(), Map.of())))
                .isEqualTo(Decision.block(BlockReason.BOUNCED, T3));
        AddressState optedOutAndComplained = state(mark(T1), null, null, mark(T2), Map.of("newsletter", mark(T3)), Map.of());
        assertThat(SendPolicy.decideTransactional(optedOutAndComplained)).isEqualTo(Decision.allow(null));
        assertThat(SendPolicy.decideTransactional(AddressState.unknown("k"))).isEqualTo(Decision.allow(null));
    }

    @Test
    void onlyABounceMakesAnAddressUndeliverable() {
        assertThat(SendPolicy.Stop.HARD_BOUNCE.undeliverable()).isTrue();
        assertThat(SendPolicy.Stop.SOFT_BOUNCE.undeliverable()).isTrue();
        assertThat(SendPolicy.Stop.COMPLAINT.undeliverable()).isFalse();
        assertThat(SendPolicy.Stop.UNSUBSCRIBED_ALL.undeliverable()).isFalse();
    }

    @Test
    void theTopicChoiceShownIgnoresTheGlobalStopAndFollowsOptOutsThenOptInsThenTheDefault() {
        AddressState unsubscribedAll = state(mark(T1), mark(T1), null, null, Map.of(), Map.of());
        assertThat(SendPolicy.topicChosen(unsubscribedAll, NEWSLETTER)).as("default topic").isTrue();
        assertThat(SendPolicy.topicChosen(unsubscribedAll, EVENTS)).as("opt-in topic never chosen").isFalse();
        AddressState optedIn = state(null, null, null, null, Map.of(), Map.of("events", mark(T2)));
        assertThat(SendPolicy.topicChosen(optedIn, EVENTS)).isTrue();
        AddressState optedOut = state(null, null, null, null, Map.of("newsletter", mark(T2), "events", mark(T3)),
                Map.of("events", mark(T2)));
        assertThat(SendPolicy.topicChosen(optedOut, NEWSLETTER)).isFalse();
        assertThat(SendPolicy.topicChosen(optedOut, EVENTS)).isFalse();
    }
}
