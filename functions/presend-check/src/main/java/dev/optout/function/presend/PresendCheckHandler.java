package dev.optout.function.presend;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResponse;
import dev.optout.check.InvalidCheckRequestException;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.json.LightJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.StoreUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * PresendCheckFunction: invoked directly by marketing pipelines with
 * {@code {"topic", "campaignId", "recipients"}}; answers one result per recipient in input order.
 *
 * <p>A stream handler (not a POJO {@code RequestHandler}) so that input that is not JSON gets our
 * own precise error rather than the runtime's serializer error, and so the response is written
 * with the project's one JSON mapper.
 *
 * <p>Failures are function errors, which the pipeline sees as {@code errorType}/{@code errorMessage}:
 * {@link InvalidCheckRequestException} for a malformed request (do not retry: fix it);
 * {@link StoreUnavailableException} when any recipient's state could not be read (retry): the
 * check fails closed and never answers "allowed" for someone it could not read.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} checks one reserved address (the store is
 * read, nothing is written, the answer and its links are discarded); after each restore the keys
 * are re-read and the random sources renewed ({@link Wiring}).
 */
public final class PresendCheckHandler implements RequestStreamHandler {
    /** Kept back from the invocation's remaining time to serialize and return the answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofMillis(750);
    /** BatchGetItem requests in flight per check (the check benchmark gives its floor and loop the same). */
    public static final int READ_PARALLELISM = 8;

    private final PresendCheck check;
    private final EventLog log;
    private final Clock clock;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public PresendCheckHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /**
     * Every allowed result carries the List-Unsubscribe headers and preference link, so this needs
     * {@code LINK_KEYS_SECRET_ARN} (or {@code LINK_KEYS}) and {@code PUBLIC_BASE_URL}: a check that
     * could not give senders a working unsubscribe link refuses to start rather than answer without one.
     */
    public PresendCheckHandler(Wiring wiring) {
        this(new PresendCheck(wiring.topics(), wiring.addressKeys(),
                        wiring.batchStateReader(READ_PARALLELISM), wiring.linkHeaders(),
                        new CampaignGuard(wiring.dynamoDb(), wiring.tableName(), GuardThresholds.DEFAULTS, wiring.clock()),
                        wiring.expiryPolicy(), wiring.clock()),
                EventLog.stdout(Metrics.PRESEND_CHECK), wiring.clock());
        String topic = wiring.topics().all().get(0).id();
        this.snapStartHooks = wiring.snapStartHooks(() -> prime(topic));
    }

    public PresendCheckHandler(PresendCheck check, EventLog log, Clock clock) {
        this.check = check;
        this.log = log;
        this.clock = clock;
    }

    /**
     * SnapStart priming: the request parsing, the check of {@link Priming#ADDRESS} (a store read and
     * its link headers) and the answer's serialization, as a real invocation does them, without the
     * log line and its metrics. The answer is discarded.
     */
    private void prime(String topic) {
        String json = "{\"topic\":\"" + topic + "\",\"campaignId\":\"snapstart-priming\",\"recipients\":"
                + LightJson.write(Priming.CHECK_RECIPIENTS) + "}";
        CheckRequest request = CheckRequest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        CheckResponse response = check.check(request, Deadline.after(Duration.ofSeconds(10), clock));
        Priming.expect(response.summary().total() == Priming.CHECK_RECIPIENTS.size(),
                "the check answered " + response.summary().total() + " results for " + Priming.CHECK_RECIPIENTS.size());
        try {
            response.writeJson(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new IllegalStateException("SnapStart priming failed: the answer cannot be written", e);
        }
        EventLog.prime(Metrics.PRESEND_CHECK);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        long remainingMs = context == null ? 60_000 : context.getRemainingTimeInMillis();
        Deadline deadline = Deadline.after(Duration.ofMillis(remainingMs).minus(ANSWER_MARGIN), clock);
        CheckRequest request;
        try {
            request = CheckRequest.parse(input);
        } catch (InvalidCheckRequestException e) {
            log.warn(requestId, "check-rejected", Map.of("error", e.getMessage()));
            throw e;
        }
        CheckResponse response;
        try {
            response = check.check(request, deadline);
        } catch (InvalidCheckRequestException e) {
            log.warn(requestId, "check-rejected", Map.of("error", e.getMessage(), "topic", topic(request)));
            throw e;
        } catch (StoreUnavailableException e) {
            log.errorMetrics(requestId, "check-failed", Map.of("error", String.valueOf(e.getMessage()),
                    "topic", topic(request), "recipients", request.recipients().size()), Map.of(Metrics.STORE_FAILURES, 1), Map.of());
            throw e;
        }
        log.metrics(requestId, "check", Map.of("topic", topic(request), "purpose", request.purpose().wireName(),
                        "campaignId", request.campaignId() == null ? "" : request.campaignId()),
                Map.of(Metrics.RECIPIENTS_CHECKED, response.summary().total(), Metrics.RECIPIENTS_BLOCKED, response.summary().blocked()),
                Map.of());
        response.writeJson(output, request.fields());
    }

    /** Transactional checks may name no topic. */
    private static String topic(CheckRequest request) {
        return request.topic() == null ? "" : request.topic();
    }
}
