package dev.optout.campaign;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends, permanent bounces and complaints counted for a campaign (or one batch's share of them),
 * and its sender rejections (5.7.x and 5.6.x permanent bounces, {@code BounceClassifier}) per
 * receiving mailbox provider ({@link ReceivingProvider}).
 */
public record CampaignCounts(long sends, long bounces, long complaints, Map<String, Long> senderRejections) {
    public static final CampaignCounts ZERO = new CampaignCounts(0, 0, 0);

    public CampaignCounts {
        Map<String, Long> m = new TreeMap<>();
        senderRejections.forEach((k, v) -> {
            if (v != 0) {
                m.put(k, v);
            }
        });
        senderRejections = Collections.unmodifiableMap(m);
    }

    public CampaignCounts(long sends, long bounces, long complaints) {
        this(sends, bounces, complaints, Map.of());
    }

    public CampaignCounts plus(CampaignCounts o) {
        return new CampaignCounts(sends + o.sends, bounces + o.bounces, complaints + o.complaints, merge(o, 1));
    }

    public CampaignCounts minus(CampaignCounts o) {
        return new CampaignCounts(sends - o.sends, bounces - o.bounces, complaints - o.complaints, merge(o, -1));
    }

    private Map<String, Long> merge(CampaignCounts o, long sign) {
        Map<String, Long> m = new TreeMap<>(senderRejections);
        o.senderRejections.forEach((k, v) -> m.merge(k, sign * v, Long::sum));
        return m;
    }

    public boolean isZero() {
        return sends == 0 && bounces == 0 && complaints == 0 && senderRejections.isEmpty();
    }

    /** The sender rejections of one provider (0 when none). */
    public long senderRejections(String provider) {
        return senderRejections.getOrDefault(provider, 0L);
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
