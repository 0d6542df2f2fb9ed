package dev.optout.check;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The optional fields of a check result, by their JSON names: what a request's {@code "fields"}
 * may list. {@code allowed} is in every result whatever the choice, so a pipeline always knows
 * whether to send. Without {@code "fields"} a result carries every field that applies (the
 * original shape).
 */
public enum ResultField {
    RECIPIENT("recipient"),
    ADDRESS("address"),
    REASON("reason"),
    SINCE("since"),
    FREQUENCY("frequency"),
    HEADERS("headers"),
    PREFERENCES_URL("preferencesUrl"),
    DETAIL("detail"),
    COMPLAINED("complained"),
    TAGS("tags"),
    UNTIL("until");

    /** Every field: the default answer. */
    public static final Set<ResultField> ALL = Collections.unmodifiableSet(EnumSet.allOf(ResultField.class));
    /** The name of the field every result carries; accepted in {@code "fields"} and changes nothing. */
    public static final String ALWAYS = "allowed";

    private final String jsonName;

    ResultField(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name in the answer's JSON, e.g. {@code "preferencesUrl"}. */
    public String jsonName() {
        return jsonName;
    }

    /** The field with this JSON name, or {@code null}. */
    public static ResultField byJsonName(String name) {
        for (ResultField f : values()) {
            if (f.jsonName.equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** Every name {@code "fields"} accepts, for messages. */
    public static String known() {
        StringBuilder b = new StringBuilder("\"" + ALWAYS + "\"");
        for (ResultField f : values()) {
            b.append(", \"").append(f.jsonName).append('"');
        }
        return b.toString();
    }
}
