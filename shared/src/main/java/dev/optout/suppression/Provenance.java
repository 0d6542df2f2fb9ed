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
 */
public record Provenance(Source source, Instant at, String campaignId, Instant tokenIssuedAt, Map<String, String> evidence) {
    public Provenance {
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }

    public static Provenance of(Source source, Instant at) {
        return new Provenance(source, at, null, null, Map.of());
    }

    public Provenance withCampaign(String campaign) {
        return new Provenance(source, at, campaign, tokenIssuedAt, evidence);
    }

    public Provenance withTokenIssuedAt(Instant issuedAt) {
        return new Provenance(source, at, campaignId, issuedAt, evidence);
    }

    public Provenance withEvidence(Map<String, String> more) {
        java.util.Map<String, String> merged = new java.util.HashMap<>(evidence);
        more.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return new Provenance(source, at, campaignId, tokenIssuedAt, merged);
    }
}
