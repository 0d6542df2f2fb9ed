package dev.optout.report;

import static dev.optout.report.Html.escape;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report as one self-contained HTML page: no script, no external resource (a
 * Content-Security-Policy that allows none), charts drawn as inline SVG, every text of the table
 * escaped. Accessible: each chart is an {@code img} with a {@code <title>} and {@code <desc>} that
 * say what it shows, the figures are also in tables, and nothing is told by colour alone.
 */
public final class ReportHtml {
    /** Okabe-Ito palette: tells sources apart for colour-blind readers too. */
    private static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000"};
    private static final String OK = "#1a7f37";
    private static final String BAD = "#b42318";
    private static final int W = 760;

    private ReportHtml() {
    }

    public static String render(ComplianceReport r) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>optout compliance report ").append(escape(day(r.since()))).append(" to ")
                .append(escape(day(r.until()))).append("</title>\n<style>\n")
                .append("body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#fff;margin:0}\n")
                .append("main{max-width:820px;margin:0 auto;padding:1rem}\nh1{font-size:1.6rem}h2{margin-top:2rem;font-size:1.25rem}h3{font-size:1rem;margin:1rem 0 .25rem}\n")
                .append("table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}th,td{border-bottom:1px solid #d0d7de;padding:.3rem .4rem;text-align:left}\n")
                .append("td.n,th.n{text-align:right}.ok{color:").append(OK).append(";font-weight:600}.bad{color:").append(BAD)
                .append(";font-weight:600}svg{width:100%;height:auto;max-width:").append(W).append("px}\n")
                .append(".summary{display:flex;flex-wrap:wrap;gap:.75rem}.summary div{border:1px solid #d0d7de;border-radius:6px;padding:.5rem .75rem}\n")
                .append(".note{color:#59636e;font-size:.85rem}\n</style>\n</head>\n<body>\n<main>\n");
        b.append("<h1>Compliance report</h1>\n<p>Period: <time datetime=\"").append(escape(r.since().toString())).append("\">")
                .append(escape(r.since().toString())).append("</time> to <time datetime=\"").append(escape(r.until().toString()))
                .append("\">").append(escape(r.until().toString())).append("</time> (UTC).</p>\n");
        long paused = r.campaigns().stream().filter(ComplianceReport.Campaign::paused).count();
        b.append("<div class=\"summary\"><div>Opt-outs: <strong>").append(r.optOutsTotal()).append("</strong></div>")
                .append("<div>Sent while suppressed: <strong>").append(r.sentWhileSuppressed().size()).append("</strong></div>")
                .append("<div>Longest opt-out to send: <strong>").append(escape(ReportText.human(r.clock().longestDelay())))
                .append("</strong></div><div>Campaigns paused: <strong>").append(paused).append("</strong></div></div>\n");

        optOuts(b, r);
        everything(b, r);
        campaigns(b, r);
        clock(b, r);
        sends(b, r);
        dataRequests(b, r);
        b.append("<p class=\"note\">").append(r.itemsScanned()).append(" table items scanned. Made by optout.</p>\n")
                .append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    // ---------------------------------------------------------------- opt-outs per day by source

    private static void optOuts(StringBuilder b, ComplianceReport r) {
        b.append("<h2 id=\"optouts\">Opt-outs per day by source</h2>\n");
        Set<String> sources = new LinkedHashSet<>(r.optOutsBySource().keySet());
        StringBuilder desc = new StringBuilder(r.optOutsTotal() + " opt-outs from " + day(r.since()) + " to " + day(r.until()) + ". ");
        r.optOutsBySource().forEach((s, n) -> desc.append(s).append(": ").append(n).append(". "));
        stackedDaily(b, "chart-optouts", "Opt-outs per day, stacked by source", desc.toString(), days(r, r.optOutsByDay()),
                r.optOutsByDay(), sources);
        legend(b, sources);
        b.append("<table><caption class=\"note\">Opt-outs by source in the period</caption><thead><tr><th scope=\"col\">Source</th>")
                .append("<th scope=\"col\" class=\"n\">Opt-outs</th></tr></thead><tbody>\n");
        r.optOutsBySource().forEach((s, n) -> b.append("<tr><td>").append(escape(s)).append("</td><td class=\"n\">").append(n)
                .append("</td></tr>\n"));
        if (r.optOutsBySource().isEmpty()) {
            b.append("<tr><td colspan=\"2\">No opt-outs in this period.</td></tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    /** Per day, one bar stacked by key, in the order of {@code keys}. */
    private static void stackedDaily(StringBuilder b, String id, String title, String description, List<LocalDate> days,
                                     Map<LocalDate, Map<String, Long>> byDay, Set<String> sources) {
        long max = 1;
        for (LocalDate d : days) {
            max = Math.max(max, byDay.getOrDefault(d, Map.of()).values().stream().mapToLong(Long::longValue).sum());
        }
        int h = 260;
        int left = 44;
        int bottom = 34;
        int top = 12;
        int plotW = W - left - 10;
        int plotH = h - top - bottom;
        long yMax = niceCeiling(max);
        openSvg(b, id, h, title, description);
        axisY(b, left, top, plotW, plotH, yMax);
        double slot = (double) plotW / Math.max(1, days.size());
        double bar = Math.max(1, slot * 0.7);
        for (int i = 0; i < days.size(); i++) {
            LocalDate d = days.get(i);
            Map<String, Long> m = byDay.getOrDefault(d, Map.of());
            double x = left + i * slot + (slot - bar) / 2;
            double y = top + plotH;
            int ci = 0;
            for (String s : sources) {
                long n = m.getOrDefault(s, 0L);
                if (n > 0) {
                    double hh = plotH * (double) n / yMax;
                    y -= hh;
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>\n",
                            x, y, bar, hh, PALETTE[ci % PALETTE.length], escape(d + " " + s + ": " + n)));
                }
                ci++;
            }
            if (days.size() <= 16 || i % Math.max(1, days.size() / 8) == 0) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                        left + i * slot + slot / 2, h - bottom + 16, escape(d.toString().substring(5))));
            }
        }
        b.append("</svg>\n");
    }

    private static void legend(StringBuilder b, Set<String> sources) {
        if (sources.isEmpty()) {
            return;
        }
        b.append("<p class=\"note\">");
        int ci = 0;
        for (String s : sources) {
            b.append("<span style=\"display:inline-block;width:.8em;height:.8em;background:").append(PALETTE[ci++ % PALETTE.length])
                    .append("\" aria-hidden=\"true\"></span> ").append(escape(s)).append(" &nbsp; ");
        }
        b.append("</p>\n");
    }

    /** Every day of the period when it is short, else the days with counts. */
    private static List<LocalDate> days(ComplianceReport r, Map<LocalDate, ?> counted) {
        LocalDate first = r.since().atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate last = r.until().atZone(ZoneOffset.UTC).toLocalDate();
        List<LocalDate> days = new ArrayList<>();
        if (first.plusDays(92).isAfter(last)) {
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                days.add(d);
            }
        } else {
            days.addAll(new java.util.TreeSet<>(counted.keySet()));
        }
        return days;
    }

    // ---------------------------------------------------------------- everything: totals, per mailbox provider

    private static void everything(StringBuilder b, ComplianceReport r) {
        ComplianceReport.Totals t = r.totals();
        b.append("<h2 id=\"totals\">Everything in the period</h2>\n<p>Every event of the period, with or without a campaign: ")
                .append(t.bouncesWithoutCampaign()).append(" bounce(s) and ").append(t.complaintsWithoutCampaign())
                .append(" complaint(s) named no campaign (imports, the demo, mail sent without the check's tags).</p>\n");
        totalsTable(b, "Totals by reason", "Reason", t.byReason());
        totalsTable(b, "Totals by source", "Source", t.bySource());
        Set<String> providers = new LinkedHashSet<>(MailboxProvider.ALL);
        String[][] kinds = {{ComplianceReport.BOUNCES, "Bounces", "chart-provider-bounces"},
                {ComplianceReport.COMPLAINTS, "Complaints", "chart-provider-complaints"},
                {ComplianceReport.SENDER_REJECTIONS, "Sender rejections", "chart-provider-rejections"}};
        for (String[] k : kinds) {
            Map<LocalDate, Map<String, Long>> byDay = t.byProvider().get(k[0]);
            Map<String, Long> totals = t.providerTotals(k[0]);
            b.append("<h3>").append(k[1]).append(" per day by mailbox provider</h3>\n");
            StringBuilder desc = new StringBuilder(k[1] + " from " + day(r.since()) + " to " + day(r.until()) + ": ");
            desc.append(totals.isEmpty() ? "none. " : "");
            totals.forEach((p, n) -> desc.append(MailboxProvider.label(p)).append(" ").append(n).append(". "));
            stackedDaily(b, k[2], k[1] + " per day, stacked by mailbox provider", desc.toString(), days(r, byDay), byDay, providers);
            b.append("<p class=\"note\">").append(escape(desc.toString())).append("</p>\n");
        }
        legend(b, providers);
        b.append("<p class=\"note\">").append(escape(ReportText.GMAIL_COMPLAINTS)).append("</p>\n");
    }

    private static void totalsTable(StringBuilder b, String caption, String what, Map<String, Long> m) {
        b.append("<table><caption class=\"note\">").append(escape(caption)).append("</caption><thead><tr><th scope=\"col\">")
                .append(escape(what)).append("</th><th scope=\"col\" class=\"n\">Events</th></tr></thead><tbody>\n");
        m.forEach((k, n) -> b.append("<tr><td>").append(escape(k)).append("</td><td class=\"n\">").append(n).append("</td></tr>\n"));
        if (m.isEmpty()) {
            b.append("<tr><td colspan=\"2\">None in this period.</td></tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    // ---------------------------------------------------------------- campaign rates vs thresholds

    private static void campaigns(StringBuilder b, ComplianceReport r) {
        b.append("<h2 id=\"campaigns\">Complaints and bounces by campaign</h2>\n");
        List<ComplianceReport.Campaign> rated = r.campaigns().stream().filter(c -> c.sends() > 0).toList();
        double ct = r.thresholds().complaintRate();
        double bt = r.thresholds().bounceRate();
        if (!rated.isEmpty()) {
            double cMax = Math.max(0.0035, Math.max(ct * 1.2, rated.stream().mapToDouble(ComplianceReport.Campaign::complaintRate).max().orElse(0) * 1.1));
            b.append("<h3>Complaint rate</h3>\n");
            rateChart(b, "chart-complaints", "Complaint rate per campaign",
                    "Complaints per send for each campaign, against the guard's threshold of " + ReportText.percent(ct)
                            + " and Gmail's 0.1% (stay below) and 0.3% (never reach) lines.",
                    rated, true, cMax, List.of(new Line(ct, "guard " + ReportText.percent(ct), "#1f2328", "4 3"),
                            new Line(0.001, "Gmail 0.1%", "#0072B2", "2 2"), new Line(0.003, "Gmail 0.3%", BAD, "6 3")), r.thresholds());
            double bMax = Math.max(bt * 1.3, rated.stream().mapToDouble(ComplianceReport.Campaign::bounceRate).max().orElse(0) * 1.1);
            b.append("<h3>Hard-bounce rate</h3>\n");
            rateChart(b, "chart-bounces", "Hard-bounce rate per campaign",
                    "Hard bounces per send for each campaign, against the guard's threshold of " + ReportText.percent(bt) + ".",
                    rated, false, bMax, List.of(new Line(bt, "guard " + ReportText.percent(bt), "#1f2328", "4 3")), r.thresholds());
        }
        b.append("<table><caption class=\"note\">Bounces and complaints recorded in the period; sends and rates from the campaign "
                + "guard's counters</caption><thead><tr><th scope=\"col\">Campaign</th><th scope=\"col\" class=\"n\">Bounces</th>"
                + "<th scope=\"col\" class=\"n\">Complaints</th><th scope=\"col\" class=\"n\">Sends</th><th scope=\"col\" class=\"n\">"
                + "Bounce rate</th><th scope=\"col\" class=\"n\">Complaint rate</th><th scope=\"col\">Status</th></tr></thead><tbody>\n");
        for (ComplianceReport.Campaign c : r.campaigns()) {
            b.append("<tr><td>").append(escape(c.campaign())).append("</td><td class=\"n\">").append(c.bounces())
                    .append("</td><td class=\"n\">").append(c.complaints()).append("</td><td class=\"n\">").append(c.sends())
                    .append("</td><td class=\"n\">").append(escape(ReportText.percent(c.bounceRate())))
                    .append("</td><td class=\"n\">").append(escape(ReportText.percent(c.complaintRate()))).append("</td><td>")
                    .append(c.paused() ? "<span class=\"bad\">Paused</span> since "
                            + escape(c.pausedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()) : "Sending")
                    .append("</td></tr>\n");
        }
        if (r.campaigns().isEmpty()) {
            b.append("<tr><td colspan=\"7\">No campaign recorded.</td></tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    private record Line(double value, String label, String color, String dash) {
    }

    /** Over as the guard judges it (its minimum of sends included), so the report and the guard agree. */
    private static boolean over(dev.optout.campaign.GuardThresholds t, ComplianceReport.Campaign c, boolean complaints) {
        dev.optout.campaign.CampaignCounts counts = new dev.optout.campaign.CampaignCounts(c.sends(), c.countedBounces(), c.countedComplaints());
        return complaints ? t.complaintsOver(counts) : t.bouncesOver(counts);
    }

    private static void rateChart(StringBuilder b, String id, String title, String desc, List<ComplianceReport.Campaign> rated,
                                  boolean complaints, double max, List<Line> lines, dev.optout.campaign.GuardThresholds thresholds) {
        int rowH = 26;
        int top = 28;
        int left = 170;
        int plotW = W - left - 70;
        int h = top + rated.size() * rowH + 24;
        StringBuilder d = new StringBuilder(desc).append(' ');
        for (ComplianceReport.Campaign c : rated) {
            double v = complaints ? c.complaintRate() : c.bounceRate();
            d.append(c.campaign()).append(": ").append(ReportText.percent(v)).append(over(thresholds, c, complaints) ? " (over). " : ". ");
        }
        openSvg(b, id, h, title, d.toString());
        for (int i = 0; i < rated.size(); i++) {
            ComplianceReport.Campaign c = rated.get(i);
            double v = complaints ? c.complaintRate() : c.bounceRate();
            double y = top + i * rowH;
            double bw = plotW * Math.min(1, v / max);
            boolean over = over(thresholds, c, complaints);
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                    left - 6, y + 15, escape(shorten(c.campaign(), 24))));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%s</title></rect>\n",
                    left, y + 2, Math.max(1, bw), over ? BAD : "#0072B2",
                    escape(c.campaign() + ": " + ReportText.percent(v) + (over ? " (over the threshold)" : ""))));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%s</text>\n", left + Math.max(1, bw) + 4,
                    y + 15, escape(ReportText.percent(v) + (over ? " over" : ""))));
        }
        int i = 0;
        for (Line l : lines) {
            double x = left + plotW * Math.min(1, l.value / max);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"%s\"/>\n",
                    x, top - 4, x, h - 20, l.color, l.dash));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n",
                    x, i % 2 == 0 ? 12 : h - 6, l.color, escape(l.label)));
            i++;
        }
        b.append("</svg>\n");
    }

    // ---------------------------------------------------------------- the compliance clock

    private static void clock(StringBuilder b, ComplianceReport r) {
        b.append("<h2 id=\"clock\">Compliance clock</h2>\n");
        ComplianceReport.SuppressedSend longest = r.clock().longest();
        Instant from = longest == null ? r.since() : longest.blockedSince();
        Duration delay = r.clock().longestDelay();
        b.append("<p>").append(longest == null ? "No message went out after an opt-out in this period."
                : "Longest time between an opt-out and a message still sent after it: <strong>"
                + escape(ReportText.human(delay)) + "</strong> (" + escape(longest.address())
                + (longest.campaign() == null ? "" : ", campaign " + escape(longest.campaign())) + ").").append("</p>\n");
        int rowH = 30;
        int top = 10;
        int left = 220;
        int plotW = W - left - 120;
        int h = top + r.clock().verdicts().size() * rowH + 30;
        double maxH = 0;
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            maxH = Math.max(maxH, v.deadline().allowance(from, r.clock().calendars()).toMinutes() / 60.0);
        }
        double delayH = delay == null ? 0 : delay.toMinutes() / 60.0;
        maxH = Math.max(maxH, delayH) * 1.05;
        StringBuilder desc = new StringBuilder(longest == null ? "No send after an opt-out. "
                : "Longest delay " + ReportText.human(delay) + ". ");
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            desc.append(v.deadline().label()).append(" (").append(v.deadline().limit()).append("): ")
                    .append(v.met() ? "met. " : "missed, " + v.late() + " late. ");
        }
        openSvg(b, "chart-clock", h, "Longest opt-out-to-send delay against each deadline", desc.toString());
        int i = 0;
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            double y = top + i * rowH;
            double hours = v.deadline().allowance(from, r.clock().calendars()).toMinutes() / 60.0;
            double bw = plotW * hours / maxH;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\">%s</text>\n",
                    left - 6, y + 16, escape(v.deadline().label() + " \u00b7 " + v.deadline().limit())));
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"%s\" fill-opacity=\"0.25\" "
                            + "stroke=\"%s\"><title>%s</title></rect>\n", left, y + 2, bw, v.met() ? OK : BAD, v.met() ? OK : BAD,
                    escape(v.deadline().rule() + ": " + v.deadline().limit() + (v.met() ? ", met" : ", missed"))));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" font-weight=\"600\" fill=\"%s\">%s</text>\n",
                    left + bw + 6, y + 16, v.met() ? OK : BAD, v.met() ? "met" : escape("missed (" + v.late() + " late)")));
            i++;
        }
        if (delay != null) {
            double x = left + plotW * delayH / maxH;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1f2328\" stroke-width=\"2\"/>\n",
                    x, top, x, h - 22));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                    x, h - 8, escape("longest: " + ReportText.human(delay))));
        }
        b.append("</svg>\n<table><caption class=\"note\">Deadlines for honouring an opt-out</caption><thead><tr>")
                .append("<th scope=\"col\">Rule</th><th scope=\"col\">Limit</th><th scope=\"col\">Source</th><th scope=\"col\">Verdict</th>")
                .append("</tr></thead><tbody>\n");
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            b.append("<tr><td>").append(escape(v.deadline().label())).append("</td><td>").append(escape(v.deadline().limit()))
                    .append("</td><td>").append(escape(v.deadline().rule())).append("<br><span class=\"note\">")
                    .append(escape(v.deadline().url())).append("</span>")
                    .append(v.deadline().note() == null ? "" : "<br>" + escape(v.deadline().note()))
                    .append(v.deadline().facilityDays() == 0 ? "" : "<br>Unsubscribe link valid at least "
                            + v.deadline().facilityDays() + " days after the message.")
                    .append("</td><td>")
                    .append(v.met() ? "<span class=\"ok\">Met</span>" : "<span class=\"bad\">Missed</span>: " + v.late() + " late")
                    .append("</td></tr>\n");
        }
        StringBuilder calendars = new StringBuilder();
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            String j = v.deadline().jurisdiction();
            if (j != null && calendars.indexOf(j + " (") < 0) {
                java.time.LocalDate last = r.clock().calendars().lastListed(j);
                calendars.append(calendars.length() == 0 ? "" : ", ").append(j).append(" (")
                        .append(r.clock().calendars().holidays(j).size()).append(" holidays listed, to ")
                        .append(last == null ? "none" : last.toString()).append(')');
            }
        }
        b.append("</tbody></table>\n<p class=\"note\">The rules that apply: ").append(r.clock().verdicts().size())
                .append(", each judged. Times in UTC. Business days skip Saturdays, Sundays and the public holidays of the "
                        + "rule's country").append(calendars.length() == 0 ? "" : ": " + escape(calendars.toString()))
                .append("; a later day counts as a working day, which only makes a deadline earlier.</p>\n");
    }

    // ---------------------------------------------------------------- the list

    private static void sends(StringBuilder b, ComplianceReport r) {
        b.append("<h2 id=\"sends\">Messages sent while suppressed</h2>\n<table><thead><tr><th scope=\"col\">Sent (UTC)</th>")
                .append("<th scope=\"col\">Address</th><th scope=\"col\">Campaign</th><th scope=\"col\">Reason</th>")
                .append("<th scope=\"col\">Blocked since</th><th scope=\"col\" class=\"n\">Delay</th></tr></thead><tbody>\n");
        for (ComplianceReport.SuppressedSend s : r.sentWhileSuppressed()) {
            b.append("<tr><td>").append(escape(s.sentAt().toString())).append("</td><td>").append(escape(s.address()))
                    .append("</td><td>").append(escape(s.campaign() == null ? "-" : s.campaign())).append("</td><td>")
                    .append(escape(s.reason())).append(s.blockSource() == null ? "" : " (" + escape(s.blockSource()) + ")")
                    .append("</td><td>").append(escape(s.blockedSince().toString())).append("</td><td class=\"n\">")
                    .append(escape(ReportText.human(s.delay()))).append("</td></tr>\n");
        }
        if (r.sentWhileSuppressed().isEmpty()) {
            b.append("<tr><td colspan=\"6\">None: no message went to a blocked address in this period.</td></tr>\n");
        }
        b.append("</tbody></table>\n");
    }

    // ---------------------------------------------------------------- data requests

    private static void dataRequests(StringBuilder b, ComplianceReport r) {
        ComplianceReport.DataRequests dr = r.dataRequests();
        b.append("<h2 id=\"data-requests\">Data requests</h2>\n<p>Requests about a person's own data served in the period "
                + "(\"Download my data\" and \"Erase me\" on the preference page, <code>./optout forget</code>): <strong>")
                .append(dr.total()).append("</strong>")
                .append(dr.total() == 0 ? "." : "; the longest took <strong>" + escape(ReportText.human(dr.longest())) + "</strong> "
                        + "from the request to its serving.").append("</p>\n");
        b.append("<table><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\" class=\"n\">Served</th></tr></thead><tbody>\n");
        dr.byKind().forEach((k, v) -> b.append("<tr><td>").append(escape(k)).append("</td><td class=\"n\">").append(v).append("</td></tr>\n"));
        dr.bySource().forEach((k, v) -> b.append("<tr><td>from ").append(escape(k)).append("</td><td class=\"n\">").append(v)
                .append("</td></tr>\n"));
        if (dr.total() == 0) {
            b.append("<tr><td colspan=\"2\">None in this period.</td></tr>\n");
        }
        b.append("</tbody></table>\n<p>UU PDP, 3\u00d724 hours: ").append(dr.met() ? "<span class=\"ok\">met</span>"
                : "<span class=\"bad\">MISSED: " + dr.late() + " request(s) served later</span>").append(". <span class=\"note\">")
                .append(escape(ComplianceReport.DataRequests.RULE)).append(", ").append(escape(ComplianceReport.DataRequests.URL))
                .append("</span></p>\n");
    }

    // ---------------------------------------------------------------- helpers

    private static void openSvg(StringBuilder b, String id, int height, String title, String desc) {
        b.append("<svg id=\"").append(id).append("\" role=\"img\" aria-labelledby=\"").append(id).append("-title ").append(id)
                .append("-desc\" viewBox=\"0 0 ").append(W).append(' ').append(height)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\">\n<title id=\"").append(id)
                .append("-title\">").append(escape(title)).append("</title>\n<desc id=\"").append(id).append("-desc\">")
                .append(escape(desc)).append("</desc>\n");
    }

    private static void axisY(StringBuilder b, int left, int top, int plotW, int plotH, long yMax) {
        for (int k = 0; k <= 4; k++) {
            double y = top + plotH - plotH * k / 4.0;
            long v = yMax * k / 4;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d0d7de\"/>\n",
                    left, y, left + plotW, y));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>\n",
                    left - 4, y + 4, v));
        }
    }

    /** A round top for the axis: four ticks of 1, 2 or 5 times a power of ten. */
    private static long niceCeiling(long max) {
        long raw = Math.max(1, (max + 3) / 4);
        long p = 1;
        while (p * 10 <= raw) {
            p *= 10;
        }
        long step = raw <= p ? p : raw <= 2 * p ? 2 * p : raw <= 5 * p ? 5 * p : 10 * p;
        return step * 4;
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
    }

    private static String day(Instant t) {
        return t.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
