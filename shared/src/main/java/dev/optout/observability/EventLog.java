package dev.optout.observability;

import dev.optout.json.LightJson;
import dev.optout.snapstart.DryRun;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON line per event on stdout, which Lambda ships to CloudWatch Logs. Lines may carry
 * CloudWatch metrics in Embedded Metric Format (namespace {@code optout}, dimension
 * {@code Function}). Never log an address in clear: log its key or its masked form.
 */
public final class EventLog {
    public static final String NAMESPACE = "optout";

    private final String function;
    private final PrintStream out;
    private final Clock clock;

    public EventLog(String function, PrintStream out, Clock clock) {
        this.function = function;
        this.out = out;
        this.clock = clock;
    }

    public static EventLog stdout(String function) {
        return new EventLog(function, System.out, Clock.systemUTC());
    }

    /** A log line: {@code {"level":..,"event":..,"function":..,"requestId":..,...fields}}. */
    public void info(String requestId, String event, Map<String, ?> fields) {
        write("INFO", requestId, event, fields, Map.of(), Map.of());
    }

    public void warn(String requestId, String event, Map<String, ?> fields) {
        write("WARN", requestId, event, fields, Map.of(), Map.of());
    }

    public void error(String requestId, String event, Map<String, ?> fields) {
        write("ERROR", requestId, event, fields, Map.of(), Map.of());
    }

    /**
     * A log line that is also an EMF record: each entry of {@code counts} becomes a metric (unit
     * Count) under dimension Function, plus one extra dimension per entry of {@code dimensions}.
     */
    public void metrics(String requestId, String event, Map<String, ?> fields, Map<String, ? extends Number> counts,
                        Map<String, String> dimensions) {
        write("INFO", requestId, event, fields, counts, dimensions);
    }

    /** {@link #metrics} at level ERROR: a handled failure that is also counted (and alarmed on). */
    public void errorMetrics(String requestId, String event, Map<String, ?> fields, Map<String, ? extends Number> counts,
                             Map<String, String> dimensions) {
        write("ERROR", requestId, event, fields, counts, dimensions);
    }

    /** {@link #metrics} at level WARN. */
    public void warnMetrics(String requestId, String event, Map<String, ?> fields, Map<String, ? extends Number> counts,
                            Map<String, String> dimensions) {
        write("WARN", requestId, event, fields, counts, dimensions);
    }

    /**
     * SnapStart priming: runs the JSON and metrics code of a log line once, in a {@link DryRun}, so
     * that nothing reaches the logs or the metrics; then writes the same lines to a discarding
     * stream, so that printing a line (the character encoding of {@link PrintStream}) is warm too.
     */
    public static void prime(String function) {
        EventLog log = stdout(function);
        DryRun.run(() -> {
            primingLines(log);
            return null;
        });
        primingLines(new EventLog(function, new PrintStream(java.io.OutputStream.nullOutputStream(), true,
                java.nio.charset.StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private static void primingLines(EventLog log) {
        log.info("snapstart-priming", "snapstart-priming", Map.of("addressKey", "priming", "count", 1));
        log.metrics("snapstart-priming", "snapstart-priming", Map.of("source", "priming"), Map.of(Metrics.PRIMING, 1),
                Map.of("Source", "priming"));
    }

    private void write(String level, String requestId, String event, Map<String, ?> fields,
                       Map<String, ? extends Number> counts, Map<String, String> dimensions) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level);
        line.put("event", event);
        line.put("function", function);
        if (requestId != null) {
            line.put("requestId", requestId);
        }
        line.putAll(fields);
        if (!counts.isEmpty()) {
            List<String> dims = new ArrayList<>();
            dims.add("Function");
            dims.addAll(dimensions.keySet());
            List<Map<String, String>> metrics = new ArrayList<>();
            counts.keySet().forEach(name -> metrics.add(Map.of("Name", name, "Unit", "Count")));
            line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics",
                    List.of(Map.of("Namespace", NAMESPACE, "Dimensions", List.of(dims), "Metrics", metrics))));
            line.put("Function", function);
            line.putAll(dimensions);
            line.putAll(counts);
        }
        try {
            String json = LightJson.write(line);
            if (!DryRun.active()) { // priming: the line is built (that is the code being primed), never written
                out.println(json);
            }
        } catch (RuntimeException e) {
            out.println("{\"level\":\"ERROR\",\"event\":\"log-serialization-failed\"}");
        }
    }
}
