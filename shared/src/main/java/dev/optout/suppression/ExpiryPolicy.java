package dev.optout.suppression;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How long each kind of stop stands before mail may go again, by policy. Read by the decision
 * ({@link SendPolicy#decide(AddressState, dev.optout.topic.Topic, ExpiryPolicy, Instant)}) with the
 * time of the check: an expired stop lets mail go without a write.
 * <pre>
 * soft-bounce stop  expires softBounceStop after the later of the stop and the last soft bounce counted (default 7 days)
 * hard bounce       expires hardBounce after the latest hard bounce while it stands, for a re-test (default: never)
 * complaint         never
 * opt-outs, holds   never (the person's own choice, an operator's hold)
 * </pre>
 * A soft bounce counted after the stop (mail went again and bounced) renews the stop from that
 * bounce, so an address that still bounces is held again at once; a hard bounce again (the re-test
 * bounced) renews a hard bounce the same way.
 *
 * @param softBounceStop how long a soft-bounce stop stands; {@code null}: never expires
 * @param hardBounce     how long a hard bounce stands; {@code null}: never expires
 */
public record ExpiryPolicy(Duration softBounceStop, Duration hardBounce) {
    public static final Duration DEFAULT_SOFT_BOUNCE_STOP = Duration.ofDays(7);
    /** Soft-bounce stops expire after 7 days; every other stop stands. */
    public static final ExpiryPolicy DEFAULT = new ExpiryPolicy(DEFAULT_SOFT_BOUNCE_STOP, null);
    /** Nothing expires. */
    public static final ExpiryPolicy NEVER = new ExpiryPolicy(null, null);

    public ExpiryPolicy {
        if (softBounceStop != null && (softBounceStop.isNegative() || softBounceStop.isZero())) {
            throw new IllegalArgumentException("a soft-bounce stop must stand a while, got " + softBounceStop);
        }
        if (hardBounce != null && (hardBounce.isNegative() || hardBounce.isZero())) {
            throw new IllegalArgumentException("a hard bounce must stand a while, got " + hardBounce);
        }
    }

    /** From days; 0 means never. */
    public static ExpiryPolicy ofDays(long softBounceStopDays, long hardBounceDays) {
        return new ExpiryPolicy(softBounceStopDays == 0 ? null : Duration.ofDays(softBounceStopDays),
                hardBounceDays == 0 ? null : Duration.ofDays(hardBounceDays));
    }

    /** When {@code stop}, as set in {@code state}, expires; {@code null}: never (or not set). */
    public Instant until(SendPolicy.Stop stop, AddressState state) {
        Mark mark = stop.markIn(state);
        if (mark == null) {
            return null;
        }
        return switch (stop) {
            case SOFT_BOUNCE -> softBounceStop == null ? null : latest(mark.at(), state.softBounceTimes()).plus(softBounceStop);
            case HARD_BOUNCE -> hardBounce == null ? null : latest(mark.at(), state.hardBounceLast() == null ? List.of()
                    : List.of(state.hardBounceLast())).plus(hardBounce);
            case COMPLAINT, UNSUBSCRIBED_ALL, OPERATOR_HOLD -> null;
        };
    }

    /** Whether {@code stop} is set in {@code state} and still stands at {@code now}. */
    public boolean stands(SendPolicy.Stop stop, AddressState state, Instant now) {
        if (stop.markIn(state) == null) {
            return false;
        }
        Instant until = until(stop, state);
        return until == null || now.isBefore(until);
    }

    private static Instant latest(Instant at, List<Instant> bounces) {
        Instant latest = at;
        for (Instant b : bounces) {
            if (b.isAfter(latest)) {
                latest = b;
            }
        }
        return latest;
    }
}
