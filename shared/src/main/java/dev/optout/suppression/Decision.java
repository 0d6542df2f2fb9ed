package dev.optout.suppression;

import java.time.Instant;

/**
 * The answer for one address and topic.
 *
 * @param reason    why not, when blocked
 * @param since     when the block began, when it comes from the table
 * @param frequency the person's frequency for the topic, when allowed
 * @param until     when the block expires by policy ({@link ExpiryPolicy}); {@code null}: it stands
 *                  until someone lifts it
 */
public record Decision(boolean allowed, BlockReason reason, Instant since, Frequency frequency, Instant until) {
    public Decision(boolean allowed, BlockReason reason, Instant since, Frequency frequency) {
        this(allowed, reason, since, frequency, null);
    }

    public static Decision allow(Frequency frequency) {
        return new Decision(true, null, null, frequency, null);
    }

    public static Decision block(BlockReason reason, Instant since) {
        return new Decision(false, reason, since, null, null);
    }

    public static Decision block(BlockReason reason, Instant since, Instant until) {
        return new Decision(false, reason, since, null, until);
    }
}
