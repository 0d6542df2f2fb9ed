package dev.optout.check;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether a campaign's marketing mail is paused (the campaign guard), read once per check call.
 * Implementations read strongly consistent and fail with
 * {@link dev.optout.suppression.StoreUnavailableException}: the check then fails closed, as it does
 * when a recipient's state cannot be read.
 */
@FunctionalInterface
public interface CampaignPauses {
    /** No guard: nothing is ever paused. */
    CampaignPauses NONE = campaign -> Optional.empty();

    /** Since when the campaign (its SES tag value, {@link SesTags#value}) is paused, or empty. */
    Optional<Instant> pausedSince(String campaign);
}
