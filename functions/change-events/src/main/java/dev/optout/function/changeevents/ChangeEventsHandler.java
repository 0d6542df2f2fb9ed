package dev.optout.function.changeevents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.config.Settings;
import dev.optout.events.AddressDirectory;
import dev.optout.lambda.StreamEventJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.TableLayout;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * ChangeEventsFunction: the table's stream (new images) to change events on the EventBridge bus
 * ({@link StreamPublisher}). Triggered by the stream's event source mapping with
 * {@code ReportBatchItemFailures}: the answer names the first record not published, Lambda
 * retries from it, bisects the batch, and after the mapping's retries sends the record's stream
 * coordinates to the dead-letter queue (alarmed on). No secret: the address, when events carry
 * it, is read from the state item; {@code CHANGE_EVENTS_HASH_ONLY=true} leaves it out.
 */
public final class ChangeEventsHandler implements RequestStreamHandler {
    private final StreamPublisher publisher;
    private final EventLog log;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public ChangeEventsHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME and EVENT_BUS_NAME; CHANGE_EVENTS_HASH_ONLY is optional (false). */
    public ChangeEventsHandler(Wiring w) {
        this(w, w.aws().configure(EventBridgeClient.builder()).build());
    }

    private ChangeEventsHandler(Wiring w, EventBridgeClient client) {
        this(publisher(w, client, new EventBusPublisher.Retries(4, 100)), EventLog.stdout(Metrics.CHANGE_EVENTS));
        // the same client, tried once: priming waits for no retry
        StreamPublisher once = publisher(w, client, new EventBusPublisher.Retries(1, 0));
        this.snapStartHooks = w.snapStartHooks(() -> prime(once));
    }

    private static StreamPublisher publisher(Wiring w, EventBridgeClient client, EventBusPublisher.Retries retries) {
        Settings s = w.settings();
        return new StreamPublisher(new AddressDirectory(w.dynamoDb(), w.tableName()), s.flag(Settings.CHANGE_EVENTS_HASH_ONLY, false),
                new EventBusPublisher(client, s.required(Settings.EVENT_BUS_NAME), retries));
    }

    public ChangeEventsHandler(StreamPublisher publisher, EventLog log) {
        this.publisher = publisher;
        this.log = log;
    }

    /**
     * SnapStart priming, publishing nothing: a history record of the reserved priming address goes
     * from the stream event's JSON through the address read (a read: it runs) to a PutEvents call
     * that the {@link DryRun} stops after it was built and signed; answered as a failed record.
     */
    private static void prime(StreamPublisher once) {
        Map<String, AttributeValue> item = Map.of(TableLayout.PK, AttributeValue.fromS(TableLayout.ADDRESS_PREFIX + "snapstart-priming"),
                TableLayout.SK, AttributeValue.fromS(TableLayout.HISTORY_PREFIX + "2026-01-01T00:00:00.000Z#priming"),
                "action", AttributeValue.fromS("UNSUBSCRIBE_ALL"), "at", AttributeValue.fromS("2026-01-01T00:00:00Z"),
                "src", AttributeValue.fromS("ONE_CLICK"));
        byte[] event = StreamEventJson.toJson(List.of(new StreamEventJson.Record("INSERT", "1", Instant.EPOCH, item)));
        StreamPublisher.Outcome outcome = DryRun.run(() -> {
            try {
                return once.publish(StreamEventJson.read(new ByteArrayInputStream(event)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Priming.expect("1".equals(outcome.failedSequence()), "the primed record was not answered as stopped");
        EventLog.prime(Metrics.CHANGE_EVENTS);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<StreamEventJson.Record> records = StreamEventJson.read(input);
        StreamPublisher.Outcome outcome = publisher.publish(records);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("records", records.size());
        fields.put("skipped", outcome.skipped());
        if (outcome.failedSequence() != null) {
            fields.put("failedSequenceNumber", outcome.failedSequence());
            fields.put("error", outcome.error());
            log.errorMetrics(requestId, "change-events-failed", fields,
                    Map.of(Metrics.CHANGE_EVENTS_PUBLISHED, outcome.published(), Metrics.CHANGE_EVENTS_FAILED, 1), Map.of());
        } else {
            log.metrics(requestId, "change-events-published", fields, Map.of(Metrics.CHANGE_EVENTS_PUBLISHED, outcome.published()), Map.of());
        }
        StreamEventJson.writeResponse(outcome.failedSequence() == null ? List.of() : List.of(outcome.failedSequence()), output);
    }
}
