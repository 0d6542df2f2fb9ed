package dev.optout.cli.imports;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a suppression list, as read: the address as written, what it is, its own time if
 * it has one, provider facts worth keeping; or why it cannot be imported.
 *
 * @param line     where the row begins in its file (1-based)
 * @param invalid  why the row cannot be imported, or {@code null}
 */
public record Row(int line, String email, Kind kind, String topic, Instant at, Map<String, String> evidence, String invalid) {
    /** The mark a row becomes. */
    public enum Kind { HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, UNSUBSCRIBE, TOPIC_UNSUBSCRIBE }

    public Row {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    public static Row invalid(int line, String email, String why) {
        return new Row(line, email, null, null, null, Map.of(), why);
    }
}
