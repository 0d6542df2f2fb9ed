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
}
