package dev.optout.suppression;

import java.time.Instant;
import java.util.Map;

/**
 * Who asked for a change, when, and the evidence: stored in the address history as proof.
 *
 * @param source        where the change came from
 * @param at            when it took effect
 * @param campaignId    the campaign the person acted on, if known
 * @param tokenIssuedAt when the link the person used was issued, if a link was used
 * @param evidence      other facts worth keeping (SES message id, feedback id, diagnostic, user agent)
 * @param actor         who made an operator or import change (the caller's AWS identity, or as given)
 * @param reason        why an operator or import change was made, as the operator gave it
 */
public record Provenance(Source source, Instant at, String campaignId, Instant tokenIssuedAt, Map<String, String> evidence,
                         String actor, String reason) {
    /**
     * Evidence keys whose values are free text from outside (a mail server's words, a person's
     * or an operator's text): they may hold the address in any spelling, so erasure drops them;
     * and the network address an opt-in kept, which names the person too.
     */
    public static final java.util.Set<String> FREE_TEXT_EVIDENCE = java.util.Set.of(
            "diagnosticCode", "reportingMta", "userAgent", "error", "consent", "note", "ip", "requestIp");

    public Provenance {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    /** A change without an actor or reason (people and SES). */
    public Provenance(Source source, Instant at, String campaignId, Instant tokenIssuedAt, Map<String, String> evidence) {
        this(source, at, campaignId, tokenIssuedAt, evidence, null, null);
    }

    public static Provenance of(Source source, Instant at) {
        return new Provenance(source, at, null, null, Map.of());
    }

    /** An operator's or an import's change: who and why are part of the proof. */
    public static Provenance byOperator(Source source, Instant at, String actor, String reason) {
        return new Provenance(source, at, null, null, Map.of(), actor, reason);
    }

    public Provenance withCampaign(String campaign) {
        return new Provenance(source, at, campaign, tokenIssuedAt, evidence, actor, reason);
    }

    public Provenance withTokenIssuedAt(Instant issuedAt) {
        return new Provenance(source, at, campaignId, issuedAt, evidence, actor, reason);
    }

    public Provenance withEvidence(Map<String, String> more) {
        java.util.Map<String, String> merged = new java.util.HashMap<>(evidence);
        more.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return new Provenance(source, at, campaignId, tokenIssuedAt, merged, actor, reason);
    }

    /** The same provenance with everything that could name the address dropped (erasure). */
    public Provenance erasing(dev.optout.address.EmailAddress address) {
        Map<String, String> kept = new java.util.HashMap<>();
        evidence.forEach((k, v) -> {
            if (!FREE_TEXT_EVIDENCE.contains(k) && !Erasure.mentions(v, address)) {
                kept.put(k, v);
            }
        });
        return new Provenance(source, at, Erasure.mentions(campaignId, address) ? null : campaignId, tokenIssuedAt, kept,
                Erasure.mentions(actor, address) ? null : actor, Erasure.mentions(reason, address) ? null : reason);
    }
}
