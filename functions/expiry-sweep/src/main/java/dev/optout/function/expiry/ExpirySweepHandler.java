package dev.optout.function.expiry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.config.Settings;
import dev.optout.expiry.ExpirySweep;
import dev.optout.expiry.SesSuppressionListRemoval;
import dev.optout.json.LightJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.wiring.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * ExpirySweepFunction: once a day (an EventBridge schedule) records in the history each stop
 * that expired by policy, and removes expired hard bounces from the SES account suppression list
 * when suppressions are mirrored there ({@link ExpirySweep}). The event is the schedule's (read
 * for nothing) or {@code {"catchUpDays": N}} to look further back once (after an outage, or a
 * policy made shorter).
 *
 * <p>It stops {@link #MARGIN_MILLIS} before its timeout and leaves the rest to the next run. An
 * item that failed (the table, the SES list) fails the invocation after the others are done, so
 * the errors alarm fires and Lambda retries the run (nothing is recorded twice).
 */
public final class ExpirySweepHandler implements RequestStreamHandler {
    /** Left before the timeout: one item's reads and write, and the answer. */
    static final long MARGIN_MILLIS = 20_000;

    private final ExpirySweep sweep;
    private final EventLog log;

    /** Called by Lambda: builds everything from the environment, once. */
    public ExpirySweepHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME, the address-hash key, the expiry parameters and SES_SUPPRESSION_MIRRORING. */
    public ExpirySweepHandler(Wiring w) {
        this(sweep(w.withoutLinkKeys(), w.settings().flag(Settings.SES_SUPPRESSION_MIRRORING, false)
                ? new SesSuppressionListRemoval(w.aws().configure(SesV2Client.builder()).build()) : null),
                EventLog.stdout(Metrics.EXPIRY_SWEEP));
    }

    public ExpirySweepHandler(ExpirySweep sweep, EventLog log) {
        this.sweep = sweep;
        this.log = log;
    }

    static ExpirySweep sweep(Wiring w, ExpirySweep.SesSuppressionList sesList) {
        return new ExpirySweep(w.store(), w.expiryPolicy(), sesList, w.clock());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        int catchUpDays = catchUpDays(new String(input.readAllBytes(), StandardCharsets.UTF_8));
        BooleanSupplier timeLeft = context == null ? () -> true : () -> context.getRemainingTimeInMillis() > MARGIN_MILLIS;
        ExpirySweep.Result result = sweep.run(catchUpDays, timeLeft);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("days", result.days().stream().map(Object::toString).toList());
        fields.put("catchUpDays", catchUpDays);
        fields.put("finished", result.finished());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (ExpirySweep.Outcome o : ExpirySweep.Outcome.values()) {
            counts.put(o.name(), result.count(o));
        }
        fields.put("items", counts);
        Map<String, Integer> metrics = Map.of(Metrics.EXPIRIES_RECORDED, result.count(ExpirySweep.Outcome.RECORDED),
                Metrics.EXPIRIES_FAILED, result.count(ExpirySweep.Outcome.FAILED));
        if (!result.failures().isEmpty()) {
            fields.put("failures", result.failures());
            log.errorMetrics(requestId, "expiry-sweep-failed-items", fields, metrics, Map.of());
        } else if (!result.finished()) {
            log.warnMetrics(requestId, "expiry-sweep-out-of-time", fields, metrics, Map.of());
        } else {
            log.metrics(requestId, "expiry-sweep", fields, metrics, Map.of());
        }
        if (!result.failures().isEmpty()) {
            throw new IllegalStateException(result.failures().size() + " stop(s) could not be recorded as expired "
                    + "(retried on the next run): " + String.join("; ", result.failures()));
        }
        LightJson.write(fields, output);
    }

    /** The event's {@code catchUpDays}, else the default (a schedule's event names none). */
    static int catchUpDays(String event) throws IOException {
        if (event.isBlank()) {
            return ExpirySweep.DEFAULT_CATCH_UP_DAYS;
        }
        Object parsed = LightJson.parse(event);
        if (parsed instanceof Map<?, ?> m && m.get("catchUpDays") != null) {
            if (!(m.get("catchUpDays") instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || n.intValue() < 0 || n.intValue() > ExpirySweep.MAX_CATCH_UP_DAYS) {
                throw new IllegalArgumentException("catchUpDays must be a whole number from 0 to " + ExpirySweep.MAX_CATCH_UP_DAYS
                        + ", got " + m.get("catchUpDays"));
            }
            return n.intValue();
        }
        return ExpirySweep.DEFAULT_CATCH_UP_DAYS;
    }
}
