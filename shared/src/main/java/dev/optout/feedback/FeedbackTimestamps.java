package dev.optout.feedback;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timestamps SES writes: ISO-8601 with or without milliseconds, with {@code Z} or an offset
 * ({@code -05:00}), and the form AWS documents for {@code mail.timestamp},
 * {@code 2018-10-08T14:05:45 +0000} (a space, and an offset without a colon).
 */
public final class FeedbackTimestamps {
    private static final Pattern SPACED_OFFSET = Pattern.compile("^(.*\\d)\\s*([+-])(\\d{2}):?(\\d{2})$");

    private FeedbackTimestamps() {
    }

    /** The instant, or {@code null} when {@code text} is not a timestamp. */
    public static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.strip();
        if (s.endsWith("z")) {
            s = s.substring(0, s.length() - 1) + "Z";
        }
        Matcher m = SPACED_OFFSET.matcher(s);
        if (m.matches()) {
            s = m.group(1) + m.group(2) + m.group(3) + ":" + m.group(4);
        }
        s = s.replace(' ', 'T');
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                // no offset at all: SES writes UTC
                return LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
