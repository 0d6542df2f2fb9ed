package dev.optout.check;

import dev.optout.address.AddressParser;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Frequency;
import dev.optout.token.TokenFormat;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The largest answer the check can give, and from it the most recipients a call may name.
 *
 * <p>Lambda refuses a synchronous response over 6 MB (6,291,556 bytes: "Response payload size
 * exceeded"), for every recipient of the call. So the maximum is not a hope about typical
 * addresses: each field of a result has a worst case bounded by what the check accepts (the
 * longest recipient entry, canonical address, campaign id, topic id, token, configured base URL
 * and mailto: URI), a result's worst case is the sum over the fields the request asks for
 * (an over-count: no result has every field; only {@code detail}, which never meets {@code headers},
 * is left out of a choice with both), and
 * <pre>
 *   maxRecipients(fields) = min(10,000, round down to 100 of
 *                               (6,291,556 - 5% margin - envelope) / worst result(fields))
 * </pre>
 * Every field is written as {@code "name":"value",} (the last comma of an object is counted
 * though absent). String values are counted in UTF-8 bytes after JSON escaping
 * ({@link #jsonStringBytes}).
 */
public final class AnswerSize {
    /** Lambda's limit for a synchronous invocation's response payload (6 MB). */
    public static final int LAMBDA_RESPONSE_LIMIT = 6_291_556;
    /** Kept free below the limit: 5%, for what the arithmetic below cannot foresee. */
    public static final int MARGIN = LAMBDA_RESPONSE_LIMIT / 20;
    /** The most recipients a call may name with any choice of fields: the store reads and the time budget are sized for it. */
    public static final int CEILING = 10_000;
    /**
     * The longest canonical address as the answer writes it: a local part of 64 halves of surrogate
     * pairs (emoji), each escaped as 6 bytes, '@', and an ASCII domain of the remaining 189
     * characters: 64 x 6 + 1 + 189 = 574.
     */
    public static final int MAX_ADDRESS_BYTES = AddressParser.MAX_LOCAL_PART_CHARS * 6 + 1
            + (AddressParser.MAX_CHARS - AddressParser.MAX_LOCAL_PART_CHARS - 1);
    /**
     * The longest recipient entry, in bytes as the answer echoes it (UTF-8, JSON escapes counted):
     * the longest address written as above and a short display name.
     */
    public static final int MAX_RECIPIENT_BYTES = 640;
    /** The longest {@code detail} of an invalid address; longer explanations are cut. */
    public static final int MAX_DETAIL_BYTES = 100;
    /** The longest PUBLIC_BASE_URL (JSON bytes): it is in every link of every result. */
    public static final int MAX_BASE_URL_BYTES = 100;
    /**
     * The longest mailto: URI of a List-Unsubscribe header (JSON bytes): the fixed
     * UNSUBSCRIBE_MAILTO, or {@code mailto:<64-character token>@DOMAIN?subject=unsubscribe}.
     */
    public static final int MAX_MAILTO_URI_BYTES = 200;
    /** Gmail's feedback-loop header (dev.optout.links.FeedbackId). */
    public static final String FEEDBACK_ID = "Feedback-ID";
    /** The longest Feedback-ID value: a 40-character campaign, ':', a 48-character topic, ':', a 32-character sender id. */
    public static final int MAX_FEEDBACK_ID_BYTES = 40 + 1 + 48 + 1 + 32;
    /** "/u/" and "/p/", the two link routes. */
    static final int LINK_PATH_BYTES = 3;
    /** {@code {"results":[} ... {@code ],"summary":{"total":10000,"allowed":10000,"blocked":10000}}}. */
    static final int ENVELOPE = "{\"results\":[],\"summary\":{\"total\":,\"allowed\":,\"blocked\":}}".length()
            + 3 * Integer.toString(CEILING).length();
    /** {@code {} ,} around each result, and its {@code "allowed":false,} (every result has it). */
    static final int RESULT_BASE = 3 + booleanField(ResultField.ALWAYS);

    private static final Map<ResultField, Integer> WORST = worstCases();

    private AnswerSize() {
    }

    /** The worst case of one field of one result, in bytes. */
    public static int worstCase(ResultField field) {
        return WORST.get(field);
    }

    /** The worst case of one result with these fields, in bytes. */
    public static int worstResult(Set<ResultField> fields) {
        int bytes = RESULT_BASE;
        for (ResultField f : fields) {
            bytes += WORST.get(f);
        }
        // an invalid address has a detail and no links; an allowed one links and no detail: they never meet
        if (fields.contains(ResultField.DETAIL) && fields.contains(ResultField.HEADERS)) {
            bytes -= Math.min(WORST.get(ResultField.DETAIL), WORST.get(ResultField.HEADERS));
        }
        return bytes;
    }

    /** The most recipients one call may name when its results carry these fields. */
    public static int maxRecipients(Set<ResultField> fields) {
        int fit = (LAMBDA_RESPONSE_LIMIT - MARGIN - ENVELOPE) / worstResult(fields);
        return Math.min(CEILING, fit / 100 * 100);
    }

    /**
     * The bytes the answer's JSON generator writes for {@code text} between its quotes: UTF-8, with
     * {@code "} and {@code \} escaped (2 bytes), the C0 controls as {@code \b \t \n \f \r} (2 bytes)
     * or {@code \}{@code u00XX} (6 bytes), each half of a surrogate pair as {@code \}{@code uXXXX}
     * (6 bytes), as jackson-core writes them.
     */
    public static int jsonStringBytes(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (Character.isSurrogate(c)) {
                bytes += 6; // jackson-core escapes each half of a pair (COMBINE_UNICODE_SURROGATES_IN_UTF8 is off by default)
            } else if (c < 0x800) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static Map<ResultField, Integer> worstCases() {
        int token = TokenFormat.LONGEST_TOKEN_CHARS;
        int unsubscribeUri = MAX_BASE_URL_BYTES + LINK_PATH_BYTES + token;
        // <https://HOST/u/TOKEN>, <mailto:...>
        int listUnsubscribe = 1 + unsubscribeUri + 1 + ", <".length() + MAX_MAILTO_URI_BYTES + 1;
        Map<ResultField, Integer> m = new EnumMap<>(ResultField.class);
        m.put(ResultField.RECIPIENT, stringField("recipient", MAX_RECIPIENT_BYTES));
        m.put(ResultField.ADDRESS, stringField("address", MAX_ADDRESS_BYTES));
        m.put(ResultField.REASON, stringField("reason", longestName(BlockReason.values())));
        m.put(ResultField.SINCE, stringField("since", Instant.MAX.toString().length()));
        m.put(ResultField.UNTIL, stringField("until", Instant.MAX.toString().length()));
        m.put(ResultField.FREQUENCY, stringField("frequency", longestName(Frequency.values())));
        m.put(ResultField.HEADERS, objectField("headers",
                stringField("List-Unsubscribe", listUnsubscribe)
                        + stringField("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".length())
                        + stringField(FEEDBACK_ID, MAX_FEEDBACK_ID_BYTES)));
        m.put(ResultField.PREFERENCES_URL, stringField("preferencesUrl", unsubscribeUri));
        m.put(ResultField.DETAIL, stringField("detail", MAX_DETAIL_BYTES));
        m.put(ResultField.COMPLAINED, booleanField("complained"));
        m.put(ResultField.TAGS, objectField("tags",
                stringField(SesTags.PURPOSE, longestName(Purpose.values()))
                        + stringField(SesTags.TOPIC, TokenFormat.MAX_TOPIC_ID_BYTES)
                        + stringField(SesTags.CAMPAIGN, Math.max(TokenFormat.MAX_CAMPAIGN_BYTES, SesTags.MAX_DERIVED_VALUE))));
        return m;
    }

    /** {@code "name":"value",} */
    private static int stringField(String name, int valueBytes) {
        return name.length() + valueBytes + 6;
    }

    /** {@code "name":false,} */
    private static int booleanField(String name) {
        return name.length() + 3 + "false".length() + 1;
    }

    /** {@code "name":{fields},} */
    private static int objectField(String name, int fieldBytes) {
        return name.length() + 4 + fieldBytes + 2;
    }

    private static int longestName(Enum<?>[] values) {
        return Arrays.stream(values).mapToInt(v -> v.name().length()).max().orElse(0);
    }
}
