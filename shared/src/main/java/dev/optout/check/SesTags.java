package dev.optout.check;

import dev.optout.text.Sha256;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SES message tags ({@code EmailTags} of SendEmail, {@code DefaultEmailTags}/{@code ReplacementEmailTags}
 * of SendBulkEmail) the check hands out with each allowed result, so that SES events name the
 * topic, campaign and purpose of every message: the feedback function reads them back to audit
 * sends ({@code SENT_WHILE_SUPPRESSED}) and to count per campaign (the campaign guard).
 *
 * <p>SES API reference, MessageTag: a value may contain only ASCII letters, digits, {@code _} and
 * {@code -}, at most 256 characters. A campaign id or topic outside that set is not refused (the
 * check accepted any campaign id before): {@link #value} maps it to a valid value, the same one
 * everywhere (check, guard, feedback, operator commands).
 */
public final class SesTags {
    public static final String TOPIC = "optout-topic";
    public static final String CAMPAIGN = "optout-campaign";
    public static final String PURPOSE = "optout-purpose";
    public static final int MAX_VALUE = 256;
    private static final int KEPT_CHARS = 200;
    /** The longest value {@link #value} makes of a text that is not already one: 200 characters, '-', 8 hex digits. */
    public static final int MAX_DERIVED_VALUE = KEPT_CHARS + 1 + 8;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    private static final Pattern INVALID_CHAR = Pattern.compile("[^A-Za-z0-9_-]");

    private SesTags() {
    }

    /**
     * A valid tag value for {@code text}: itself when valid; otherwise each other character
     * replaced by {@code _}, cut to 200 characters, and {@code -} plus the first 8 hex digits of the
     * SHA-256 of the original appended, so two different ids never share a value by accident.
     * {@code null} stays {@code null}.
     */
    public static String value(String text) {
        if (text == null) {
            return null;
        }
        if (VALID.matcher(text).matches()) {
            return text;
        }
        String base = INVALID_CHAR.matcher(text).replaceAll("_");
        if (base.length() > KEPT_CHARS) {
            base = base.substring(0, KEPT_CHARS);
        }
        return base + "-" + Sha256.hexPrefix(Sha256.of(text), 4);
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    /** The tags of one allowed result. */
    public static Map<String, String> of(Purpose purpose, String topicId, String campaignId) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(PURPOSE, purpose.wireName());
        if (topicId != null) {
            tags.put(TOPIC, value(topicId));
        }
        if (campaignId != null) {
            tags.put(CAMPAIGN, value(campaignId));
        }
        return java.util.Collections.unmodifiableMap(tags);
    }
}
