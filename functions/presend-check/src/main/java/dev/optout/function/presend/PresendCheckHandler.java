package dev.optout.function.presend;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResponse;
import dev.optout.check.InvalidCheckRequestException;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.config.Wiring;
import dev.optout.json.Json;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
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
 */
public final class PresendCheckHandler implements RequestStreamHandler {
    /** Kept back from the invocation's remaining time to serialize and return the answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofMillis(750);
    /** BatchGetItem requests in flight per check (the check benchmark gives its floor and loop the same). */
    public static final int READ_PARALLELISM = 8;

    private final PresendCheck check;
    private final EventLog log;
    private final Clock clock;

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
                        new BatchStateReader(wiring.dynamoDb(), wiring.tableName(), READ_PARALLELISM), wiring.linkHeaders()),
                EventLog.stdout(Metrics.PRESEND_CHECK), wiring.clock());
    }

    public PresendCheckHandler(PresendCheck check, EventLog log, Clock clock) {
        this.check = check;
        this.log = log;
        this.clock = clock;
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
            log.warn(requestId, "check-rejected", Map.of("error", e.getMessage(), "topic", request.topic()));
            throw e;
        } catch (StoreUnavailableException e) {
            log.error(requestId, "check-failed", Map.of("error", String.valueOf(e.getMessage()), "topic", request.topic(),
                    "recipients", request.recipients().size()));
            throw e;
        }
        log.metrics(requestId, "check", Map.of("topic", request.topic(),
                        "campaignId", request.campaignId() == null ? "" : request.campaignId()),
                Map.of(Metrics.RECIPIENTS_CHECKED, response.summary().total(), Metrics.RECIPIENTS_BLOCKED, response.summary().blocked()),
                Map.of());
        Json.MAPPER.writeValue(output, response);
    }
}
