package dev.optout.cli.imports;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a suppression list, as read: the address as written, what it is, its own time if
 * it has one, provider facts worth keeping; or why it cannot be imported.
 *
 * @param position which record of its file this is (1-based): what a checkpoint and the row's
 *                 idempotency key count, because a line does not tell rows apart (a minified
 *                 JSON file has every row on line 1)
 * @param line     where the row begins in its file (1-based)
 * @param place    where the row is, for people: "line 4" for a CSV record, "row 3 (line 13)" for a JSON one
 * @param invalid  why the row cannot be imported, or {@code null}
 */
public record Row(int position, int line, String place, String email, Kind kind, String topic, Instant at,
                  Map<String, String> evidence, String invalid) {
    /** The mark a row becomes. */
    public enum Kind { HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, UNSUBSCRIBE, TOPIC_UNSUBSCRIBE }

    public Row {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    public static Row invalid(int position, int line, String place, String email, String why) {
        return new Row(position, line, place, email, null, null, null, Map.of(), why);
    }
}
