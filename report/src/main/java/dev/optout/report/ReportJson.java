package dev.optout.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.optout.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report as JSON for machines ({@code --json}). Times are ISO-8601 UTC, durations in seconds,
 * rates as fractions ({@code 0.001} = 0.1%); values that do not apply are {@code null}.
 */
public final class ReportJson {
    private ReportJson() {
    }

    public static String render(ComplianceReport r) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serializable", e);
        }
    }

    /** The JSON tree as maps and lists. */
    public static Map<String, Object> tree(ComplianceReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("period", Map.of("since", r.since().toString(), "until", r.until().toString()));
        Map<String, Object> optOuts = new LinkedHashMap<>();
        optOuts.put("total", r.optOutsTotal());
        optOuts.put("bySource", r.optOutsBySource());
        List<Map<String, Object>> days = new ArrayList<>();
        r.optOutsByDay().forEach((d, m) -> days.add(Map.of("date", d.toString(),
                "total", m.values().stream().mapToLong(Long::longValue).sum(), "bySource", m)));
        optOuts.put("byDay", days);
        root.put("optOuts", optOuts);
        ComplianceReport.Totals t = r.totals();
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("byReason", t.byReason());
        totals.put("bySource", t.bySource());
        totals.put("bouncesWithoutCampaign", t.bouncesWithoutCampaign());
        totals.put("complaintsWithoutCampaign", t.complaintsWithoutCampaign());
        Map<String, Object> providers = new LinkedHashMap<>();
        for (String kind : ComplianceReport.PROVIDER_KINDS) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("total", t.providerTotals(kind));
            List<Map<String, Object>> byDay = new ArrayList<>();
            t.byProvider().get(kind).forEach((d, m) -> byDay.add(Map.of("date", d.toString(), "byProvider", m)));
            k.put("byDay", byDay);
            providers.put(kind, k);
        }
        totals.put("byMailboxProvider", providers);
        totals.put("note", ReportText.GMAIL_COMPLAINTS);
        root.put("totals", totals);
        List<Map<String, Object>> campaigns = new ArrayList<>();
        for (ComplianceReport.Campaign c : r.campaigns()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("campaign", c.campaign());
            m.put("bounces", c.bounces());
            m.put("complaints", c.complaints());
            m.put("sends", c.sends());
            m.put("countedBounces", c.countedBounces());
            m.put("countedComplaints", c.countedComplaints());
            m.put("bounceRate", c.bounceRate());
            m.put("complaintRate", c.complaintRate());
            m.put("paused", c.paused());
            m.put("pausedAt", time(c.pausedAt()));
            campaigns.add(m);
        }
        root.put("campaigns", campaigns);
        root.put("thresholds", Map.of("complaintRate", r.thresholds().complaintRate(),
                "complaintMinSends", r.thresholds().complaintMinSends(), "bounceRate", r.thresholds().bounceRate(),
                "bounceMinSends", r.thresholds().bounceMinSends()));
        List<Map<String, Object>> sends = new ArrayList<>();
        r.sentWhileSuppressed().forEach(s -> sends.add(send(s)));
        root.put("sentWhileSuppressed", sends);
        Map<String, Object> clock = new LinkedHashMap<>();
        clock.put("longest", r.clock().longest() == null ? null : send(r.clock().longest()));
        List<Map<String, Object>> deadlines = new ArrayList<>();
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", v.deadline().name());
            m.put("label", v.deadline().label());
            m.put("limit", v.deadline().limit());
            m.put("source", v.deadline().rule());
            m.put("url", v.deadline().url());
            m.put("jurisdiction", v.deadline().jurisdiction());
            m.put("facilityDays", v.deadline().facilityDays() == 0 ? null : v.deadline().facilityDays());
            m.put("note", v.deadline().note());
            m.put("met", v.met());
            m.put("late", v.late());
            deadlines.add(m);
        }
        clock.put("deadlines", deadlines);
        clock.put("laws", r.clock().verdicts().stream().map(v -> v.deadline().name()).toList());
        Map<String, Object> calendars = new LinkedHashMap<>();
        for (ComplianceReport.Verdict v : r.clock().verdicts()) {
            String j = v.deadline().jurisdiction();
            if (j != null && !calendars.containsKey(j)) {
                java.time.LocalDate last = r.clock().calendars().lastListed(j);
                calendars.put(j, Map.of("holidays", r.clock().calendars().holidays(j).size(),
                        "lastListed", last == null ? "none" : last.toString()));
            }
        }
        clock.put("holidayCalendars", calendars);
        root.put("complianceClock", clock);
        ComplianceReport.DataRequests dr = r.dataRequests();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("total", dr.total());
        data.put("byKind", dr.byKind());
        data.put("bySource", dr.bySource());
        data.put("longestSeconds", seconds(dr.longest()));
        data.put("deadlineSeconds", ComplianceReport.DataRequests.DEADLINE.toSeconds());
        data.put("met", dr.met());
        data.put("late", dr.late());
        data.put("source", ComplianceReport.DataRequests.RULE);
        data.put("url", ComplianceReport.DataRequests.URL);
        root.put("dataRequests", data);
        root.put("itemsScanned", r.itemsScanned());
        return root;
    }

    private static Map<String, Object> send(ComplianceReport.SuppressedSend s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", s.address());
        m.put("campaign", s.campaign());
        m.put("topic", s.topic());
        m.put("reason", s.reason());
        m.put("blockSource", s.blockSource());
        m.put("blockedSince", time(s.blockedSince()));
        m.put("sentAt", time(s.sentAt()));
        m.put("delaySeconds", seconds(s.delay()));
        m.put("sesMessageId", s.sesMessageId());
        return m;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }
}
