package dev.optout.report;

import dev.optout.text.Printable;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The report as plain text for a terminal (the operator CLI's default output). Values that come
 * from outside (campaign ids, addresses, reasons) are printed through {@link Printable#line}, so
 * no control character of theirs reaches the terminal and the line breaks are the report's own.
 */
public final class ReportText {
    private ReportText() {
    }

    /** Why the complaint counts are a lower bound: said in every form of the report. */
    public static final String GMAIL_COMPLAINTS = "Gmail's complaints never reach SES: Gmail sends no complaint feedback "
            + "(ARF) to senders, only aggregate spam rates in Postmaster Tools (per Feedback-ID). The complaints here, and "
            + "the campaign guard's complaint rate, are therefore a lower bound: read Gmail's rate in Postmaster Tools.";

    public static String render(ComplianceReport r) {
        StringBuilder b = new StringBuilder();
        b.append("optout compliance report\n");
        b.append("Period: ").append(r.since()).append(" .. ").append(r.until())
                .append(" (").append(human(Duration.between(r.since(), r.until()))).append(")\n\n");

        b.append("Opt-outs: ").append(r.optOutsTotal()).append('\n');
        if (!r.optOutsBySource().isEmpty()) {
            b.append("  by source: ").append(counts(r.optOutsBySource())).append('\n');
            b.append("  by day (UTC):\n");
            for (Map.Entry<LocalDate, Map<String, Long>> d : r.optOutsByDay().entrySet()) {
                long total = d.getValue().values().stream().mapToLong(Long::longValue).sum();
                b.append(String.format(Locale.ROOT, "    %s  %4d  %s%n", d.getKey(), total, counts(d.getValue())));
            }
        }
        b.append('\n');

        ComplianceReport.Totals t = r.totals();
        b.append("Everything in the period (with or without a campaign)\n");
        b.append("  by reason: ").append(t.byReason().isEmpty() ? "none" : counts(t.byReason())).append('\n');
        b.append("  by source: ").append(t.bySource().isEmpty() ? "none" : counts(t.bySource())).append('\n');
        b.append("  without a campaign: ").append(t.bouncesWithoutCampaign()).append(" bounce(s), ")
                .append(t.complaintsWithoutCampaign()).append(" complaint(s)\n");
        for (String kind : ComplianceReport.PROVIDER_KINDS) {
            Map<String, Long> totals = t.providerTotals(kind);
            b.append("  ").append(kind).append(" by mailbox provider: ").append(totals.isEmpty() ? "none" : counts(totals)).append('\n');
            for (Map.Entry<LocalDate, Map<String, Long>> d : t.byProvider().get(kind).entrySet()) {
                b.append("    ").append(d.getKey()).append("  ").append(counts(d.getValue())).append('\n');
            }
        }
        b.append("  ").append(GMAIL_COMPLAINTS).append("\n\n");

        b.append("Campaigns (bounces, complaints: recorded in the period; sends and rates: the campaign guard's counts)\n");
        if (r.campaigns().isEmpty()) {
            b.append("  none\n");
        } else {
            b.append(String.format(Locale.ROOT, "  %-28s %8s %10s %9s %12s %15s  %s%n", "campaign", "bounces", "complaints",
                    "sends", "bounce rate", "complaint rate", "status"));
            for (ComplianceReport.Campaign c : r.campaigns()) {
                b.append(String.format(Locale.ROOT, "  %-28s %8d %10d %9d %12s %15s  %s%n", Printable.line(c.campaign()), c.bounces(),
                        c.complaints(), c.sends(), percent(c.bounceRate()), percent(c.complaintRate()),
                        c.paused() ? "PAUSED since " + c.pausedAt() : "sending"));
            }
            b.append(String.format(Locale.ROOT, "  thresholds: complaints %s after %d sends (Gmail: below 0.1%%, never 0.3%%); "
                            + "hard bounces %s after %d sends%n", percent(r.thresholds().complaintRate()),
                    r.thresholds().complaintMinSends(), percent(r.thresholds().bounceRate()), r.thresholds().bounceMinSends()));
        }
        b.append('\n');

        b.append("Sent while suppressed: ").append(r.sentWhileSuppressed().size()).append('\n');
        for (ComplianceReport.SuppressedSend s : r.sentWhileSuppressed()) {
            b.append(String.format(Locale.ROOT, "  %s  %-24s %-20s %-18s blocked since %s (%s)  %s after%n", s.sentAt(),
                    Printable.line(s.address()), s.campaign() == null ? "-" : Printable.line(s.campaign()),
                    Printable.line(s.reason()), s.blockedSince(),
                    s.blockSource() == null ? "?" : Printable.line(s.blockSource()), human(s.delay())));
        }
        b.append('\n');

        ComplianceReport.ClockResult clock = r.clock();
        b.append("Compliance clock: ");
        if (clock.longest() == null) {
            b.append("no message went out after an opt-out in this period\n");
        } else {
            ComplianceReport.SuppressedSend l = clock.longest();
            b.append("longest opt-out-to-send delay ").append(human(l.delay())).append(" (").append(Printable.line(l.address()))
                    .append(l.campaign() == null ? "" : ", campaign " + Printable.line(l.campaign())).append(")\n");
        }
        for (ComplianceReport.Verdict v : clock.verdicts()) {
            b.append(String.format(Locale.ROOT, "  %-14s %-18s %s%n", v.deadline().label(), v.deadline().limit(),
                    v.met() ? "met" : "MISSED: " + v.late() + " message(s) later than this"));
            b.append("      ").append(v.deadline().rule()).append(" <").append(v.deadline().url()).append(">\n");
            if (v.deadline().note() != null) {
                b.append("      ").append(v.deadline().note()).append('\n');
            }
        }
        ComplianceReport.DataRequests dr = r.dataRequests();
        b.append("\nData requests (the person's own data: downloads, erasures): ").append(dr.total()).append('\n');
        if (dr.total() > 0) {
            b.append("  by kind: ").append(counts(dr.byKind())).append('\n');
            b.append("  by source: ").append(counts(dr.bySource())).append('\n');
            b.append("  longest from request to served: ").append(human(dr.longest())).append('\n');
        }
        b.append(String.format(Locale.ROOT, "  %-14s %-18s %s%n", "UU PDP", "3\u00d724 hours",
                dr.met() ? "met" : "MISSED: " + dr.late() + " request(s) served later than this"));
        b.append("      ").append(ComplianceReport.DataRequests.RULE).append(" <").append(ComplianceReport.DataRequests.URL).append(">\n");
        b.append("\n").append(r.itemsScanned()).append(" table items scanned.\n");
        return b.toString();
    }

    private static String counts(Map<String, Long> m) {
        StringJoiner j = new StringJoiner(", ");
        m.forEach((k, v) -> j.add(Printable.line(k) + " " + v));
        return j.toString();
    }

    static String percent(Double rate) {
        return rate == null ? "-" : String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }

    /** {@code 2d 03h 10m}, {@code 5h 02m}, {@code 45s}. */
    static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = d.toSeconds();
        String sign = s < 0 ? "-" : "";
        s = Math.abs(s);
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        if (days > 0) {
            return String.format(Locale.ROOT, "%s%dd %02dh %02dm", sign, days, hours, minutes);
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%s%dh %02dm", sign, hours, minutes);
        }
        return minutes > 0 ? sign + minutes + "m " + (s % 60) + "s" : sign + s + "s";
    }
}
