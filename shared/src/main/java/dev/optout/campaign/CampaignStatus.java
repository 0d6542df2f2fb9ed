package dev.optout.campaign;

import java.time.Instant;
import java.util.List;

/**
 * A campaign as the guard sees it.
 *
 * @param campaign    the campaign's SES tag value
 * @param paused      whether its marketing mail is paused now
 * @param pausedAt    when it was last paused (null if never)
 * @param pauseReason why ({@code COMPLAINT_RATE} or {@code BOUNCE_RATE}), when paused
 * @param total       every send, hard bounce and complaint counted for it
 * @param judged      what the thresholds are judged on: counted since the last resume
 * @param log         every pause and resume, oldest first
 */
public record CampaignStatus(String campaign, boolean paused, Instant pausedAt, String pauseReason,
                             CampaignCounts total, CampaignCounts judged, List<Entry> log) {
    public CampaignStatus {
        log = List.copyOf(log);
    }

    /**
     * @param action {@code PAUSED} or {@code RESUMED}
     * @param reason for a pause the rule that fired; for a resume the operator's words
     * @param actor  who resumed it ({@code campaign-guard} for pauses)
     * @param counts the judged counts at that moment
     */
    public record Entry(String action, Instant at, String reason, String actor, CampaignCounts counts) {
    }
}
