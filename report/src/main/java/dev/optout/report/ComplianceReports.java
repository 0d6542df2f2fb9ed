package dev.optout.report;

import static dev.optout.suppression.TableLayout.COUNTER_SK;
import static dev.optout.suppression.TableLayout.GUARD_SK;
import static dev.optout.suppression.TableLayout.HISTORY_PREFIX;
import static dev.optout.suppression.TableLayout.PK;
import static dev.optout.suppression.TableLayout.SK;
import static dev.optout.suppression.TableLayout.STATE_SK;
import static dev.optout.suppression.TableLayout.s;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.suppression.Action;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.TableLayout;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Builds the {@link ComplianceReport} of a period by streaming the table: a parallel Scan (one
 * thread per segment) that keeps only what the report needs (history items of the period with an
 * action it counts, campaign counter and guard items, data-request records of the period; filtered
 * by DynamoDB, projected), page by
 * page. Nothing holds the table: each segment folds its pages into counts and the few findings;
 * the addresses of those findings are then read by key (masked in the report).
 *
 * <pre>
 * ComplianceReport r = ComplianceReports.build(dynamo, "optout-table", Instant.now().minus(Duration.ofDays(30)), Clock.systemUTC());
 * System.out.print(ReportText.render(r));
 * </pre>
 *
 * Note that a Scan reads (and is billed for) every item, filtered or not: run it for reports, not
 * in a request path. Failures are {@link StoreUnavailableException}.
 */
public final class ComplianceReports {
    /** Unprocessed keys of the report's address reads: 10 attempts, waits of up to 640 ms (the command line, not SnapStart). */
    private static final dev.optout.suppression.UnprocessedRetry REPORT_RETRY = new dev.optout.suppression.UnprocessedRetry(20, 640, 10,
            new dev.optout.snapstart.RenewableRandom());

    public static final int DEFAULT_SEGMENTS = 4;
    private static final List<Action> COUNTED = List.of(Action.UNSUBSCRIBE_ALL, Action.UNSUBSCRIBE_TOPIC,
            Action.HARD_BOUNCE, Action.SOFT_BOUNCE_SUPPRESS, Action.COMPLAINT, Action.SENDER_REJECTION, Action.SENT_WHILE_SUPPRESSED);

    private ComplianceReports() {
    }

    /** The report from {@code since} until now, with the default guard thresholds and scan segments. */
    public static ComplianceReport build(DynamoDbClient dynamo, String table, Instant since, Clock clock) {
        return build(dynamo, table, since, clock, GuardThresholds.DEFAULTS, DEFAULT_SEGMENTS);
    }

    /**
     * @param thresholds the thresholds rates are shown against (the stack's parameters)
     * @param segments   parallel Scan segments (threads), 1..64
     */
    public static ComplianceReport build(DynamoDbClient dynamo, String table, Instant since, Clock clock,
                                         GuardThresholds thresholds, int segments) {
        return build(dynamo, table, since, clock, thresholds, segments, Rules.DEFAULT);
    }

    /**
     * The rules the compliance clock judges, and the holiday calendars their business days skip.
     *
     * @param laws      the deadlines that apply (configuration chooses; default all)
     * @param calendars public holidays per jurisdiction
     */
    public record Rules(Set<ComplianceDeadline> laws, HolidayCalendars calendars) {
        public static final Rules DEFAULT = new Rules(java.util.EnumSet.allOf(ComplianceDeadline.class), HolidayCalendars.bundled());

        public Rules {
            if (laws.isEmpty()) {
                throw new IllegalArgumentException("at least one rule must apply");
            }
            laws = java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(laws));
        }
    }

    /** With the rules of the compliance clock chosen. */
    public static ComplianceReport build(DynamoDbClient dynamo, String table, Instant since, Clock clock,
                                         GuardThresholds thresholds, int segments, Rules rules) {
        if (segments < 1 || segments > 64) {
            throw new IllegalArgumentException("segments must be 1..64, got " + segments);
        }
        // the period ends at a whole second: the report writes it to the second, and the next report can start there
        Instant until = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (since.isAfter(until)) {
            throw new IllegalArgumentException("the period starts after now: " + since);
        }
        ExecutorService pool = Executors.newFixedThreadPool(segments, r -> {
            Thread t = new Thread(r, "optout-report-scan");
            t.setDaemon(true);
            return t;
        });
        Fold total = new Fold();
        try {
            List<Future<Fold>> parts = new ArrayList<>();
            for (int i = 0; i < segments; i++) {
                int segment = i;
                parts.add(pool.submit(() -> scanSegment(dynamo, table, since, until, segment, segments)));
            }
            for (Future<Fold> f : parts) {
                total.merge(f.get());
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof StoreUnavailableException sue ? sue
                    : new StoreUnavailableException("scanning the suppression table failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while scanning the suppression table");
        } finally {
            pool.shutdownNow();
        }
        TreeSet<String> pks = new TreeSet<>(total.findings.stream().map(Finding::pk).toList());
        total.providerEvents.forEach(e -> pks.add(e.pk()));
        return assemble(total, since, until, thresholds, addresses(dynamo, table, pks), rules);
    }

    private static Fold scanSegment(DynamoDbClient dynamo, String table, Instant since, Instant until, int segment,
                                    int segments) {
        Map<String, String> names = new HashMap<>();
        names.put("#pk", PK);
        names.put("#sk", SK);
        names.put("#action", "action");
        names.put("#at", "at");
        names.put("#src", "src");
        names.put("#cmp", "cmp");
        names.put("#topic", "topic");
        names.put("#ev", "evidence");
        names.put("#paused", "paused");
        names.put("#pausedAt", "pausedAt");
        names.put("#sends", "sends");
        names.put("#bounces", "bounces");
        names.put("#complaints", "complaints");
        names.put("#request", "request");
        names.put("#requestedAt", "requestedAt");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":h", s(HISTORY_PREFIX));
        // ISO-8601 strings compare as times only at equal precision: filter a second early, exactly below.
        values.put(":from", s(since.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1).toString()));
        values.put(":n", s(COUNTER_SK));
        values.put(":g", s(GUARD_SK));
        values.put(":dr", s(dev.optout.suppression.DataRequest.PREFIX));
        List<String> in = new ArrayList<>();
        for (int i = 0; i < COUNTED.size(); i++) {
            values.put(":a" + i, s(COUNTED.get(i).name()));
            in.add(":a" + i);
        }
        String filter = "(begins_with(#sk, :h) AND #at >= :from AND #action IN (" + String.join(", ", in) + "))"
                + " OR #sk = :n OR #sk = :g OR (begins_with(#pk, :dr) AND #at >= :from)";
        Fold fold = new Fold();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder req = ScanRequest.builder().tableName(table).segment(segment).totalSegments(segments)
                    .filterExpression(filter).projectionExpression(String.join(", ", names.keySet()))
                    .expressionAttributeNames(names).expressionAttributeValues(values);
            if (start != null) {
                req.exclusiveStartKey(start);
            }
            ScanResponse page;
            try {
                page = dynamo.scan(req.build());
            } catch (SdkException e) {
                throw new StoreUnavailableException("Scan of " + table + " failed: " + e.getMessage(), e);
            }
            fold.scanned += page.scannedCount() == null ? 0 : page.scannedCount();
            for (Map<String, AttributeValue> item : page.items()) {
                fold.add(item, since, until);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return fold;
    }

    /** The address kept in each partition (erased ones are absent), read by key (100 keys a request). */
    private static Map<String, EmailAddress> addresses(DynamoDbClient dynamo, String table, java.util.Collection<String> keys) {
        List<String> pks = new ArrayList<>(keys);
        Map<String, EmailAddress> masked = new HashMap<>();
        for (int i = 0; i < pks.size(); i += 100) {
            List<Map<String, AttributeValue>> pending = new ArrayList<>();
            pks.subList(i, Math.min(pks.size(), i + 100)).forEach(pk -> pending.add(Map.of(PK, s(pk), SK, s(STATE_SK))));
            REPORT_RETRY.drain(pending, request -> {
                try {
                    var response = dynamo.batchGetItem(r -> r.requestItems(Map.of(table, KeysAndAttributes.builder()
                            .keys(request).projectionExpression("#pk, #addr")
                            .expressionAttributeNames(Map.of("#pk", PK, "#addr", TableLayout.ADDRESS)).build())));
                    for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                        AttributeValue a = item.get(TableLayout.ADDRESS);
                        EmailAddress e = a == null ? null : AddressParser.parseOrNull(a.s());
                        if (e != null) {
                            masked.put(item.get(PK).s(), e);
                        }
                    }
                    KeysAndAttributes un = response.unprocessedKeys().get(table);
                    return un == null ? List.of() : un.keys();
                } catch (SdkException e) {
                    throw new StoreUnavailableException("reading addresses for the report failed: " + e.getMessage(), e);
                }
            }, wait -> true, "report address keys");
        }
        return masked;
    }

    private static ComplianceReport assemble(Fold f, Instant since, Instant until, GuardThresholds thresholds,
                                             Map<String, EmailAddress> kept, Rules rules) {
        Map<String, Long> bySource = new LinkedHashMap<>();
        f.bySource.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> bySource.put(e.getKey(), e.getValue()));
        SortedMap<LocalDate, Map<String, Long>> byDay = new TreeMap<>(f.byDay);
        TreeSet<String> names = new TreeSet<>();
        names.addAll(f.campaignBounces.keySet());
        names.addAll(f.campaignComplaints.keySet());
        names.addAll(f.counted.keySet());
        names.addAll(f.pausedAt.keySet());
        List<ComplianceReport.Campaign> campaigns = new ArrayList<>();
        for (String c : names) {
            long[] n = f.counted.getOrDefault(c, new long[3]);
            Instant pausedAt = f.pausedAt.get(c);
            campaigns.add(new ComplianceReport.Campaign(c, f.campaignBounces.getOrDefault(c, 0L),
                    f.campaignComplaints.getOrDefault(c, 0L), n[0], n[1], n[2], pausedAt != null, pausedAt));
        }
        List<ComplianceReport.SuppressedSend> sends = new ArrayList<>();
        for (Finding x : f.findings) {
            EmailAddress known = kept.get(x.pk);
            String addr = known != null ? known.masked() : ("key " + x.pk.substring(TableLayout.ADDRESS_PREFIX.length(),
                    Math.min(x.pk.length(), TableLayout.ADDRESS_PREFIX.length() + 10)) + "…");
            sends.add(new ComplianceReport.SuppressedSend(addr, x.campaign, x.topic, x.reason, x.blockSource,
                    x.blockedSince, x.sentAt, x.messageId));
        }
        sends.sort(Comparator.comparing(ComplianceReport.SuppressedSend::sentAt)
                .thenComparing(ComplianceReport.SuppressedSend::address));
        ComplianceReport.SuppressedSend longest = sends.stream().filter(ComplianceReport.SuppressedSend::afterOptOut)
                .max(Comparator.comparing(ComplianceReport.SuppressedSend::delay)).orElse(null);
        List<ComplianceReport.Verdict> verdicts = new ArrayList<>();
        for (ComplianceDeadline d : rules.laws()) {
            long late = sends.stream().filter(ComplianceReport.SuppressedSend::afterOptOut)
                    .filter(x -> x.sentAt().isAfter(d.deadline(x.blockedSince(), rules.calendars()))).count();
            verdicts.add(new ComplianceReport.Verdict(d, late, late == 0));
        }
        Map<String, SortedMap<LocalDate, Map<String, Long>>> byProvider = new LinkedHashMap<>();
        for (String kind : ComplianceReport.PROVIDER_KINDS) {
            byProvider.put(kind, new TreeMap<>());
        }
        for (ProviderEvent e : f.providerEvents) {
            String domain = e.domain() != null ? e.domain() : (kept.containsKey(e.pk()) ? kept.get(e.pk()).domain() : null);
            byProvider.get(e.kind()).computeIfAbsent(e.day(), d -> new LinkedHashMap<>())
                    .merge(MailboxProvider.of(domain), 1L, Long::sum);
        }
        ComplianceReport.Totals totals = new ComplianceReport.Totals(sorted(f.byReason), sorted(f.bySourceAll),
                f.noCampaign[0], f.noCampaign[1], byProvider);
        ComplianceReport.DataRequests dataRequests = new ComplianceReport.DataRequests(sorted(f.dataByKind), sorted(f.dataBySource),
                f.longestData, f.dataLate);
        return new ComplianceReport(since, until, bySource, byDay, campaigns, sends,
                new ComplianceReport.ClockResult(longest, verdicts, rules.calendars()), thresholds, f.scanned, totals, dataRequests);
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** A bounce, complaint or sender rejection of the period, to count per mailbox provider and day. */
    private record ProviderEvent(String pk, LocalDate day, String kind, String domain) {
    }

    private record Finding(String pk, String campaign, String topic, String reason, String blockSource,
                           Instant blockedSince, Instant sentAt, String messageId) {
    }

    /** One segment's share of the report: counts and findings, never the items. */
    private static final class Fold {
        final Map<String, Long> bySource = new HashMap<>();
        final Map<LocalDate, Map<String, Long>> byDay = new HashMap<>();
        final Map<String, Long> campaignBounces = new HashMap<>();
        final Map<String, Long> campaignComplaints = new HashMap<>();
        final Map<String, long[]> counted = new HashMap<>();
        final Map<String, Instant> pausedAt = new HashMap<>();
        final List<Finding> findings = new ArrayList<>();
        final List<ProviderEvent> providerEvents = new ArrayList<>();
        final Map<String, Long> byReason = new HashMap<>();
        final Map<String, Long> bySourceAll = new HashMap<>();
        /** bounces, complaints without a campaign */
        final long[] noCampaign = new long[2];
        long scanned;
        final Map<String, Long> dataByKind = new HashMap<>();
        final Map<String, Long> dataBySource = new HashMap<>();
        java.time.Duration longestData;
        long dataLate;

        void add(Map<String, AttributeValue> item, Instant since, Instant until) {
            String sk = item.get(SK).s();
            if (COUNTER_SK.equals(sk)) {
                String c = text(item, "cmp");
                if (c != null) {
                    var n = CampaignGuard.counts(item);
                    long[] sum = counted.computeIfAbsent(c, k -> new long[3]);
                    sum[0] += n.sends();
                    sum[1] += n.bounces();
                    sum[2] += n.complaints();
                }
                return;
            }
            if (GUARD_SK.equals(sk)) {
                String pk = item.get(PK).s();
                String c = pk.substring(TableLayout.CAMPAIGN_PREFIX.length());
                counted.computeIfAbsent(c, k -> new long[3]);
                AttributeValue p = item.get("paused");
                if (p != null && Boolean.TRUE.equals(p.bool()) && item.containsKey("pausedAt")) {
                    pausedAt.put(c, Instant.parse(item.get("pausedAt").s()));
                }
                return;
            }
            Instant at = Instant.parse(item.get("at").s());
            if (at.isBefore(since) || at.isAfter(until)) {
                return;
            }
            if (item.get(PK).s().startsWith(dev.optout.suppression.DataRequest.PREFIX)) {
                addDataRequest(item, at);
                return;
            }
            Action action = Action.valueOf(item.get("action").s());
            String campaign = text(item, "cmp");
            byReason.merge(action.name(), 1L, Long::sum);
            String source = text(item, "src");
            bySourceAll.merge(source == null ? "unknown" : source, 1L, Long::sum);
            LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
            switch (action) {
                case UNSUBSCRIBE_ALL, UNSUBSCRIBE_TOPIC -> {
                    String src = text(item, "src");
                    bySource.merge(src, 1L, Long::sum);
                    byDay.computeIfAbsent(at.atZone(ZoneOffset.UTC).toLocalDate(), d -> new HashMap<>()).merge(src, 1L, Long::sum);
                }
                case HARD_BOUNCE, SOFT_BOUNCE_SUPPRESS -> {
                    if (campaign != null) {
                        campaignBounces.merge(campaign, 1L, Long::sum);
                    } else {
                        noCampaign[0]++;
                    }
                    providerEvents.add(new ProviderEvent(item.get(PK).s(), day, ComplianceReport.BOUNCES, null));
                }
                case COMPLAINT -> {
                    if (campaign != null) {
                        campaignComplaints.merge(campaign, 1L, Long::sum);
                    } else {
                        noCampaign[1]++;
                    }
                    providerEvents.add(new ProviderEvent(item.get(PK).s(), day, ComplianceReport.COMPLAINTS, null));
                }
                case SENDER_REJECTION -> {
                    Map<String, AttributeValue> ev = item.containsKey("evidence") ? item.get("evidence").m() : Map.of();
                    String domain = ev.containsKey("receivingDomain") ? ev.get("receivingDomain").s() : null;
                    providerEvents.add(new ProviderEvent(item.get(PK).s(), day, ComplianceReport.SENDER_REJECTIONS, domain));
                }
                case SENT_WHILE_SUPPRESSED -> {
                    Map<String, AttributeValue> ev = item.containsKey("evidence") ? item.get("evidence").m() : Map.of();
                    String since2 = ev.containsKey("blockedSince") ? ev.get("blockedSince").s() : null;
                    if (since2 != null) {
                        findings.add(new Finding(item.get(PK).s(), campaign, text(item, "topic"),
                                ev.containsKey("reason") ? ev.get("reason").s() : null,
                                ev.containsKey("blockSource") ? ev.get("blockSource").s() : null,
                                Instant.parse(since2), at, ev.containsKey("sesMessageId") ? ev.get("sesMessageId").s() : null));
                    }
                }
                default -> {
                }
            }
        }

        /** A served data request: counted, and the time from the request to its serving held against 3×24 hours. */
        private void addDataRequest(Map<String, AttributeValue> item, Instant servedAt) {
            dataByKind.merge(text(item, "request"), 1L, Long::sum);
            String source = text(item, "src");
            dataBySource.merge(source == null ? "unknown" : source, 1L, Long::sum);
            String asked = text(item, "requestedAt");
            java.time.Duration took = asked == null ? java.time.Duration.ZERO : java.time.Duration.between(Instant.parse(asked), servedAt);
            if (longestData == null || took.compareTo(longestData) > 0) {
                longestData = took;
            }
            if (took.compareTo(ComplianceReport.DataRequests.DEADLINE) > 0) {
                dataLate++;
            }
        }

        void merge(Fold o) {
            o.bySource.forEach((k, v) -> bySource.merge(k, v, Long::sum));
            o.byDay.forEach((d, m) -> m.forEach((k, v) -> byDay.computeIfAbsent(d, x -> new HashMap<>()).merge(k, v, Long::sum)));
            o.campaignBounces.forEach((k, v) -> campaignBounces.merge(k, v, Long::sum));
            o.campaignComplaints.forEach((k, v) -> campaignComplaints.merge(k, v, Long::sum));
            o.counted.forEach((k, v) -> {
                long[] sum = counted.computeIfAbsent(k, x -> new long[3]);
                for (int i = 0; i < 3; i++) {
                    sum[i] += v[i];
                }
            });
            pausedAt.putAll(o.pausedAt);
            findings.addAll(o.findings);
            providerEvents.addAll(o.providerEvents);
            o.byReason.forEach((k, v) -> byReason.merge(k, v, Long::sum));
            o.bySourceAll.forEach((k, v) -> bySourceAll.merge(k, v, Long::sum));
            noCampaign[0] += o.noCampaign[0];
            noCampaign[1] += o.noCampaign[1];
            scanned += o.scanned;
            o.dataByKind.forEach((k, v) -> dataByKind.merge(k, v, Long::sum));
            o.dataBySource.forEach((k, v) -> dataBySource.merge(k, v, Long::sum));
            if (o.longestData != null && (longestData == null || o.longestData.compareTo(longestData) > 0)) {
                longestData = o.longestData;
            }
            dataLate += o.dataLate;
        }

        private static String text(Map<String, AttributeValue> item, String name) {
            AttributeValue v = item.get(name);
            return v == null ? null : v.s();
        }
    }
}
