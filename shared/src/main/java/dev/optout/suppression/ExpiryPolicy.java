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
        Duration after = duration(stop);
        Instant from = countsFrom(stop, state);
        return after == null || from == null ? null : from.plus(after);
    }

    /** How long {@code stop} stands under this policy; {@code null}: never expires. */
    public Duration duration(SendPolicy.Stop stop) {
        return switch (stop) {
            case SOFT_BOUNCE -> softBounceStop;
            case HARD_BOUNCE -> hardBounce;
            case COMPLAINT, UNSUBSCRIBED_ALL, OPERATOR_HOLD -> null;
        };
    }

    /**
     * The time {@code stop}'s expiry counts from, whatever the policy: the later of the stop and
     * the last soft bounce counted for a soft-bounce stop, the latest hard bounce while it stands
     * for a hard bounce; {@code null} for a stop that is not set or never expires by its kind. The
     * store indexes stops by its day, for the expiry sweep.
     */
    public static Instant countsFrom(SendPolicy.Stop stop, AddressState state) {
        Mark mark = stop.markIn(state);
        if (mark == null) {
            return null;
        }
        return switch (stop) {
            case SOFT_BOUNCE -> latest(mark.at(), state.softBounceTimes());
            case HARD_BOUNCE -> state.hardBounceLast() == null ? mark.at() : latest(mark.at(), List.of(state.hardBounceLast()));
            case COMPLAINT, UNSUBSCRIBED_ALL, OPERATOR_HOLD -> null;
        };
    }

    /** The stops that can expire by policy, whatever it says. */
    public static final List<SendPolicy.Stop> EXPIRING = List.of(SendPolicy.Stop.HARD_BOUNCE, SendPolicy.Stop.SOFT_BOUNCE);

    /**
     * {@code state} as it stands at {@code now}: the stops expired under this policy left out (what
     * the pages show and lock on, as the check decides). Everything else as it is.
     */
    public AddressState standing(AddressState state, Instant now) {
        boolean hard = state.hardBounce() != null && !stands(SendPolicy.Stop.HARD_BOUNCE, state, now);
        boolean soft = state.softBounce() != null && !stands(SendPolicy.Stop.SOFT_BOUNCE, state, now);
        if (!hard && !soft) {
            return state;
        }
        return new AddressState(state.key(), state.address(), state.unsubscribedAll(), hard ? null : state.hardBounce(),
                soft ? null : state.softBounce(), state.complaint(), state.topicOptOuts(), state.topicOptIns(), state.topicFrequency(),
                state.frequency(), state.softBounceTimes(), state.updatedAt(), state.forgotten(), state.operatorHold(), state.version(),
                hard ? null : state.hardBounceLast());
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
