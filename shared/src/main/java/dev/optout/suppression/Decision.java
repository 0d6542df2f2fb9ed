package dev.optout.suppression;

import java.time.Instant;

/**
 * The answer for one address and topic.
 *
 * @param reason    why not, when blocked
 * @param since     when the block began, when it comes from the table
 * @param frequency the person's frequency for the topic, when allowed
 */
public record Decision(boolean allowed, BlockReason reason, Instant since, Frequency frequency) {
    public static Decision allow(Frequency frequency) {
        return new Decision(true, null, null, frequency);
    }

    public static Decision block(BlockReason reason, Instant since) {
        return new Decision(false, reason, since, null);
    }
}
