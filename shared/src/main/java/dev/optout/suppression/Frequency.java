package dev.optout.suppression;

import java.util.Locale;

/** How often a person wants mail of a topic. The check returns it; pipelines honour it. */
public enum Frequency {
    /** As it happens: every message of the topic. The default. */
    IMMEDIATE,
    WEEKLY,
    MONTHLY;

    /** Parses {@code weekly}, {@code WEEKLY}; {@code null} when the text names no frequency. */
    public static Frequency parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
