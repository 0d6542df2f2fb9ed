package dev.optout.cli.imports;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.cli.Csv;
import dev.optout.cli.ReasonNames;
import dev.optout.cli.Times;
import dev.optout.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The suppression-list formats {@code import} reads, each as its provider documents it, and
 * how each is told from the others by its structure.
 */
public enum Format {
    /** {@code aws sesv2 list-suppressed-destinations}: SuppressedDestinationSummaries[] {EmailAddress, Reason BOUNCE|COMPLAINT, LastUpdateTime}. */
    ses,
    /** Postmark suppressions dump: Suppressions[] {EmailAddress, SuppressionReason HardBounce|SpamComplaint|ManualSuppression, Origin, CreatedAt}. */
    postmark,
    /** SendGrid suppression API: a JSON array of {email, created (epoch seconds)[, reason, status]}; the list's kind from --reason. */
    sendgrid,
    /** Mailgun bounces/unsubscribes/complaints API pages: items[] {address[, code, error], created_at (RFC 2822)}; kind from --reason. */
    mailgun,
    /** Mailchimp audience export CSV: "Email Address" with UNSUB_TIME (unsubscribed) or CLEAN_TIME (cleaned). */
    mailchimp,
    /** CSV with a header row: email, optional reason (any name --reason takes), topic, at. */
    csv;

    /** Tells the format from the start of a file, or {@code null} when it is none of these. */
    public static Format detect(String head) {
        String t = head.stripLeading();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).stripLeading();
        }
        if (t.startsWith("[")) {
            return sendgrid;
        }
        if (t.startsWith("{")) {
            if (t.contains("\"SuppressedDestinationSummaries\"")) {
                return ses;
            }
            if (t.contains("\"Suppressions\"")) {
                return postmark;
            }
            if (t.contains("\"items\"")) {
                return mailgun;
            }
            return null;
        }
        String header = t.lines().findFirst().orElse("");
        if (header.contains("Email Address")) {
            return mailchimp;
        }
        for (String column : header.split(",")) {
            if (column.strip().replace("\"", "").equalsIgnoreCase("email")) {
                return csv;
            }
        }
        return null;
    }

    /** Whether the file says what each row is, or {@code --reason} must. */
    public boolean needsListKind() {
        return this == sendgrid || this == mailgun;
    }

    /** A reader of this format's rows. */
    public RowReader open(InputStream in, ListKind listKind, TopicCheck topics) throws IOException {
        return switch (this) {
            case ses -> new JsonRows(in, "SuppressedDestinationSummaries", n -> {
                String reason = n.path("Reason").asText("");
                Row.Kind kind = switch (reason) {
                    case "BOUNCE" -> Row.Kind.HARD_BOUNCE;
                    case "COMPLAINT" -> Row.Kind.COMPLAINT;
                    default -> null;
                };
                return kind == null ? "Reason is '" + reason + "', not BOUNCE or COMPLAINT"
                        : new Parsed(n.path("EmailAddress").asText(null), kind, null, n.path("LastUpdateTime").asText(null),
                        Map.of("sesReason", reason));
            });
            case postmark -> new JsonRows(in, "Suppressions", n -> {
                String reason = n.path("SuppressionReason").asText("");
                Row.Kind kind = switch (reason) {
                    case "HardBounce" -> Row.Kind.HARD_BOUNCE;
                    case "SpamComplaint" -> Row.Kind.COMPLAINT;
                    case "ManualSuppression" -> Row.Kind.UNSUBSCRIBE;
                    default -> null;
                };
                Map<String, String> ev = new LinkedHashMap<>();
                ev.put("postmarkReason", reason);
                if (n.hasNonNull("Origin")) {
                    ev.put("postmarkOrigin", n.get("Origin").asText());
                }
                return kind == null ? "SuppressionReason is '" + reason + "', not HardBounce, SpamComplaint or ManualSuppression"
                        : new Parsed(n.path("EmailAddress").asText(null), kind, null, n.path("CreatedAt").asText(null), ev);
            });
            case sendgrid -> new JsonRows(in, null, n -> {
                Map<String, String> ev = new LinkedHashMap<>();
                if (n.hasNonNull("status")) {
                    ev.put("status", n.get("status").asText());
                }
                if (n.hasNonNull("reason")) {
                    ev.put("diagnosticCode", n.get("reason").asText());
                }
                return new Parsed(n.path("email").asText(null), listKind.kind, null,
                        n.hasNonNull("created") ? n.get("created").asText() : null, ev);
            });
            case mailgun -> new JsonRows(in, "items", n -> {
                Map<String, String> ev = new LinkedHashMap<>();
                if (n.hasNonNull("code")) {
                    ev.put("code", n.get("code").asText());
                }
                if (n.hasNonNull("error") && !n.get("error").asText().isEmpty()) {
                    ev.put("error", n.get("error").asText());
                }
                return new Parsed(n.path("address").asText(null), listKind.kind, null, n.path("created_at").asText(null), ev);
            });
            case mailchimp -> new CsvRows(in, r -> {
                String email = r.get("Email Address");
                String unsub = r.get("UNSUB_TIME");
                String clean = r.get("CLEAN_TIME");
                Map<String, String> ev = new LinkedHashMap<>();
                if (unsub != null && !unsub.isBlank()) {
                    if (r.get("UNSUB_REASON") != null && !r.get("UNSUB_REASON").isBlank()) {
                        ev.put("note", r.get("UNSUB_REASON"));
                    }
                    return new Parsed(email, Row.Kind.UNSUBSCRIBE, null, unsub, ev);
                }
                if (clean != null && !clean.isBlank()) {
                    return new Parsed(email, Row.Kind.HARD_BOUNCE, null, clean, Map.of("mailchimp", "cleaned"));
                }
                return "neither UNSUB_TIME nor CLEAN_TIME: a subscribed member is not a suppression (import the "
                        + "unsubscribed and cleaned exports)";
            });
            case csv -> new CsvRows(in, r -> {
                String email = first(r, "email");
                String reason = first(r, "reason");
                String topic = first(r, "topic");
                ListKind kind = reason == null || reason.isBlank() ? (listKind == null ? ListKind.UNSUBSCRIBE : listKind)
                        : ListKind.parse(reason);
                if (kind == null) {
                    return "reason '" + reason + "' is not " + ReasonNames.ACCEPTED;
                }
                if (topic != null && !topic.isBlank()) {
                    if (kind != ListKind.UNSUBSCRIBE) {
                        return "a topic goes only with reason unsubscribe";
                    }
                    String unknown = topics.unknown(topic.strip());
                    if (unknown != null) {
                        return unknown;
                    }
                    return new Parsed(email, Row.Kind.TOPIC_UNSUBSCRIBE, topic.strip(), first(r, "at"), Map.of());
                }
                return new Parsed(email, kind.kind, null, first(r, "at"), Map.of());
            });
        };
    }

    private static String first(Map<String, String> row, String column) {
        for (Map.Entry<String, String> e : row.entrySet()) {
            if (e.getKey().strip().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Answers why a topic id is not in the catalog, or {@code null}. */
    public interface TopicCheck {
        String unknown(String topic);
    }

    /** What a format makes of one record, before the address and time are checked. */
    record Parsed(String email, Row.Kind kind, String topic, String at, Map<String, String> evidence) {
    }

    /** A record mapper answers a {@link Parsed} or a String saying why the record is invalid. */
    interface Mapper<T> {
        Object map(T record);
    }

    /** Rows one at a time, so files of any size stream. */
    public interface RowReader extends AutoCloseable {
        /** The next row, or {@code null} at the end. */
        Row next() throws IOException;

        @Override
        void close() throws IOException;
    }

    static Row toRow(int position, int line, String place, Object mapped) {
        if (mapped instanceof String why) {
            return Row.invalid(position, line, place, null, why);
        }
        Parsed p = (Parsed) mapped;
        if (p.email() == null || p.email().isBlank()) {
            return Row.invalid(position, line, place, null, "no address");
        }
        java.time.Instant at = null;
        if (p.at() != null && !p.at().isBlank()) {
            at = Times.parse(p.at());
            if (at == null) {
                return Row.invalid(position, line, place, p.email(), "time '" + p.at() + "' is not a date or time this tool reads");
            }
        }
        return new Row(position, line, place, p.email(), p.kind(), p.topic(), at, p.evidence(), null);
    }

    /** The objects of one array (the root, or a field of the root object), streamed with their positions. */
    private static final class JsonRows implements RowReader {
        private final JsonParser parser;
        private final Mapper<JsonNode> mapper;
        private boolean inArray;
        private int position;

        JsonRows(InputStream in, String arrayField, Mapper<JsonNode> mapper) throws IOException {
            this.parser = Json.MAPPER.getFactory().createParser(in);
            this.mapper = mapper;
            JsonToken first = parser.nextToken();
            if (arrayField == null) {
                if (first != JsonToken.START_ARRAY) {
                    throw new IOException("expected a JSON array of objects");
                }
                inArray = true;
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("expected a JSON object with \"" + arrayField + "\"");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(arrayField) && value == JsonToken.START_ARRAY) {
                    inArray = true;
                    return;
                }
                parser.skipChildren();
            }
            throw new IOException("no \"" + arrayField + "\" array in the file");
        }

        @Override
        public Row next() throws IOException {
            if (!inArray) {
                return null;
            }
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_ARRAY || t == null) {
                inArray = false;
                return null;
            }
            int line = parser.currentTokenLocation().getLineNr();
            position++;
            String place = "row " + position + " (line " + line + ")";
            if (t != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return Row.invalid(position, line, place, null, "not an object");
            }
            JsonNode node = parser.readValueAsTree();
            return toRow(position, line, place, mapper.map(node));
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** CSV records keyed by the header row. */
    private static final class CsvRows implements RowReader {
        private final Reader reader;
        private final Csv csv;
        private final List<String> header;
        private final Mapper<Map<String, String>> mapper;
        private int position;

        CsvRows(InputStream in, Mapper<Map<String, String>> mapper) throws IOException {
            this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            this.csv = new Csv(reader);
            this.mapper = mapper;
            List<String> h = csv.next();
            if (h == null) {
                throw new IOException("the file is empty (a header row is needed)");
            }
            List<String> names = new ArrayList<>();
            for (String s : h) {
                names.add(s.replace("\uFEFF", "").strip());
            }
            this.header = names;
        }

        @Override
        public Row next() throws IOException {
            List<String> fields = csv.next();
            if (fields == null) {
                return null;
            }
            int line = csv.recordLine();
            position++;
            String place = "line " + line;
            if (fields.size() > header.size()) {
                return Row.invalid(position, line, place, null, fields.size() + " fields, but the header names " + header.size());
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.size(); i++) {
                // export's spreadsheet-safe cells ('=...) read back as they were stored
                row.put(header.get(i), Csv.restore(fields.get(i)));
            }
            return toRow(position, line, place, mapper.map(row));
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
