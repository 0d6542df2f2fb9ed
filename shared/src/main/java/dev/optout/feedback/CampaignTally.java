package dev.optout.feedback;

import dev.optout.campaign.CampaignCounts;
import dev.optout.check.Purpose;
import dev.optout.check.SesTags;
import java.util.List;
import java.util.Optional;

/**
 * What one SES event adds to its campaign's counters (the campaign guard): a Send event adds its
 * recipients to {@code sends}, a permanent bounce its bounced recipients to {@code bounces}, a
 * complaint (other than {@code not-spam}) its recipients to {@code complaints}. The campaign is the
 * {@code optout-campaign} tag the check handed out; mail tagged {@code optout-purpose=transactional}
 * and mail without the tag count for no campaign. Identity notifications carry no tags.
 */
public final class CampaignTally {
    private CampaignTally() {
    }

    public record Share(String campaign, CampaignCounts counts) {
    }

    public static Optional<Share> of(SesEvent event) {
        String campaign = tag(event, SesTags.CAMPAIGN);
        if (campaign == null || Purpose.TRANSACTIONAL.wireName().equals(tag(event, SesTags.PURPOSE))) {
            return Optional.empty();
        }
        CampaignCounts c = switch (event.type()) {
            case SEND -> new CampaignCounts(event.destination().size(), 0, 0);
            case BOUNCE -> event.bounce().permanent() ? bounces(event.bounce()) : null;
            case COMPLAINT -> event.complaint().notSpam() ? null : new CampaignCounts(0, 0, event.complaint().recipients().size());
            default -> null;
        };
        return c == null || c.isZero() ? Optional.empty() : Optional.of(new Share(SesTags.value(campaign), c));
    }

    /** Every bounced recipient counts as a bounce; those refused for the sender's sake also per receiving provider. */
    private static CampaignCounts bounces(SesEvent.Bounce b) {
        java.util.Map<String, Long> rejections = new java.util.TreeMap<>();
        for (FeedbackRecipient r : b.recipients()) {
            BounceClassifier.Kind kind = BounceClassifier.classify(b.bounceType(), b.bounceSubType(), r.status(), r.diagnosticCode()).kind();
            if (kind == BounceClassifier.Kind.SENDER_REJECTION) {
                rejections.merge(dev.optout.campaign.ReceivingProvider.of(r.address().domain()), 1L, Long::sum);
            }
        }
        return new CampaignCounts(0, b.recipients().size(), 0, rejections);
    }

    static String tag(SesEvent event, String name) {
        List<String> values = event.tags().get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }
}
