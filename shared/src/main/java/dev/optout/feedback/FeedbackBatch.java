package dev.optout.feedback;

import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.CampaignStatus;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.suppression.Action;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.StoreUnavailableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * One batch of SES feedback messages (as SQS delivers them), processed to the end: each record on
 * its own (the records of a batch in parallel), then the campaign guard's counters once per
 * campaign, then the batch's metrics. Answers the records that failed, for SQS's partial batch
 * response; the handler only reads the event and writes that answer.
 *
 * <p>A record is first shown to come from the SES events topic ({@link FeedbackReader}); one that
 * is not ({@code feedback-unauthentic}), is not feedback a rule can act on ({@code feedback-rejected})
 * or whose write failed ({@code feedback-failed}) is reported as failed, so that SQS makes it visible
 * again and, after the redrive count, moves it to the dead-letter queue: nothing goes silently away.
 * Recipients that are not addresses are skipped, logged by position (never the address) and counted
 * while the others are applied. SNS control messages and SES's destination test message are
 * acknowledged and logged. When the guard's counters for a campaign cannot be written, the records
 * that counted for it are reported as failed too and come back (their table changes are idempotent).
 */
public final class FeedbackBatch {
    /** Records processed at once: the SQS batch size the template uses. */
    public static final int DEFAULT_PARALLELISM = 10;

    /** One SQS record: its id (for the partial batch response) and its body. */
    public record Message(String messageId, String body) {
    }

    private final FeedbackReader reader;
    private final FeedbackProcessor processor;
    private final CampaignGuard guard;
    private final EventLog log;
    private final ExecutorService executor;

    /**
     * @param guard       the campaign guard whose counters each batch adds to; {@code null}: none
     * @param parallelism records of one batch processed at once (1: one after the other)
     */
    public FeedbackBatch(FeedbackReader reader, FeedbackProcessor processor, CampaignGuard guard, EventLog log, int parallelism) {
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

    /** Processes the batch; answers the ids of the records to report as failed. */
    public List<String> process(List<Message> records, String requestId) {
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
        List<String> failures = new ArrayList<>();
        Map<String, Integer> suppressions = new LinkedHashMap<>();
        int unauthentic = 0;
        int rejectedRecipients = 0;
        int senderRejections = 0;
        for (Result r : results) {
            if (r.failed || r.campaign != null && guardFailures.containsKey(r.campaign)) {
                failures.add(r.messageId);
            }
            unauthentic += r.unauthentic ? 1 : 0;
            rejectedRecipients += r.rejectedRecipients;
            senderRejections += r.senderRejections;
            r.suppressions.forEach((reason, n) -> suppressions.merge(reason, n, Integer::sum));
        }
        log.metrics(requestId, "feedback-batch", Map.of("records", records.size()),
                Map.of(Metrics.FEEDBACK_MESSAGES_PROCESSED, records.size() - failures.size(), Metrics.FEEDBACK_MESSAGES_FAILED, failures.size(),
                        Metrics.FEEDBACK_MESSAGES_UNAUTHENTIC, unauthentic,
                        Metrics.FEEDBACK_RECIPIENTS_REJECTED, rejectedRecipients), Map.of());
        if (senderRejections > 0) {
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
        return failures;
    }

    /**
     * SnapStart priming: runs one event through the processor on the worker pool (starting its
     * threads), so that the pool, the rules and whatever the processor reaches are loaded before
     * the snapshot. The caller runs this inside a dry run; a store failure there is expected.
     */
    public void prime(SesEvent event) {
        if (executor instanceof ThreadPoolExecutor pool) {
            pool.prestartAllCoreThreads();
        }
        try {
            if (executor == null) {
                processor.process(event);
            } else {
                executor.submit(() -> processor.process(event)).get();
            }
        } catch (ExecutionException | StoreUnavailableException expected) {
            // the transaction was built and stopped before it was sent
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                paused.ifPresent(st -> logPause(requestId, campaign, st));
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

    private void logPause(String requestId, String campaign, CampaignStatus st) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("campaign", campaign);
        fields.put("reason", st.pauseReason());
        fields.put("sends", st.judged().sends());
        fields.put("bounces", st.judged().bounces());
        fields.put("complaints", st.judged().complaints());
        log.metrics(requestId, "campaign-paused", fields, Map.of(Metrics.CAMPAIGNS_PAUSED, 1), Map.of());
        log.metrics(requestId, "campaign-paused-detail", Map.of(), Map.of(Metrics.CAMPAIGNS_PAUSED, 1),
                Map.of("Campaign", campaign, "Reason", st.pauseReason()));
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

    private Result await(Future<Result> future, Message message, String requestId) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return failed(message, requestId, "feedback-failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(message, requestId, "feedback-failed", e);
        }
    }

    private Result handle(Message message, String requestId) {
        FeedbackMessage parsed;
        try {
            parsed = reader.read(message.body());
        } catch (UnauthenticFeedbackException e) {
            return failed(message, requestId, "feedback-unauthentic", e);
        } catch (InvalidFeedbackException e) {
            return failed(message, requestId, "feedback-rejected", e);
        }
        if (parsed instanceof ControlMessage control) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("messageId", message.messageId());
            fields.put("kind", control.kind().name());
            putIfPresent(fields, "topicArn", control.topicArn());
            putIfPresent(fields, "snsMessageId", control.snsMessageId());
            log.info(requestId, "feedback-control-message", fields);
            return Result.ok(message.messageId());
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
        log.info(requestId, "feedback-processed", processedFields(message, event, outcome));
        Optional<CampaignTally.Share> share = CampaignTally.of(event);
        return new Result(message.messageId(), false, false, event.rejectedRecipients().size(), suppressions(outcome),
                senderRejections(outcome), outcome.sentWhileSuppressed(), share.map(CampaignTally.Share::campaign).orElse(null),
                share.map(CampaignTally.Share::counts).orElse(null));
    }

    /** What one processed record did, for its log line: keys and actions, never an address. */
    private static Map<String, Object> processedFields(Message message, SesEvent event, FeedbackOutcome outcome) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.messageId());
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
        return fields;
    }

    /** Recipients skipped as not addresses: by position and reason, never the address. */
    private void logRejectedRecipients(Message message, String requestId, SesEvent event) {
        if (event.rejectedRecipients().isEmpty()) {
            return;
        }
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (RejectedRecipient r : event.rejectedRecipients()) {
            rejected.add(Map.of("field", r.field(), "index", r.index(), "reason", r.reason()));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.messageId());
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
            }
        }
        return counts;
    }

    /** Sender rejections recorded: not suppressions, counted apart (the receivers refused the sender). */
    private static int senderRejections(FeedbackOutcome outcome) {
        return (int) outcome.effects().stream()
                .filter(e -> e.action() == Action.SENDER_REJECTION && e.result() == ApplyResult.APPLIED)
                .count();
    }

    private Result failed(Message message, String requestId, String event, Throwable error) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("messageId", message.messageId());
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
        return new Result(message.messageId(), true, unauthentic, 0, Map.of(), 0, List.of(), null, null);
    }

    private static void putIfPresent(Map<String, Object> fields, String name, Object value) {
        if (value != null) {
            fields.put(name, value);
        }
    }

    /**
     * @param unauthentic        refused as not from the SES events topic
     * @param rejectedRecipients recipients skipped as not addresses
     * @param suppressions       new suppressions by the reason the check will give
     * @param senderRejections   sender rejections recorded
     * @param findings           sends to blocked addresses found in this record
     * @param campaign           the campaign this record counts for (guard), or null
     */
    private record Result(String messageId, boolean failed, boolean unauthentic, int rejectedRecipients,
                          Map<String, Integer> suppressions, int senderRejections, List<SendAudit.Finding> findings,
                          String campaign, CampaignCounts counts) {
        static Result ok(String messageId) {
            return new Result(messageId, false, false, 0, Map.of(), 0, List.of(), null, null);
        }
    }
}
