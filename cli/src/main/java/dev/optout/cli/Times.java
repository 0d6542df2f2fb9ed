package dev.optout.cli;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Times as suppression lists write them: ISO-8601 instants or offsets (SES, Postmark),
 * {@code yyyy-MM-dd HH:mm:ss} in UTC (Mailchimp exports), epoch seconds (SendGrid, the AWS CLI),
 * RFC 2822 dates (Mailgun), plain dates.
 */
public final class Times {
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");

    private Times() {
    }

    /** The instant, or {@code null} when the text is none of the forms above. */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            if (t.matches("\\d+(\\.\\d+)?")) {
                BigDecimal seconds = new BigDecimal(t);
                return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}T.*")) {
                try {
                    return OffsetDateTime.parse(t).toInstant();
                } catch (DateTimeParseException e) {
                    return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
                }
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})?")) {
                return LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC);
            }
            // RFC 2822 (Mailgun writes "Fri, 21 Oct 2011 11:02:55 UTC")
            String rfc = t.replaceAll(" (UTC|UT)$", " GMT");
            return ZonedDateTime.parse(rfc, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeException | ArithmeticException e) { // DateTimeException: unparseable, or beyond Instant's range
            return null;
        }
    }
}
