package dev.optout.feedback;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.time.Duration;

/**
 * The tunable part of the feedback rules.
 *
 * @param softBounceThreshold soft bounces inside the window that suppress the address
 * @param softBounceWindow    the window, measured between the bounces' own timestamps
 * @param mirroring           whether suppressions are mirrored into the SES account-level list
 */
public record FeedbackRules(int softBounceThreshold, Duration softBounceWindow, boolean mirroring) {
    public static final int DEFAULT_SOFT_BOUNCE_THRESHOLD = 3;
    public static final int DEFAULT_SOFT_BOUNCE_WINDOW_DAYS = 14;
    public static final FeedbackRules DEFAULTS = new FeedbackRules(DEFAULT_SOFT_BOUNCE_THRESHOLD,
            Duration.ofDays(DEFAULT_SOFT_BOUNCE_WINDOW_DAYS), false);

    public FeedbackRules {
        if (softBounceThreshold < 1) {
            throw new ConfigurationException(Settings.SOFT_BOUNCE_THRESHOLD + " must be at least 1, got " + softBounceThreshold);
        }
        if (softBounceWindow.isNegative() || softBounceWindow.isZero()) {
            throw new ConfigurationException(Settings.SOFT_BOUNCE_WINDOW_DAYS + " must be at least 1 day");
        }
    }

    /** From {@code SOFT_BOUNCE_THRESHOLD}, {@code SOFT_BOUNCE_WINDOW_DAYS}, {@code SES_SUPPRESSION_MIRRORING}. */
    public static FeedbackRules from(Settings settings) {
        return new FeedbackRules(settings.integer(Settings.SOFT_BOUNCE_THRESHOLD, DEFAULT_SOFT_BOUNCE_THRESHOLD),
                Duration.ofDays(settings.integer(Settings.SOFT_BOUNCE_WINDOW_DAYS, DEFAULT_SOFT_BOUNCE_WINDOW_DAYS)),
                settings.flag(Settings.SES_SUPPRESSION_MIRRORING, false));
    }
}
