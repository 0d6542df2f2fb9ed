package dev.optout.function.pending;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.address.AddressKeys;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.lambda.SqsEventJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import java.time.Instant;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChangeApplier;
import dev.optout.pending.PendingDeadLetters;
import dev.optout.topic.UnknownTopicException;
import software.amazon.awssdk.core.exception.SdkException;
import dev.optout.preferences.PreferenceException;
import dev.optout.suppression.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PendingChangesFunction: applies the opt-outs that the unsubscribe and preference functions
 * could not write to the table at once (template.yaml {@code PendingChangesQueue}), with the
 * rules of the path they came from ({@link PendingChangeApplier}), their original time and
 * source, and at most once per change id.
 *
 * <p>Triggered by SQS with {@code ReportBatchItemFailures}: a record the table still cannot take
 * is reported as a batch item failure (SQS retries it after the visibility timeout, then moves it
 * to the dead-letter queue, which is alarmed on). A record that can never apply (unreadable, or a
 * topic not in the catalog, whatever its source) is copied to the dead-letter queue at once
 * ({@link PendingDeadLetters}: the redrive policy would first retry it 240 times) and logged with
 * its message id and why, never the address; if that copy fails it is reported as failed and kept.
 * The rest of the batch is deleted.
 */
public final class PendingChangesHandler implements RequestStreamHandler {
    private final PendingChangeApplier applier;
    private final AddressKeys addressKeys;
    private final EventLog log;
    private final PendingDeadLetters deadLetters;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public PendingChangesHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME and the address-hash key. */
    public PendingChangesHandler(Wiring w) {
        // seals and opens no links: the address-hash key is its only secret
        this(new PendingChangeApplier(w.withoutLinkKeys().store(), w.topics()), w.addressKeys(), EventLog.stdout(Metrics.PENDING_CHANGES),
                w.pendingDeadLetters());
        SuppressionStore store = w.store();
        this.snapStartHooks = w.snapStartHooks(() -> prime(store));
    }

    /**
     * SnapStart priming, writing nothing and logging nothing: a batch of one queued opt-out of the
     * reserved {@link Priming#ADDRESS} goes through the whole handler, from the SQS event's JSON to
     * the batch answer, in a {@link DryRun}: the state is read, the transaction that would apply it
     * is built and signed and stopped before it is sent, so the record is answered as failed (as in
     * an outage). The restore hook renews the random sources the history ids come from and re-reads the key.
     */
    private void prime(SuppressionStore store) {
        PendingChange sample = new PendingChange("snapstart-priming", Priming.ADDRESS,
                Provenance.of(Source.ONE_CLICK, Instant.parse("2026-01-01T00:00:00Z")), true, List.of());
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("snapstart-priming");
        message.setBody(sample.toJson());
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(message));
        SQSBatchResponse answer = DryRun.run(() -> SqsEventJson.invoke(this, batch, null));
        Priming.expect(answer.getBatchItemFailures().size() == 1, "the primed batch was not answered as one stopped record");
        addressKeys.keyOf(Priming.ADDRESS);
        store.read(Priming.ADDRESS);
    }

    /** Without a dead-letter queue: a change that can never apply is left to the redrive policy. */
    public PendingChangesHandler(PendingChangeApplier applier, AddressKeys addressKeys, EventLog log) {
        this(applier, addressKeys, log, PendingDeadLetters.NONE);
    }

    /** @param deadLetters where a change that can never apply goes at once */
    public PendingChangesHandler(PendingChangeApplier applier, AddressKeys addressKeys, EventLog log, PendingDeadLetters deadLetters) {
        this.applier = applier;
        this.addressKeys = addressKeys;
        this.log = log;
        this.deadLetters = deadLetters;
    }

    /** Lambda's entry point: the event read and the answer written by {@link SqsEventJson} (no POJO serialization). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsEventJson.write(handleRequest(SqsEventJson.read(input), context), output);
    }

    /** One batch as an event object (tests, and the stream entry point above). */
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        int applied = 0;
        int storeFailures = 0;
        int deadLettered = 0;
        for (SQSEvent.SQSMessage m : records) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("messageId", m.getMessageId());
            try {
                PendingChange change = PendingChange.fromJson(m.getBody());
                fields.put("changeId", change.id());
                fields.put("addressKey", addressKeys.keyOf(change.address()));
                fields.put("source", change.provenance().source().name());
                fields.put("at", change.provenance().at().toString());
                PendingChangeApplier.Result result = applier.apply(change);
                fields.put("result", result.name());
                log.info(requestId, "pending-change-applied", fields);
                applied++;
            } catch (StoreUnavailableException e) {
                storeFailures++;
                fields.put("error", String.valueOf(e.getMessage()));
                log.error(requestId, "pending-change-failed", fields);
                failures.add(failure(m));
            } catch (IllegalArgumentException | UnknownTopicException | PreferenceException e) {
                fields.put("error", String.valueOf(e.getMessage()));
                if (deadLetter(m, e, fields, requestId)) {
                    deadLettered++;
                } else {
                    failures.add(failure(m));
                }
            }
        }
        log.metrics(requestId, "pending-changes-batch", Map.of("records", records.size()),
                Map.of(Metrics.PENDING_CHANGES_APPLIED, applied, Metrics.PENDING_CHANGES_FAILED, failures.size(),
                        Metrics.STORE_FAILURES, storeFailures, Metrics.PENDING_CHANGES_DEAD_LETTERED, deadLettered), Map.of());
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /**
     * A change that can never apply: copied to the dead-letter queue, so that SQS may delete it now
     * rather than receive it 240 times first. Answers whether it was copied (else it stays, failed).
     */
    private boolean deadLetter(SQSEvent.SQSMessage m, RuntimeException refusal, Map<String, Object> fields, String requestId) {
        if (!deadLetters.enabled()) {
            fields.put("deadLetter", "left to the redrive policy (no PENDING_CHANGES_DEAD_LETTER_QUEUE_URL)");
            log.error(requestId, "pending-change-rejected", fields);
            return false;
        }
        try {
            deadLetters.send(m.getBody(), m.getMessageId(), refusal.getClass().getSimpleName() + ": " + refusal.getMessage());
            fields.put("deadLetter", "moved to the dead-letter queue at once (it can never apply)");
            log.error(requestId, "pending-change-rejected", fields);
            return true;
        } catch (SdkException e) {
            fields.put("deadLetter", "could not be copied to the dead-letter queue (" + e.getMessage() + "): left in the queue");
            log.error(requestId, "pending-change-rejected", fields);
            return false;
        }
    }

    private static SQSBatchResponse.BatchItemFailure failure(SQSEvent.SQSMessage m) {
        return SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build();
    }
}
