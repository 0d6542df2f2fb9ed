package dev.optout.suppression;

import dev.optout.snapstart.RenewableRandom;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;

/**
 * DynamoDB's batch operations answer what they could not do now ({@code UnprocessedKeys},
 * {@code UnprocessedItems}): the caller must send those again, with exponential backoff and
 * jitter (DynamoDB developer guide, "Error retries and exponential backoff"). One helper for every
 * batch read and write, with full jitter (a random wait between 0 and the capped exponential
 * delay) drawn from a {@link RenewableRandom}, so that environments restored from one SnapStart
 * snapshot do not retry in step.
 *
 * @param baseMillis  the first delay's upper bound
 * @param capMillis   no delay's upper bound exceeds this
 * @param maxAttempts attempts in all (the first included) before giving up
 */
public record UnprocessedRetry(long baseMillis, long capMillis, int maxAttempts, RenewableRandom jitter) {
    public UnprocessedRetry {
        if (baseMillis < 1 || capMillis < baseMillis || maxAttempts < 1) {
            throw new IllegalArgumentException("base >= 1 ms, cap >= base, at least one attempt");
        }
        Objects.requireNonNull(jitter, "jitter");
    }

    /**
     * Sends {@code pending} through {@code attempt} (which answers what is still unprocessed) until
     * nothing is left.
     *
     * @param mayWait answers whether a wait of that many milliseconds still leaves time for the
     *                next attempt (a deadline); {@code ms -> true} without one
     * @param what    what is retried, for the failure's message
     * @throws StoreUnavailableException when attempts run out, the deadline would pass, or the wait is interrupted
     */
    public <K> void drain(List<K> pending, UnaryOperator<List<K>> attempt, LongPredicate mayWait, String what) {
        List<K> left = pending;
        for (int n = 1; !left.isEmpty(); n++) {
            left = attempt.apply(left);
            if (left.isEmpty()) {
                return;
            }
            long wait = delay(n);
            if (n >= maxAttempts || !mayWait.test(wait)) {
                throw new StoreUnavailableException(left.size() + " " + what + " still unprocessed by DynamoDB (throttled) after "
                        + n + (n == 1 ? " attempt" : " attempts"));
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while retrying " + what);
            }
        }
    }

    /** The wait after attempt {@code n} (1-based): uniform in [0, min(cap, base * 2^(n-1))]. */
    long delay(int n) {
        long bound = Math.min(capMillis, baseMillis << Math.min(n - 1, 20));
        return jitter.nextLong(bound + 1);
    }
}
