package dev.optout.suppression;

import java.time.Instant;

/**
 * When and how a flag on an address was set: the first time it was set is kept when the same
 * change is repeated.
 *
 * @param at         when the change took effect (for SES feedback: the event's own time)
 * @param source     where it came from
 * @param campaignId the campaign the person acted on, if known
 * @param detail     a short qualifier: bounce subtype, complaint feedback type
 */
public record Mark(Instant at, Source source, String campaignId, String detail) {
}
