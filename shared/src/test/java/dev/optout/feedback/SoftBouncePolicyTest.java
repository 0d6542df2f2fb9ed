package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When soft bounces stop an address: a threshold of bounces inside a window (three in fourteen
 * days unless configured), counted in the densest window, and the settings that change it.
 */
class SoftBouncePolicyTest {
    @Test
    void defaultsAreThreeSoftBouncesInFourteenDaysWithoutMirroring() {
        assertThat(FeedbackRules.from(Settings.of(Map.of()))).isEqualTo(FeedbackRules.DEFAULTS);
        assertThat(FeedbackRules.DEFAULTS.softBounceThreshold()).isEqualTo(3);
        assertThat(FeedbackRules.DEFAULTS.softBounceWindow()).isEqualTo(Duration.ofDays(14));
        assertThat(FeedbackRules.DEFAULTS.mirroring()).isFalse();
    }

    @Test
    void settingsOverrideTheDefaults() {
        FeedbackRules rules = FeedbackRules.from(Settings.of(Map.of(Settings.SOFT_BOUNCE_THRESHOLD, "5",
                Settings.SOFT_BOUNCE_WINDOW_DAYS, "7", Settings.SES_SUPPRESSION_MIRRORING, "true")));
        assertThat(rules).isEqualTo(new FeedbackRules(5, Duration.ofDays(7), true));
    }

    @Test
    void aThresholdBelowOneIsAConfigurationError() {
        assertThatThrownBy(() -> FeedbackRules.from(Settings.of(Map.of(Settings.SOFT_BOUNCE_THRESHOLD, "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("SOFT_BOUNCE_THRESHOLD");
    }

    @Test
    void softBouncesAreCountedInsideTheDensestWindow() {
        Instant d0 = Instant.parse("2026-03-01T00:00:00Z");
        Duration w = Duration.ofDays(14);
        assertThat(FeedbackProcessor.mostInsideWindow(List.of(), w)).isZero();
        assertThat(FeedbackProcessor.mostInsideWindow(List.of(d0, d0.plus(Duration.ofDays(14)), d0.plus(Duration.ofDays(15))), w))
                .as("the window includes both ends").isEqualTo(2);
        assertThat(FeedbackProcessor.mostInsideWindow(List.of(d0, d0.plus(Duration.ofDays(20)),
                d0.plus(Duration.ofDays(21)), d0.plus(Duration.ofDays(30))), w)).isEqualTo(3);
        assertThat(FeedbackProcessor.mostInsideWindow(List.of(d0, d0.plus(Duration.ofDays(15)), d0.plus(Duration.ofDays(30))), w))
                .isEqualTo(1);
    }
}
