package dev.optout.campaign;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.util.Map;

/**
 * When the campaign guard pauses a campaign, and over how many counter shards it spreads writes.
 * Rates are judged on what was sent since the campaign last resumed, and only after a minimum
 * volume, so that the first complaint of a small send does not stop it.
 *
 * <p>Defaults from published practice: Gmail's sender guidelines ask bulk senders to keep the spam
 * rate reported in Postmaster Tools below 0.1% and never reach 0.3%; Amazon SES reviews an account
 * whose complaint rate exceeds 0.1% or whose bounce rate exceeds 5% (SES developer guide,
 * "Sending review process FAQs"); SES measures rates over a representative volume, here 1,000 sends.
 *
 * @param complaintRate     pause above this complaints/sends (0.001 = 0.1%)
 * @param complaintMinSends ... once at least this many sends were counted
 * @param bounceRate        pause above this hard bounces/sends (0.05 = 5%)
 * @param bounceMinSends    ... once at least this many sends were counted
 * @param shards            counter partition keys per campaign (1..99)
 * @param senderRejections  pause when one receiving provider (gmail.com, outlook.com, yahoo.com, other) has
 *                          rejected more than this many of the campaign's messages for the sender's sake
 *                          (5.7.x, 5.6.x) since it last resumed; 0: never
 */
public record GuardThresholds(double complaintRate, long complaintMinSends, double bounceRate, long bounceMinSends,
                              int shards, long senderRejections) {
    /** 100 sender rejections from one provider: a burst of 5.7.x is the first sign of a broken setup (DKIM, SPF, DMARC). */
    public static final long DEFAULT_SENDER_REJECTIONS = 100;
    public static final GuardThresholds DEFAULTS = new GuardThresholds(0.001, 1_000, 0.05, 1_000, 10, DEFAULT_SENDER_REJECTIONS);

    public GuardThresholds(double complaintRate, long complaintMinSends, double bounceRate, long bounceMinSends, int shards) {
        this(complaintRate, complaintMinSends, bounceRate, bounceMinSends, shards, DEFAULT_SENDER_REJECTIONS);
    }

    public GuardThresholds {
        if (shards < 1 || shards > 99) {
            throw new ConfigurationException(Settings.CAMPAIGN_COUNTER_SHARDS + " must be 1..99, got " + shards);
        }
        if (complaintMinSends < 1 || bounceMinSends < 1) {
            throw new ConfigurationException("the campaign guard's minimum sends must be at least 1");
        }
        if (senderRejections < 0) {
            throw new ConfigurationException(Settings.CAMPAIGN_SENDER_REJECTIONS + " must be 0 (never) or more, got " + senderRejections);
        }
    }

    /** Which rate crossed its threshold: the reason a campaign is paused. */
    public enum Breach {
        COMPLAINT_RATE,
        BOUNCE_RATE,
        /** One receiving provider rejected more than {@code senderRejections} messages for the sender's sake. */
        SENDER_REJECTIONS
    }

    /**
     * The guard's one rule, used by the guard, the report and {@code campaign status} alike: a rate
     * is over once at least its minimum of sends was counted and it is above its threshold.
     * Complaints are judged first (the stronger signal for mailbox providers).
     *
     * @return the breach, or {@code null} while the campaign may send
     */
    public Breach breach(CampaignCounts judged) {
        if (complaintsOver(judged)) {
            return Breach.COMPLAINT_RATE;
        }
        if (bouncesOver(judged)) {
            return Breach.BOUNCE_RATE;
        }
        return rejectingProvider(judged) != null ? Breach.SENDER_REJECTIONS : null;
    }

    /** The first provider (by name) whose sender rejections are over the threshold, or null. */
    public String rejectingProvider(CampaignCounts judged) {
        if (senderRejections == 0) {
            return null;
        }
        for (Map.Entry<String, Long> e : judged.senderRejections().entrySet()) {
            if (e.getValue() > senderRejections) {
                return e.getKey();
            }
        }
        return null;
    }

    public boolean complaintsOver(CampaignCounts judged) {
        return judged.sends() >= complaintMinSends && judged.complaintRate() > complaintRate;
    }

    public boolean bouncesOver(CampaignCounts judged) {
        return judged.sends() >= bounceMinSends && judged.bounceRate() > bounceRate;
    }

    public static GuardThresholds from(Settings s) {
        return new GuardThresholds(
                s.fraction(Settings.CAMPAIGN_COMPLAINT_RATE, DEFAULTS.complaintRate()),
                s.integer(Settings.CAMPAIGN_COMPLAINT_MIN_SENDS, (int) DEFAULTS.complaintMinSends()),
                s.fraction(Settings.CAMPAIGN_BOUNCE_RATE, DEFAULTS.bounceRate()),
                s.integer(Settings.CAMPAIGN_BOUNCE_MIN_SENDS, (int) DEFAULTS.bounceMinSends()),
                s.integer(Settings.CAMPAIGN_COUNTER_SHARDS, DEFAULTS.shards()),
                s.integer(Settings.CAMPAIGN_SENDER_REJECTIONS, (int) DEFAULT_SENDER_REJECTIONS));
    }
}
