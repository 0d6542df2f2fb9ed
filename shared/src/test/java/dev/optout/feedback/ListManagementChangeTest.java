package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only what an SES list-management event changed applies, not every status it repeats (a repeated opt-in is no choice). */
class ListManagementChangeTest {
    private static SesEvent.Subscription event(boolean allBefore, Map<String, String> before, boolean allAfter, Map<String, String> after) {
        return new SesEvent.Subscription("list", Instant.EPOCH, "UnsubscribeHeader", allAfter, after,
                before == null ? null : new SesEvent.Subscription.Preferences(allBefore, before));
    }

    @Test
    void aStatusRepeatedFromBeforeIsNoChange() {
        SubscriptionChanges c = SubscriptionChanges.of(event(false, Map.of("a", "OptOut", "b", "OptIn"), false,
                Map.of("a", "OptOut", "b", "OptIn")));
        assertThat(c.topics()).isEmpty();
        assertThat(c.unsubscribeAll()).isFalse();
    }

    @Test
    void anOptInCountsOnlyWhenTheTopicWasOptedOutBefore() {
        SubscriptionChanges c = SubscriptionChanges.of(event(false, Map.of("a", "OptOut"), false, Map.of("a", "OptIn", "b", "OptIn")));
        assertThat(c.topics()).containsExactly(Map.entry("a", true));
    }

    @Test
    void anOptOutCountsUnlessTheTopicWasAlreadyOptedOut() {
        SubscriptionChanges c = SubscriptionChanges.of(event(false, Map.of("a", "OptIn"), false, Map.of("a", "optout", "b", "OptOut")));
        assertThat(c.topics()).containsOnly(Map.entry("a", false), Map.entry("b", false));
    }

    @Test
    void withoutOldPreferencesOnlyStopsApply() {
        SubscriptionChanges c = SubscriptionChanges.of(event(false, null, true, Map.of("a", "OptIn", "b", "OptOut")));
        assertThat(c.topics()).containsExactly(Map.entry("b", false));
        assertThat(c.unsubscribeAll()).isTrue();
    }

    @Test
    void unsubscribeAllCountsOnlyWhenItWasNotSetBefore() {
        assertThat(SubscriptionChanges.of(event(true, Map.of(), true, Map.of())).unsubscribeAll()).isFalse();
        assertThat(SubscriptionChanges.of(event(false, Map.of(), true, Map.of())).unsubscribeAll()).isTrue();
    }
}
