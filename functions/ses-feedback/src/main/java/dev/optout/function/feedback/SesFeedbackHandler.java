package dev.optout.function.feedback;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.config.Settings;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackBatch;
import dev.optout.feedback.FeedbackMessage;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.InvalidFeedbackException;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SesEvent;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.lambda.SqsEventJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.SuppressionStore;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * SesFeedbackFunction: SES events (configuration set -> SNS -> SQS) into the suppression table.
 *
 * <p>Triggered by SQS with {@code ReportBatchItemFailures}. This class only wires, reads the
 * event and writes the partial batch answer; what a batch does (authenticity, the rules, the
 * campaign guard's counters, the metrics, which records fail and why) is {@link FeedbackBatch},
 * and the rules themselves are {@link FeedbackProcessor}.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} processes a sample bounce notification about a
 * reserved address ({@code priming-notification.json}) in a dry run (its suppression is built and
 * never sent); after each restore the key is re-read and the random sources renewed ({@link Wiring}).
 */
public final class SesFeedbackHandler implements RequestStreamHandler {
    /** Records processed at once: the SQS batch size the template uses. */
    public static final int DEFAULT_PARALLELISM = FeedbackBatch.DEFAULT_PARALLELISM;

    /** A permanent bounce of {@link Priming#ADDRESS} as SES publishes it through SNS: priming input only. */
    static final String PRIMING_NOTIFICATION = Priming.input(SesFeedbackHandler.class, "priming-notification.json");

    private final FeedbackBatch batch;
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
        this.batch = new FeedbackBatch(reader, processor, guard, log, parallelism);
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
        List<String> failed = batch.process(records.stream()
                .map(m -> new FeedbackBatch.Message(m.getMessageId(), m.getBody())).toList(), requestId);
        return SQSBatchResponse.builder().withBatchItemFailures(failed.stream()
                .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build()).toList()).build();
    }

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
        SQSEvent sampleBatch = new SQSEvent();
        sampleBatch.setRecords(List.of(sample));
        FeedbackMessage parsed;
        try {
            SQSEvent read = SqsEventJson.read(new ByteArrayInputStream(SqsEventJson.toJson(sampleBatch)));
            Priming.expect(PRIMING_NOTIFICATION.equals(read.getRecords().get(0).getBody()), "the sample SQS event did not read back");
            SqsEventJson.write(SQSBatchResponse.builder().withBatchItemFailures(List.of()).build(), OutputStream.nullOutputStream());
            parsed = SesFeedbackParser.parse(PRIMING_NOTIFICATION);
        } catch (IOException | InvalidFeedbackException e) {
            throw new IllegalStateException("SnapStart priming failed: " + e.getMessage(), e);
        }
        Priming.expect(parsed instanceof SesEvent, "the sample notification is not an SES event");
        store.read(Priming.ADDRESS);
        DryRun.run(() -> {
            batch.prime((SesEvent) parsed);
            return null; // the transaction was built and stopped before it was sent
        });
        EventLog.prime(Metrics.SES_FEEDBACK);
    }
}
