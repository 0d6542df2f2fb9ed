package dev.optout.function.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.CampaignStatus;
import dev.optout.campaign.GuardThresholds;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.feedback.CampaignTally;
import dev.optout.feedback.ControlMessage;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackMessage;
import dev.optout.feedback.FeedbackOutcome;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.InvalidFeedbackException;
import dev.optout.feedback.MirrorUnavailableException;
import dev.optout.feedback.SesEvent;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.RejectedRecipient;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.feedback.UnauthenticFeedbackException;
import dev.optout.lambda.SqsEventJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Action;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * SesFeedbackFunction: SES events (configuration set -> SNS -> SQS) into the suppression table.
 *
 * <p>Triggered by SQS with {@code ReportBatchItemFailures}. Each record is processed on its own
 * (the records of a batch in parallel). First its authenticity ({@link FeedbackReader}): an SNS
 * envelope from another topic or without a valid signature, or a raw body where raw delivery is
 * off, is refused ({@code feedback-unauthentic}, metric {@code FeedbackMessagesUnauthentic}),
 * applied to nothing, and reported as failed so that it ends in the dead-letter queue for an
 * operator to see rather than vanishing. A record that is not JSON, not from SES, or missing what
 * a rule needs, and a record whose write failed, is reported in {@code batchItemFailures} and
 * logged with its message id and why; SQS makes it visible again and, after the redrive count,
 * moves it to the dead-letter queue. Recipients that are not addresses are skipped, logged and
 * counted ({@code FeedbackRecipientsRejected}) while the others are applied. The rest of the batch
 * is deleted. SNS control messages and SES's destination test message are acknowledged and logged.
 *
 * <p>The rules live in {@link FeedbackProcessor}; this class only reads, dispatches and reports.
 * Send and Delivery events are audited for mail sent to a blocked address ({@link SendAudit}, metric
 * {@code SentWhileSuppressed}). After the batch, each campaign's sends, hard bounces and complaints
 * are added to the campaign guard's counters, once per campaign per batch ({@link CampaignGuard});
 * if that write fails, the records that counted for that campaign are reported as failures too and
 * come back (their table changes are idempotent).
 *
 * <p>SnapStart: before the snapshot, {@link #prime} processes a sample bounce notification about a
 * reserved address in a dry run (its suppression is built and never sent); after each restore the key is
 * re-read and the random sources renewed ({@link Wiring}).
 */
public final class SesFeedbackHandler implements RequestStreamHandler {
    /** The key under which a batch counts its sender rejections beside its suppressions. */
    private static final String SENDER_REJECTION = "SENDER_REJECTION";

    /** Records processed at once: the SQS batch size the template uses. */
    public static final int DEFAULT_PARALLELISM = 10;

    private final FeedbackReader reader;
    private final FeedbackProcessor processor;
    private final CampaignGuard guard;
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
        this(FeedbackAuthenticity.from(wiring.settings()), processor(wiring), new CampaignGuard(wiring.dynamoDb(),
                wiring.tableName(), GuardThresholds.from(wiring.settings()), wiring.clock()), EventLog.stdout(Metrics.SES_FEEDBACK));
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
     * SnapStart priming, writing nothing and logging nothing: the SQS event's JSON is read and the
     * answer written; {@link #PRIMING_NOTIFICATION} is parsed, and processed on the worker pool in a
     * {@link DryRun}, so that the bounce rules, the read of its recipient's state and the building
     * and signing of the transaction that would suppress it all run, and the transaction is stopped
     * before it is sent (the store then fails as it would in an outage, which is expected here).
     */
    private void prime(SuppressionStore store) {
        SQSEvent.SQSMessage sample = new SQSEvent.SQSMessage();
        sample.setMessageId("snapstart-priming");
        sample.setBody(PRIMING_NOTIFICATION);
        SQSEvent batch = new SQSEvent();
        batch.setRecords(List.of(sample));
        try {
            SQSEvent read = SqsEventJson.read(new java.io.ByteArrayInputStream(SqsEventJson.toJson(batch)));
            Priming.expect(PRIMING_NOTIFICATION.equals(read.getRecords().get(0).getBody()), "the sample SQS event did not read back");
            SqsEventJson.write(SQSBatchResponse.builder().withBatchItemFailures(List.of()).build(), OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IllegalStateException("SnapStart priming failed: " + e.getMessage(), e);
        }
        FeedbackMessage parsed;
        try {
            parsed = SesFeedbackParser.parse(PRIMING_NOTIFICATION);
        } catch (InvalidFeedbackException e) {
            throw new IllegalStateException("SnapStart priming failed: the sample notification was refused: " + e.getMessage(), e);
        }
        Priming.expect(parsed instanceof SesEvent, "the sample notification is not an SES event");
        store.read(Priming.ADDRESS);
        if (executor instanceof java.util.concurrent.ThreadPoolExecutor pool) {
            pool.prestartAllCoreThreads();
        }
        DryRun.run(() -> {
            try {
                Future<FeedbackOutcome> run = executor == null ? null : executor.submit(() -> processor.process((SesEvent) parsed));
                if (run == null) {
                    processor.process((SesEvent) parsed);
                } else {
                    run.get();
                }
                return null; // nothing to change (the reserved address already marked): nothing was sent either
            } catch (ExecutionException | StoreUnavailableException expected) {
                return null; // the transaction was built and stopped before it was sent
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        });
        EventLog.prime(Metrics.SES_FEEDBACK);
    }

    private SesFeedbackHandler(FeedbackAuthenticity authenticity, FeedbackProcessor processor, CampaignGuard guard, EventLog log) {
        this(FeedbackReader.from(authenticity), processor, guard, log, DEFAULT_PARALLELISM);
        if (!authenticity.verifySignatures()) {
            log.warn(null, "feedback-signature-verification-off", Map.of("topicArn", authenticity.topicArn(),
                    "why", "SNS_SIGNATURE_VERIFICATION=false: SNS signatures are not checked (local runs: moto does not sign); "
                            + "the topic ARN still is"));
        }
    }

    /**
     * @param reader      what is accepted as coming from the SES events topic
     * @param parallelism records of one batch processed at once (1: one after the other)
     */
    public SesFeedbackHandler(FeedbackReader reader, FeedbackProcessor processor, EventLog log, int parallelism) {
        this(reader, processor, null, log, parallelism);
    }

    /** @param guard the campaign guard whose counters each batch adds to; {@code null}: none */
    public SesFeedbackHandler(FeedbackReader reader, FeedbackProcessor processor, CampaignGuard guard, EventLog log,
                              int parallelism) {
        this.reader = reader;
        this.processor = processor;
        this.guard = guard;
        this.log = log;
        this.executor = parallelism <= 1 ? null : Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "ses-feedback-worker");
            t.setDaemon(true);
            return t;
        });
    }

    private static FeedbackProcessor processor(Wiring wiring) {
        wiring.withoutLinkKeys(); // seals and opens no links: the address-hash key is its only secret
        FeedbackRules rules = FeedbackRules.from(wiring.settings());
        SuppressionMirror mirror = rules.mirroring()
                ? new SesSuppressionMirror(wiring.aws().configure(SesV2Client.builder()).build())
                : SuppressionMirror.NONE;
        return new FeedbackProcessor(wiring.store(), wiring.topics(), rules, mirror,
                new SendAudit(wiring.store(), wiring.topics(), wiring.expiryPolicy()));
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
        Map<String, Integer> guardFailures = countCampaigns(results, requestId);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        Map<String, Integer> suppressions = new LinkedHashMap<>();
        int failed = 0;
        int unauthentic = 0;
        int rejectedRecipients = 0;
        for (Result r : results) {
            if (r.failed || r.campaign != null && guardFailures.containsKey(r.campaign)) {
                failed++;
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(r.messageId).build());
            }
            unauthentic += r.unauthentic ? 1 : 0;
            rejectedRecipients += r.rejectedRecipients;
            r.suppressions.forEach((reason, n) -> suppressions.merge(reason, n, Integer::sum));
        }
        log.metrics(requestId, "feedback-batch", Map.of("records", records.size()),
                Map.of("FeedbackMessagesProcessed", records.size() - failed, Metrics.FEEDBACK_MESSAGES_FAILED, failed,
                        Metrics.FEEDBACK_MESSAGES_UNAUTHENTIC, unauthentic,
                        Metrics.FEEDBACK_RECIPIENTS_REJECTED, rejectedRecipients), Map.of());
        Integer senderRejections = suppressions.remove(SENDER_REJECTION);
        if (senderRejections != null) {
            // not a suppression: the receivers refused the sender (the template alarms on it)
            log.warnMetrics(requestId, "feedback-sender-rejections", Map.of(), Map.of(Metrics.SENDER_REJECTIONS, senderRejections), Map.of());
        }
        suppressions.forEach((reason, n) -> log.metrics(requestId, "feedback-suppressions", Map.of(),
                Map.of(Metrics.SUPPRESSIONS, n), Map.of("Reason", reason)));
        Integer complaints = suppressions.get(BlockReason.COMPLAINED.name());
        if (complaints != null) {
            // The template's complaints alarm watches this metric with the Function dimension alone.
            log.metrics(requestId, "feedback-complaints", Map.of(), Map.of(Metrics.COMPLAINTS, complaints), Map.of());
        }
        sentWhileSuppressedMetrics(results, requestId);
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /**
     * Adds the batch's counts to the campaign guard, one write per campaign (aggregated here so a
     * burst of events makes few writes), and reports pauses. Answers the campaigns whose counters
     * could not be written.
     */
    private Map<String, Integer> countCampaigns(List<Result> results, String requestId) {
        if (guard == null) {
            return Map.of();
        }
        Map<String, CampaignCounts> sums = new LinkedHashMap<>();
        for (Result r : results) {
            if (!r.failed && r.campaign != null) {
                sums.merge(r.campaign, r.counts, CampaignCounts::plus);
            }
        }
        Map<String, Integer> failedCampaigns = new LinkedHashMap<>();
        sums.forEach((campaign, counts) -> {
            try {
                Optional<CampaignStatus> paused = guard.record(campaign, counts);
                paused.ifPresent(st -> {
                    Map<String, Object> fields = new LinkedHashMap<>();
                    fields.put("campaign", campaign);
                    fields.put("reason", st.pauseReason());
                    fields.put("sends", st.judged().sends());
                    fields.put("bounces", st.judged().bounces());
                    fields.put("complaints", st.judged().complaints());
                    log.metrics(requestId, "campaign-paused", fields, Map.of(Metrics.CAMPAIGNS_PAUSED, 1), Map.of());
                    log.metrics(requestId, "campaign-paused-detail", Map.of(), Map.of(Metrics.CAMPAIGNS_PAUSED, 1),
                            Map.of("Campaign", campaign, "Reason", st.pauseReason()));
                });
            } catch (RuntimeException e) {
                failedCampaigns.put(campaign, 1);
                log.error(requestId, "campaign-counters-failed", Map.of("campaign", campaign,
                        "errorType", e.getClass().getSimpleName(), "error", String.valueOf(e.getMessage())));
            }
        });
        if (!failedCampaigns.isEmpty()) {
            log.metrics(requestId, "campaign-counters-failed", Map.of(),
                    Map.of(Metrics.CAMPAIGN_COUNTER_FAILURES, failedCampaigns.size()), Map.of());
        }
        return failedCampaigns;
    }

    /** SentWhileSuppressed: once with Function alone (the alarm), once by Reason and Campaign. */
    private void sentWhileSuppressedMetrics(List<Result> results, String requestId) {
        Map<List<String>, Integer> byReasonAndCampaign = new LinkedHashMap<>();
        int total = 0;
        for (Result r : results) {
            for (SendAudit.Finding f : r.findings) {
                if (f.result() == ApplyResult.APPLIED) {
                    total++;
                    byReasonAndCampaign.merge(List.of(f.reason().name(), f.campaign() == null ? "none" : f.campaign()),
                            1, Integer::sum);
                }
            }
        }
        if (total == 0) {
            return;
        }
        log.metrics(requestId, "sent-while-suppressed", Map.of(), Map.of(Metrics.SENT_WHILE_SUPPRESSED, total), Map.of());
        byReasonAndCampaign.forEach((k, n) -> log.metrics(requestId, "sent-while-suppressed-detail", Map.of(),
                Map.of(Metrics.SENT_WHILE_SUPPRESSED, n), Map.of("Reason", k.get(0), "Campaign", k.get(1))));
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
            parsed = reader.read(message.getBody());
        } catch (UnauthenticFeedbackException e) {
            return failed(message, requestId, "feedback-unauthentic", e);
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
            return new Result(message.getMessageId(), false, false, 0, Map.of());
        }
        SesEvent event = (SesEvent) parsed;
        logRejectedRecipients(message, requestId, event);
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
        if (!outcome.sentWhileSuppressed().isEmpty()) {
            List<Map<String, Object>> found = new ArrayList<>();
            for (SendAudit.Finding f : outcome.sentWhileSuppressed()) {
                found.add(Map.of("addressKey", f.addressKey(), "reason", f.reason().name(),
                        "blockedSince", f.blockedSince().toString(), "delaySeconds", f.delay().toSeconds(),
                        "result", f.result().name()));
            }
            fields.put("sentWhileSuppressed", found);
        }
        log.info(requestId, "feedback-processed", fields);
        Optional<CampaignTally.Share> share = CampaignTally.of(event);
        return new Result(message.getMessageId(), false, false, event.rejectedRecipients().size(), suppressions(outcome),
                outcome.sentWhileSuppressed(), share.map(CampaignTally.Share::campaign).orElse(null),
                share.map(CampaignTally.Share::counts).orElse(null));
    }

    /** Recipients skipped as not addresses: by position and reason, never the address. */
    private void logRejectedRecipients(SQSEvent.SQSMessage message, String requestId, SesEvent event) {
        if (event.rejectedRecipients().isEmpty()) {
            return;
        }
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (RejectedRecipient r : event.rejectedRecipients()) {
            rejected.add(Map.of("field", r.field(), "index", r.index(), "reason", r.reason()));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.getMessageId());
        fields.put("eventType", event.typeName());
        putIfPresent(fields, "sesMessageId", event.sesMessageId());
        fields.put("rejected", rejected);
        log.warn(requestId, "feedback-recipients-rejected", fields);
    }

    /** New suppressions by the reason the check will give. */
    private static Map<String, Integer> suppressions(FeedbackOutcome outcome) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FeedbackOutcome.Effect e : outcome.effects()) {
            BlockReason reason = BlockReason.setBy(e.action());
            if (reason != null && e.result() == ApplyResult.APPLIED) {
                counts.merge(reason.name(), 1, Integer::sum);
            } else if (e.action() == Action.SENDER_REJECTION && e.result() == ApplyResult.APPLIED) {
                counts.merge(SENDER_REJECTION, 1, Integer::sum);
            }
        }
        return counts;
    }

    private Result failed(SQSEvent.SQSMessage message, String requestId, String event, Throwable error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.getMessageId());
        fields.put("errorType", error.getClass().getSimpleName());
        fields.put("error", String.valueOf(error.getMessage()));
        // invalid, unauthentic: will fail again and reach the dead-letter queue; unavailable: should pass on a retry
        boolean unauthentic = error instanceof UnauthenticFeedbackException;
        fields.put("failure", error instanceof InvalidFeedbackException ? "invalid" : unauthentic ? "unauthentic"
                : error instanceof StoreUnavailableException || error instanceof MirrorUnavailableException ? "unavailable" : "unexpected");
        if (error instanceof InvalidFeedbackException || unauthentic) {
            log.warn(requestId, event, fields);
        } else if (error instanceof StoreUnavailableException) {
            log.errorMetrics(requestId, event, fields, Map.of(Metrics.STORE_FAILURES, 1), Map.of()); // alarmed on
        } else {
            log.error(requestId, event, fields);
        }
        return new Result(message.getMessageId(), true, unauthentic, 0, Map.of());
    }

    private static void putIfPresent(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /**
     * @param unauthentic        refused as not from the SES events topic
     * @param rejectedRecipients recipients skipped as not addresses
     * @param findings           sends to blocked addresses found in this record
     * @param campaign           the campaign this record counts for (guard), or null
     */
    private record Result(String messageId, boolean failed, boolean unauthentic, int rejectedRecipients,
                          Map<String, Integer> suppressions, List<SendAudit.Finding> findings, String campaign,
                          CampaignCounts counts) {
        Result(String messageId, boolean failed, boolean unauthentic, int rejectedRecipients, Map<String, Integer> suppressions) {
            this(messageId, failed, unauthentic, rejectedRecipients, suppressions, List.of(), null, null);
        }
    }
}
