package dev.optout.report;

import dev.optout.campaign.GuardThresholds;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What the suppression table proves for a period: opt-outs by source and by day, bounces and
 * complaints by campaign, every message sent while the address was blocked, and the compliance
 * clock. Built by {@link ComplianceReports#build}; rendered by {@link ReportText},
 * {@link ReportJson} and {@link ReportHtml}.
 *
 * @param since          start of the period (inclusive)
 * @param until          end of the period (when the report was made)
 * @param optOutsBySource opt-outs (all or one topic) by source ({@code ONE_CLICK}, {@code UNSUBSCRIBE_PAGE}, ...), most first
 * @param optOutsByDay   per UTC day, opt-outs by source
 * @param campaigns      every campaign with bounces or complaints in the period or counters, by name
 * @param sentWhileSuppressed every {@code SENT_WHILE_SUPPRESSED} finding of the period, oldest first
 * @param clock          the longest opt-out-to-send delay against each deadline
 * @param thresholds     the campaign guard's thresholds the rates are held against
 * @param itemsScanned   table items read to make the report
 * @param dataRequests   the people's requests about their own data served in the period, against UU PDP's 3×24 hours
 */
public record ComplianceReport(Instant since, Instant until, Map<String, Long> optOutsBySource,
                               SortedMap<LocalDate, Map<String, Long>> optOutsByDay, List<Campaign> campaigns,
                               List<SuppressedSend> sentWhileSuppressed, ClockResult clock, GuardThresholds thresholds,
                               long itemsScanned, Totals totals, DataRequests dataRequests) {

    /**
     * Requests about a person's own data served in the period ("Download my data" and "Erase me" on
     * the preference page, {@code ./optout forget}), from the table's data-request records (which
     * keep no address), and the time each took from the request to its serving, held against UU
     * PDP's 3×24 hours.
     *
     * @param byKind   {@code ACCESS}, {@code ERASURE}: how many
     * @param bySource {@code PREFERENCE_CENTER}, {@code OPERATOR}: how many
     * @param longest  the longest time one took, {@code null} when none was served
     * @param late     how many took longer than {@link #DEADLINE}
     */
    public record DataRequests(Map<String, Long> byKind, Map<String, Long> bySource, Duration longest, long late) {
        /** UU PDP Pasal 32(2): access within 3×24 hours of the request; erasure is held to the same. */
        public static final Duration DEADLINE = Duration.ofHours(72);
        public static final String RULE = "Indonesia UU No. 27/2022 (Pelindungan Data Pribadi) Pasal 32(2): access within "
                + "3\u00d724 hours of the request; erasures are held to the same time";
        public static final String URL = "https://peraturan.bpk.go.id/Details/229798/uu-no-27-tahun-2022";

        public long total() {
            return byKind.values().stream().mapToLong(Long::longValue).sum();
        }

        public boolean met() {
            return late == 0;
        }
    }

    /** The kinds counted per mailbox provider and day. */
    public static final String BOUNCES = "bounces";
    public static final String COMPLAINTS = "complaints";
    public static final String SENDER_REJECTIONS = "senderRejections";
    public static final List<String> PROVIDER_KINDS = List.of(BOUNCES, COMPLAINTS, SENDER_REJECTIONS);

    /**
     * Everything the period's history records, with or without a campaign.
     *
     * @param byReason   events by action ({@code HARD_BOUNCE}, {@code COMPLAINT}, {@code SENDER_REJECTION},
     *                   {@code UNSUBSCRIBE_ALL}, ...), most first
     * @param bySource   the same events by source ({@code SES_BOUNCE}, {@code ONE_CLICK}, {@code IMPORT}, ...), most first
     * @param bouncesWithoutCampaign    hard bounces and soft-bounce stops that name no campaign
     * @param complaintsWithoutCampaign complaints that name no campaign
     * @param byProvider for {@link #BOUNCES}, {@link #COMPLAINTS} and {@link #SENDER_REJECTIONS}: per UTC day,
     *                   counts per mailbox provider ({@link MailboxProvider})
     */
    public record Totals(Map<String, Long> byReason, Map<String, Long> bySource, long bouncesWithoutCampaign,
                         long complaintsWithoutCampaign, Map<String, SortedMap<LocalDate, Map<String, Long>>> byProvider) {
        /** The period's total of one kind per provider. */
        public Map<String, Long> providerTotals(String kind) {
            Map<String, Long> m = new java.util.LinkedHashMap<>();
            for (String p : MailboxProvider.ALL) {
                long n = byProvider.getOrDefault(kind, new java.util.TreeMap<>()).values().stream()
                        .mapToLong(d -> d.getOrDefault(p, 0L)).sum();
                if (n > 0) {
                    m.put(p, n);
                }
            }
            return m;
        }
    }

    public long optOutsTotal() {
        return optOutsBySource.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * One campaign.
     *
     * @param bounces     hard bounces (and soft-bounce suppressions) recorded in the period
     * @param complaints  complaints recorded in the period
     * @param sends       sends counted by the campaign guard (all time)
     * @param countedBounces    hard bounces counted by the guard (all time)
     * @param countedComplaints complaints counted by the guard (all time)
     * @param paused      whether the guard holds it paused now
     * @param pausedAt    since when, if paused
     */
    public record Campaign(String campaign, long bounces, long complaints, long sends, long countedBounces,
                           long countedComplaints, boolean paused, Instant pausedAt) {
        /** Complaint rate from the guard's counts; {@code null} without sends. */
        public Double complaintRate() {
            return sends == 0 ? null : (double) countedComplaints / sends;
        }

        public Double bounceRate() {
            return sends == 0 ? null : (double) countedBounces / sends;
        }
    }

    /**
     * One message sent to a blocked address.
     *
     * @param address      the address masked ({@code a***a@example.com}), or the key's start when erased
     * @param reason       the block ({@code UNSUBSCRIBED_ALL}, {@code UNSUBSCRIBED_TOPIC}, {@code COMPLAINED}, {@code BOUNCED})
     * @param blockSource  where the block came from ({@code ONE_CLICK}...), when known
     * @param blockedSince when the block began
     * @param sentAt       when SES sent the message
     */
    public record SuppressedSend(String address, String campaign, String topic, String reason, String blockSource,
                                 Instant blockedSince, Instant sentAt, String sesMessageId) {
        public Duration delay() {
            return Duration.between(blockedSince, sentAt);
        }

        /** An opt-out by the person (all mail or a topic): what the deadlines are about. */
        public boolean afterOptOut() {
            return "UNSUBSCRIBED_ALL".equals(reason) || "UNSUBSCRIBED_TOPIC".equals(reason);
        }
    }

    /**
     * @param longest   the send after an opt-out with the longest delay, or {@code null} when none
     * @param verdicts  per deadline: met when every send after an opt-out went out before it
     */
    public record ClockResult(SuppressedSend longest, List<Verdict> verdicts, HolidayCalendars calendars) {
        public ClockResult(SuppressedSend longest, List<Verdict> verdicts) {
            this(longest, verdicts, HolidayCalendars.bundled());
        }

        public Duration longestDelay() {
            return longest == null ? null : longest.delay();
        }
    }

    /**
     * @param late sends after an opt-out that went out after this deadline
     * @param met  {@code late == 0}
     */
    public record Verdict(ComplianceDeadline deadline, long late, boolean met) {
    }
}
