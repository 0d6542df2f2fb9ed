package dev.optout.token;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.util.Objects;

/**
 * What an unsubscribe or preference link stands for: who, which mail, and when it was issued.
 * Sealed into the link by {@link TokenSealer}; the link never carries the address readable.
 *
 * @param address    the canonical address
 * @param topic      the topic the mail was about, or {@code null}: the link covers all marketing mail
 * @param campaignId the campaign the mail belonged to, or {@code null}
 * @param issuedAt   when the link was issued (kept to the second)
 */
public record LinkToken(EmailAddress address, String topic, String campaignId, Instant issuedAt) {
    public LinkToken {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(issuedAt, "issuedAt");
        issuedAt = issuedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    /** Whether the link covers all marketing mail rather than one topic. */
    public boolean allMarketingMail() {
        return topic == null;
    }

    /** The proof of a change made through this link at {@code at}: its campaign and when it was issued. */
    public Provenance provenance(Source source, Instant at) {
        return new Provenance(source, at, campaignId, issuedAt, null);
    }
}
