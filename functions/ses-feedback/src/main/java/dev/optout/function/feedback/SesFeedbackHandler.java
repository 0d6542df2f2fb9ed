package dev.optout.function.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.config.Settings;
import dev.optout.config.Wiring;
import dev.optout.feedback.ControlMessage;
import dev.optout.feedback.FeedbackMessage;
import dev.optout.feedback.FeedbackOutcome;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.InvalidFeedbackException;
import dev.optout.feedback.MirrorUnavailableException;
import dev.optout.feedback.SesEvent;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.Action;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * SesFeedbackFunction: SES events (configuration set -> SNS -> SQS) into the suppression table.
 *
 * <p>Triggered by SQS with {@code ReportBatchItemFailures}. Each record is processed on its own
 * (the records of a batch in parallel): a record that is not JSON, not from SES, or missing what
 * a rule needs, and a record whose write failed, is reported in {@code batchItemFailures} and
 * logged with its message id and why; SQS makes it visible again and, after the redrive count,
 * moves it to the dead-letter queue. The rest of the batch is deleted. SNS control messages and
 * SES's destination test message are acknowledged and logged.
 *
 * <p>The rules live in {@link FeedbackProcessor}; this class only reads, dispatches and reports.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} parses a sample bounce notification about a
 * reserved address and reads that address's state, applying nothing; after each restore the key is
 * re-read and the random sources renewed ({@link Wiring}).
 */
public final class SesFeedbackHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    /** Records processed at once: the SQS batch size the template uses. */
    public static final int DEFAULT_PARALLELISM = 10;

    private final FeedbackProcessor processor;
    private final EventLog log;
    private final ExecutorService executor;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public SesFeedbackHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    public SesFeedbackHandler(Wiring wiring) {
        this(processor(wiring), EventLog.stdout(Metrics.SES_FEEDBACK), DEFAULT_PARALLELISM);
        this.snapStartHooks = wiring.snapStartHooks(() -> prime(wiring.store()));
    }

    /** A permanent bounce of {@link Priming#ADDRESS} as SES publishes it through SNS: priming input only. */
    static final String PRIMING_NOTIFICATION = "{\"Type\":\"Notification\",\"MessageId\":\"snapstart-priming\","
            + "\"TopicArn\":\"arn:aws:sns:us-east-1:000000000000:snapstart-priming\",\"Timestamp\":\"2026-01-01T00:00:01.000Z\","
            + "\"Message\":\"{\\\"notificationType\\\":\\\"Bounce\\\",\\\"bounce\\\":{\\\"bounceType\\\":\\\"Permanent\\\","
            + "\\\"bounceSubType\\\":\\\"General\\\",\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\""
            + Priming.ADDRESS.value() + "\\\",\\\"action\\\":\\\"failed\\\",\\\"status\\\":\\\"5.1.1\\\"}],"
            + "\\\"timestamp\\\":\\\"2026-01-01T00:00:00.000Z\\\",\\\"feedbackId\\\":\\\"snapstart-priming\\\"},"
            + "\\\"mail\\\":{\\\"timestamp\\\":\\\"2026-01-01T00:00:00.000Z\\\",\\\"messageId\\\":\\\"snapstart-priming\\\","
            + "\\\"source\\\":\\\"priming@priming.invalid\\\",\\\"destination\\\":[\\\"" + Priming.ADDRESS.value() + "\\\"]}}\"}";

    /**
     * SnapStart priming: parses {@link #PRIMING_NOTIFICATION} and reads its recipient's state, as
     * the processing of a real bounce begins, but applies nothing and logs nothing.
     */
    void prime(SuppressionStore store) {
        FeedbackMessage parsed;
        try {
            parsed = SesFeedbackParser.parse(PRIMING_NOTIFICATION);
        } catch (InvalidFeedbackException e) {
            throw new IllegalStateException("SnapStart priming failed: the sample notification was refused: " + e.getMessage(), e);
        }
        Priming.expect(parsed instanceof SesEvent, "the sample notification is not an SES event");
        store.read(Priming.ADDRESS);
        Priming.primeLogging(Metrics.SES_FEEDBACK);
    }

    /** @param parallelism records of one batch processed at once (1: one after the other) */
    public SesFeedbackHandler(FeedbackProcessor processor, EventLog log, int parallelism) {
        this.processor = processor;
        this.log = log;
        this.executor = parallelism <= 1 ? null : Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "ses-feedback-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static FeedbackProcessor processor(Wiring wiring) {
        FeedbackRules rules = FeedbackRules.from(wiring.settings());
        SuppressionMirror mirror = rules.mirroring()
                ? new SesSuppressionMirror(wiring.aws().configure(SesV2Client.builder()).build())
                : SuppressionMirror.NONE;
        return new FeedbackProcessor(wiring.store(), wiring.topics(), rules, mirror);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<Result> results = new ArrayList<>(records.size());
        if (executor == null || records.size() < 2) {
            records.forEach(m -> results.add(handle(m, requestId)));
        } else {
            List<Future<Result>> futures = new ArrayList<>();
            records.forEach(m -> futures.add(executor.submit(() -> handle(m, requestId))));
            for (int i = 0; i < futures.size(); i++) {
                results.add(await(futures.get(i), records.get(i), requestId));
            }
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<String, Integer> suppressions = new LinkedHashMap<>();
        int failed = 0;
        for (Result r : results) {
            if (r.failed) {
                failed++;
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(r.messageId).build());
            }
            r.suppressions.forEach((reason, n) -> suppressions.merge(reason, n, Integer::sum));
        }
        log.metrics(requestId, "feedback-batch", Map.of("records", records.size()),
                Map.of("FeedbackMessagesProcessed", records.size() - failed, Metrics.FEEDBACK_MESSAGES_FAILED, failed), Map.of());
        suppressions.forEach((reason, n) -> log.metrics(requestId, "feedback-suppressions", Map.of(),
                Map.of(Metrics.SUPPRESSIONS, n), Map.of("Reason", reason)));
        Integer complaints = suppressions.get(BlockReason.COMPLAINED.name());
        if (complaints != null) {
            // The template's complaints alarm watches this metric with the Function dimension alone.
            log.metrics(requestId, "feedback-complaints", Map.of(), Map.of(Metrics.COMPLAINTS, complaints), Map.of());
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private Result await(Future<Result> future, SQSEvent.SQSMessage message, String requestId) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return failed(message, requestId, "feedback-failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(message, requestId, "feedback-failed", e);
        }
    }

    private Result handle(SQSEvent.SQSMessage message, String requestId) {
        FeedbackMessage parsed;
        try {
            parsed = SesFeedbackParser.parse(message.getBody());
        } catch (InvalidFeedbackException e) {
            return failed(message, requestId, "feedback-rejected", e);
        }
        if (parsed instanceof ControlMessage control) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("messageId", message.getMessageId());
            fields.put("kind", control.kind().name());
            putIfPresent(fields, "topicArn", control.topicArn());
            putIfPresent(fields, "snsMessageId", control.snsMessageId());
            log.info(requestId, "feedback-control-message", fields);
            return new Result(message.getMessageId(), false, Map.of());
        }
        SesEvent event = (SesEvent) parsed;
        FeedbackOutcome outcome;
        try {
            outcome = processor.process(event);
        } catch (InvalidFeedbackException e) {
            return failed(message, requestId, "feedback-rejected", e);
        } catch (RuntimeException e) {
            return failed(message, requestId, "feedback-failed", e);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.getMessageId());
        putIfPresent(fields, "snsMessageId", event.snsMessageId());
        fields.put("eventType", event.typeName());
        fields.put("format", event.format().name());
        putIfPresent(fields, "sesMessageId", event.sesMessageId());
        List<Map<String, Object>> effects = new ArrayList<>();
        for (FeedbackOutcome.Effect e : outcome.effects()) {
            effects.add(Map.of("addressKey", e.addressKey(), "action", e.action().name(), "result", e.result().name(),
                    "mirrored", e.mirrored()));
        }
        fields.put("effects", effects);
        if (!outcome.ignoredTopics().isEmpty()) {
            fields.put("ignoredTopics", outcome.ignoredTopics());
        }
        putIfPresent(fields, "note", outcome.note());
        log.info(requestId, "feedback-processed", fields);
        return new Result(message.getMessageId(), false, suppressions(outcome));
    }

    /** New suppressions by the reason the check will give. */
    private static Map<String, Integer> suppressions(FeedbackOutcome outcome) {
        Map<Action, String> reasons = new EnumMap<>(Action.class);
        reasons.put(Action.HARD_BOUNCE, "BOUNCED");
        reasons.put(Action.SOFT_BOUNCE_SUPPRESS, "BOUNCED");
        reasons.put(Action.COMPLAINT, "COMPLAINED");
        reasons.put(Action.UNSUBSCRIBE_ALL, "UNSUBSCRIBED_ALL");
        reasons.put(Action.UNSUBSCRIBE_TOPIC, "UNSUBSCRIBED_TOPIC");
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FeedbackOutcome.Effect e : outcome.effects()) {
            String reason = reasons.get(e.action());
            if (reason != null && e.result() == ApplyResult.APPLIED) {
                counts.merge(reason, 1, Integer::sum);
            }
        }
        return counts;
    }

    private Result failed(SQSEvent.SQSMessage message, String requestId, String event, Throwable error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.getMessageId());
        fields.put("errorType", error.getClass().getSimpleName());
        fields.put("error", String.valueOf(error.getMessage()));
        // invalid: will fail again and reach the dead-letter queue; unavailable: should pass on a retry
        fields.put("failure", error instanceof InvalidFeedbackException ? "invalid"
                : error instanceof StoreUnavailableException || error instanceof MirrorUnavailableException ? "unavailable" : "unexpected");
        if (error instanceof InvalidFeedbackException) {
            log.warn(requestId, event, fields);
        } else {
            log.error(requestId, event, fields);
        }
        return new Result(message.getMessageId(), true, Map.of());
    }

    private static void putIfPresent(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    private record Result(String messageId, boolean failed, Map<String, Integer> suppressions) {
    }
}
