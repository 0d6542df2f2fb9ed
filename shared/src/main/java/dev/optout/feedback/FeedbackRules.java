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
 * @param sesOptIns           whether an SES list-management opt-in may change anything here
 *                            ({@code SES_SUBSCRIPTION_OPT_INS=ignore} turns them off; opt-outs always apply)
 */
public record FeedbackRules(int softBounceThreshold, Duration softBounceWindow, boolean mirroring, boolean sesOptIns) {
    public static final int DEFAULT_SOFT_BOUNCE_THRESHOLD = 3;
    public static final int DEFAULT_SOFT_BOUNCE_WINDOW_DAYS = 14;
    public static final FeedbackRules DEFAULTS = new FeedbackRules(DEFAULT_SOFT_BOUNCE_THRESHOLD,
            Duration.ofDays(DEFAULT_SOFT_BOUNCE_WINDOW_DAYS), false, true);

    /** Rules that apply SES opt-ins (the default). */
    public FeedbackRules(int softBounceThreshold, Duration softBounceWindow, boolean mirroring) {
        this(softBounceThreshold, softBounceWindow, mirroring, true);
    }

    public FeedbackRules {
        if (softBounceThreshold < 1) {
            throw new ConfigurationException(Settings.SOFT_BOUNCE_THRESHOLD + " must be at least 1, got " + softBounceThreshold);
        }
        if (softBounceWindow.isNegative() || softBounceWindow.isZero()) {
            throw new ConfigurationException(Settings.SOFT_BOUNCE_WINDOW_DAYS + " must be at least 1 day");
        }
    }

    /**
     * From {@code SOFT_BOUNCE_THRESHOLD}, {@code SOFT_BOUNCE_WINDOW_DAYS}, {@code SES_SUPPRESSION_MIRRORING},
     * {@code SES_SUBSCRIPTION_OPT_INS}.
     */
    public static FeedbackRules from(Settings settings) {
        String optIns = settings.optional(Settings.SES_SUBSCRIPTION_OPT_INS).orElse("apply").strip();
        if (!optIns.equals("apply") && !optIns.equals("ignore")) {
            throw new ConfigurationException(Settings.SES_SUBSCRIPTION_OPT_INS + " must be apply or ignore, got " + optIns);
        }
        return new FeedbackRules(settings.integer(Settings.SOFT_BOUNCE_THRESHOLD, DEFAULT_SOFT_BOUNCE_THRESHOLD),
                Duration.ofDays(settings.integer(Settings.SOFT_BOUNCE_WINDOW_DAYS, DEFAULT_SOFT_BOUNCE_WINDOW_DAYS)),
                settings.flag(Settings.SES_SUPPRESSION_MIRRORING, false), optIns.equals("apply"));
    }
}
