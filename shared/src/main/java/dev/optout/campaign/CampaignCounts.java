package dev.optout.campaign;

/** Sends, hard bounces and complaints counted for a campaign (or one batch's share of them). */
public record CampaignCounts(long sends, long bounces, long complaints) {
    public static final CampaignCounts ZERO = new CampaignCounts(0, 0, 0);

    public CampaignCounts plus(CampaignCounts o) {
        return new CampaignCounts(sends + o.sends, bounces + o.bounces, complaints + o.complaints);
    }

    public CampaignCounts minus(CampaignCounts o) {
        return new CampaignCounts(sends - o.sends, bounces - o.bounces, complaints - o.complaints);
    }

    public boolean isZero() {
        return sends == 0 && bounces == 0 && complaints == 0;
    }

    /** complaints / sends, 0 without sends. */
    public double complaintRate() {
        return sends == 0 ? 0 : (double) complaints / sends;
    }

    /** hard bounces / sends, 0 without sends. */
    public double bounceRate() {
        return sends == 0 ? 0 : (double) bounces / sends;
    }
}
