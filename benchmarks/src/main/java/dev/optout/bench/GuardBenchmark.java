package dev.optout.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.CampaignPauses;
import dev.optout.check.LinkProvider;
import dev.optout.check.PresendCheck;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.function.feedback.SesFeedbackHandler;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.observability.EventLog;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.suppression.TableLayout;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The campaign guard's two costs, against the local AWS (moto):
 * <ol>
 *   <li><b>burst</b>: SES Send events (one recipient each, as bulk marketing sends them) plus some
 *   bounces and complaints for ONE campaign, fed through {@link SesFeedbackHandler} in SQS batches
 *   of 10 by several concurrent "invocations". Counts every DynamoDB error by type (throttling,
 *   conditional-check) and, since moto never throttles, the most writes any one counter key took
 *   within one second, against DynamoDB's 1,000 write units a second per partition;</li>
 *   <li><b>check</b>: a 10,000-recipient check with and without the guard, the same harness,
 *   alternating which goes first, median of the rounds.</li>
 * </ol>
 * Run: {@code scripts/bench guard [--events N] [--invocations N] [--burst-rate N] [--recipients N] [--rounds N]}.
 */
public final class GuardBenchmark {
    /** The records carry raw SES bodies: accepted as with raw message delivery enabled (no SNS envelope to verify). */
    static final FeedbackReader RAW_SES_BODIES = FeedbackReader.from(
            new FeedbackAuthenticity("arn:aws:sns:us-east-1:123456789012:optout-ses-feedback", false, true));
    static final String CAMPAIGN = "bench-campaign";

    private GuardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = intArg(args, "--events", 2_000);
        int invocations = intArg(args, "--invocations", 4);
        int recipients = intArg(args, "--recipients", CampaignBenchmark.maxRecipients(null)); // the most a check with every field may name
        int rounds = intArg(args, "--rounds", 5);
        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("campaign guard benchmark: %s, %d cores%n", aws.kind(), Runtime.getRuntime().availableProcessors());
            burst(aws, events, invocations, intArg(args, "--burst-rate", 10_000));
            checkCost(aws, recipients, rounds);
        }
    }

    // ---------------------------------------------------------------- 1. burst of SES events

    private static void burst(LocalAws aws, int events, int invocations, int burstRate) throws Exception {
        Probe probe = new Probe();
        DynamoDbClient dynamo = aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(probe)));
        String table = aws.createSuppressionTable();
        AddressKeys keys = new AddressKeys(new byte[32]);
        SuppressionStore store = new SuppressionStore(dynamo, table, keys, Clock.systemUTC());
        TopicCatalog catalog = TopicCatalog.bundled();
        GuardThresholds thresholds = GuardThresholds.DEFAULTS;
        CampaignGuard guard = new CampaignGuard(dynamo, table, thresholds, Clock.systemUTC());
        EventLog quiet = new EventLog("ses-feedback", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        SesFeedbackHandler handler = new SesFeedbackHandler(RAW_SES_BODIES, new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS,
                SuppressionMirror.NONE, new SendAudit(store, catalog)), guard, quiet, SesFeedbackHandler.DEFAULT_PARALLELISM);

        List<SQSEvent.SQSMessage> messages = messages(events);
        List<List<SQSEvent.SQSMessage>> batches = new ArrayList<>();
        for (int i = 0; i < messages.size(); i += 10) {
            batches.add(messages.subList(i, Math.min(messages.size(), i + 10)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(invocations);
        probe.start();
        long t0 = System.nanoTime();
        List<SQSEvent.SQSMessage> failed = deliver(handler, pool, batches);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int failedFirst = failed.size();
        // As SQS would: failed records come back (their table changes are idempotent).
        int passes = 0;
        while (!failed.isEmpty() && passes++ < 5) {
            List<List<SQSEvent.SQSMessage>> again = new ArrayList<>();
            for (int i = 0; i < failed.size(); i += 10) {
                again.add(failed.subList(i, Math.min(failed.size(), i + 10)));
            }
            failed = deliver(handler, pool, again);
        }
        pool.shutdownNow();

        var status = guard.status(CAMPAIGN);
        int shardsWritten = probe.counterWrites.keySet().size();
        long counterWrites = probe.counterWrites.values().stream().mapToLong(q -> q.size()).sum();
        int maxPerKeyPerSecond = probe.maxWritesPerKeyInOneSecond();
        double eventsPerSecond = events / seconds;
        System.out.printf("%n1. burst: %,d SES events for one campaign (%d%% Send, the rest bounces and complaints), SQS batches of 10, "
                + "%d concurrent invocations, %d counter shards%n", events, expectedSends(events) * 100 / events, invocations,
                thresholds.shards());
        System.out.printf("   processed in %.1f s = %,.0f events/s on this machine; records failed on first delivery: %d "
                + "(redelivered as SQS would; still failing: %d)%n", seconds, eventsPerSecond, failedFirst, failed.size());
        System.out.printf("   counted: %,d sends, %d bounces, %d complaints (expected %,d / %d / %d)%n", status.total().sends(),
                status.total().bounces(), status.total().complaints(), expectedSends(events), expectedBounces(events),
                expectedComplaints(events));
        System.out.printf("   DynamoDB errors by type: %s%n", probe.errors.isEmpty() ? "none" : new TreeMap<>(probe.errors));
        long throttles = probe.errors.keySet().stream().filter(k -> k.contains("Throughput") || k.contains("Throttl")
                || k.contains("RequestLimit")).count();
        System.out.printf("   throttling errors (ProvisionedThroughputExceeded, Throttling, RequestLimitExceeded): %d%n", throttles);
        System.out.printf("   counter writes: %,d for %,d events (%.3f per event) over %d keys%n", counterWrites, events,
                (double) counterWrites / events, shardsWritten);
        System.out.printf("   most writes to one counter key within one second: %d (DynamoDB: 1,000 WCU per partition) = %.1f%% of the limit%n",
                maxPerKeyPerSecond, maxPerKeyPerSecond / 10.0);
        // A 10,000-events-a-second burst (--burst-rate): the writes it makes, from the writes per event measured above.
        double writesPerSecond = burstRate * (double) counterWrites / events;
        System.out.printf("   computed for a burst of %,d events/s (--burst-rate) from the measured %.3f counter writes an event: %,.0f counter"
                        + " writes/s over %d keys = %,.0f writes per key per second (%.1f%% of DynamoDB's 1,000 a partition); measured here:"
                        + " %,.0f events/s, most writes to one key in one second %d%n",
                burstRate, (double) counterWrites / events, writesPerSecond, thresholds.shards(), writesPerSecond / thresholds.shards(),
                writesPerSecond / thresholds.shards() / 10.0, eventsPerSecond, maxPerKeyPerSecond);
        double target = 1_000_000 / 600.0;
        System.out.printf("   computed for 1,000,000 sends in 10 minutes (%,.0f Send events/s): %,.0f counter writes/s over %d keys = "
                        + "%,.0f per key per second (%.1f%% of 1,000); one ADD per event on one key would be %,.0f/s (%.1fx the limit)%n",
                target, target / 10, thresholds.shards(), target / 10 / thresholds.shards(),
                target / 10 / thresholds.shards() / 10.0, target, target / 1_000);
    }

    /** Runs the batches as concurrent invocations; answers the records reported as failed. */
    private static List<SQSEvent.SQSMessage> deliver(SesFeedbackHandler handler, ExecutorService pool,
                                                     List<List<SQSEvent.SQSMessage>> batches) throws Exception {
        List<Future<List<SQSEvent.SQSMessage>>> futures = new ArrayList<>();
        for (List<SQSEvent.SQSMessage> batch : batches) {
            futures.add(pool.submit(() -> {
                SQSEvent e = new SQSEvent();
                e.setRecords(batch);
                SQSBatchResponse r = handler.handleRequest(e, null);
                List<SQSEvent.SQSMessage> failed = new ArrayList<>();
                for (SQSBatchResponse.BatchItemFailure f : r.getBatchItemFailures()) {
                    batch.stream().filter(m -> m.getMessageId().equals(f.getItemIdentifier())).forEach(failed::add);
                }
                return failed;
            }));
        }
        List<SQSEvent.SQSMessage> failed = new ArrayList<>();
        for (Future<List<SQSEvent.SQSMessage>> f : futures) {
            failed.addAll(f.get());
        }
        return failed;
    }

    private static int expectedSends(int events) {
        return events - expectedBounces(events) - expectedComplaints(events);
    }

    private static int expectedBounces(int events) {
        return events / 50; // every 50th event is a hard bounce
    }

    private static int expectedComplaints(int events) {
        return (int) java.util.stream.IntStream.range(0, events).filter(i -> i % 50 != 0 && i % 100 == 1).count();
    }

    static List<SQSEvent.SQSMessage> messages(int events) {
        Instant sent = Instant.parse("2026-11-27T09:00:00Z");
        String tags = "{\"optout-campaign\":[\"" + CAMPAIGN + "\"],\"optout-topic\":[\"newsletter\"],\"optout-purpose\":[\"marketing\"]}";
        List<SQSEvent.SQSMessage> list = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String to = "r" + i + "@example.com";
            String mail = "\"mail\":{\"timestamp\":\"" + sent + "\",\"messageId\":\"m-" + i + "\",\"destination\":[\"" + to
                    + "\"],\"tags\":" + tags + "}";
            String ses;
            if (i % 50 == 0) {
                ses = "{\"eventType\":\"Bounce\"," + mail + ",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                        + "\"timestamp\":\"" + sent.plusSeconds(5) + "\",\"feedbackId\":\"b-" + i + "\","
                        + "\"bouncedRecipients\":[{\"emailAddress\":\"" + to + "\",\"status\":\"5.1.1\"}]}}";
            } else if (i % 100 == 1) {
                ses = "{\"eventType\":\"Complaint\"," + mail + ",\"complaint\":{\"timestamp\":\"" + sent.plusSeconds(60)
                        + "\",\"feedbackId\":\"c-" + i + "\",\"complaintFeedbackType\":\"abuse\","
                        + "\"complainedRecipients\":[{\"emailAddress\":\"" + to + "\"}]}}";
            } else {
                ses = "{\"eventType\":\"Send\"," + mail + ",\"send\":{}}";
            }
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("sqs-" + i);
            m.setBody(ses);
            list.add(m);
        }
        return list;
    }

    /** Counts errors by type and remembers when each counter key was written. */
    private static final class Probe implements ExecutionInterceptor {
        final Map<String, Integer> errors = new ConcurrentHashMap<>();
        final Map<String, ConcurrentLinkedQueue<Long>> counterWrites = new ConcurrentHashMap<>();
        volatile boolean on;

        void start() {
            on = true;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (on && context.request() instanceof UpdateItemRequest u && TableLayout.COUNTER_SK.equals(u.key().get(TableLayout.SK).s())) {
                counterWrites.computeIfAbsent(u.key().get(TableLayout.PK).s(), k -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
            }
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            Throwable e = context.exception();
            String message = String.valueOf(e.getMessage());
            String operation = context.request().getClass().getSimpleName().replace("Request", "");
            errors.merge(operation + ": " + e.getClass().getSimpleName() + " (" + message.substring(0, Math.min(60, message.length()))
                    + ")", 1, Integer::sum);
        }

        /** Sliding one-second window over each key's write times. */
        int maxWritesPerKeyInOneSecond() {
            int most = 0;
            for (ConcurrentLinkedQueue<Long> q : counterWrites.values()) {
                long[] t = q.stream().mapToLong(Long::longValue).sorted().toArray();
                int start = 0;
                for (int end = 0; end < t.length; end++) {
                    while (t[end] - t[start] >= 1_000_000_000L) {
                        start++;
                    }
                    most = Math.max(most, end - start + 1);
                }
            }
            return most;
        }
    }

    // ---------------------------------------------------------------- 2. the guard's cost in the check

    private static void checkCost(LocalAws aws, int recipients, int rounds) throws Exception {
        DynamoDbClient dynamo = aws.dynamoDb();
        String table = aws.createSuppressionTable();
        AddressKeys keys = new AddressKeys(new byte[32]);
        List<String> addresses = fill(dynamo, table, keys, recipients);
        // The campaign has a guard item (counted, not paused): the read finds something, as in production.
        dynamo.putItem(r -> r.tableName(table).item(Map.of(TableLayout.PK, AttributeValue.fromS(TableLayout.CAMPAIGN_PREFIX + CAMPAIGN),
                TableLayout.SK, AttributeValue.fromS(TableLayout.GUARD_SK), "paused", AttributeValue.fromBool(false))));
        BatchStateReader reader = new BatchStateReader(dynamo, table, 8);
        EventLog quiet = new EventLog("presend-check", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        PresendCheckHandler without = new PresendCheckHandler(new PresendCheck(TopicCatalog.bundled(), keys, reader,
                LinkProvider.NONE, CampaignPauses.NONE), quiet, Clock.systemUTC());
        PresendCheckHandler with = new PresendCheckHandler(new PresendCheck(TopicCatalog.bundled(), keys, reader,
                LinkProvider.NONE, new CampaignGuard(dynamo, table, GuardThresholds.DEFAULTS, Clock.systemUTC())), quiet, Clock.systemUTC());
        byte[] request = Json.MAPPER.writeValueAsBytes(Map.of("topic", "newsletter", "campaignId", CAMPAIGN, "recipients", addresses));

        check(without, request);
        check(with, request);
        long[] withNs = new long[rounds];
        long[] withoutNs = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean withFirst = r % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean useWith = withFirst == (k == 0);
                long t0 = System.nanoTime();
                check(useWith ? with : without, request);
                (useWith ? withNs : withoutNs)[r] = System.nanoTime() - t0;
            }
        }
        reader.close();
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = (double) withNs[r] / withoutNs[r];
        }
        Arrays.sort(ratios);
        CampaignGuard guard = new CampaignGuard(dynamo, table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        long[] readNs = new long[200];
        for (int i = 0; i < readNs.length; i++) {
            long t0 = System.nanoTime();
            guard.pausedSince(CAMPAIGN);
            readNs[i] = System.nanoTime() - t0;
        }
        double w = median(withNs) / 1e6;
        double wo = median(withoutNs) / 1e6;
        System.out.printf("%n2. the guard in a %,d-recipient check (1 in 10 suppressed), median of %d rounds, order alternating%n",
                recipients, rounds);
        System.out.printf("   without guard: %8.1f ms   (rounds %s)%n", wo, ms(withoutNs));
        System.out.printf("   with guard   : %8.1f ms   (rounds %s)%n", w, ms(withNs));
        System.out.printf("   with/without = %.3f (medians); median of the per-round ratios = %.3f (goal <= 1.05)%n", w / wo,
                ratios[rounds / 2]);
        System.out.printf("   the guard read alone (one consistent BatchGetItem of one key), median of 200: %.2f ms = %.2f%% of the check%n",
                median(readNs) / 1e6, median(readNs) / 1e6 / wo * 100);
    }

    private static List<String> fill(DynamoDbClient dynamo, String table, AddressKeys keys, int n) throws Exception {
        List<String> addresses = new ArrayList<>(n);
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String raw = "person" + i + "@example.com";
            addresses.add(raw);
            EmailAddress a = AddressParser.parse(raw);
            Map<String, AttributeValue> item = new HashMap<>(TableLayout.stateKey(keys.keyOf(a)));
            item.put(TableLayout.ADDRESS, AttributeValue.fromS(a.value()));
            item.put(TableLayout.UPDATED_AT, AttributeValue.fromS(t.toString()));
            if (i % 10 == 0) {
                item.put(TableLayout.UNSUBSCRIBED_ALL, TableLayout.markValue(new Mark(t, Source.ONE_CLICK, null, null)));
            }
            batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            if (batch.size() == 25 || i == n - 1) {
                List<WriteRequest> pending = List.copyOf(batch);
                while (!pending.isEmpty()) {
                    List<WriteRequest> req = pending;
                    pending = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, req))).unprocessedItems().getOrDefault(table, List.of());
                }
                batch.clear();
            }
        }
        return addresses;
    }

    private static void check(PresendCheckHandler handler, byte[] request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        handler.handleRequest(new ByteArrayInputStream(request), out, new LocalLambdaContext("PresendCheckFunction", Duration.ofMinutes(5)));
        if (out.size() == 0) {
            throw new IllegalStateException("check answered nothing");
        }
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static String ms(long[] ns) {
        StringBuilder b = new StringBuilder();
        for (long n : ns) {
            b.append(b.length() == 0 ? "" : ", ").append(Math.round(n / 1e6));
        }
        return b.toString();
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return def;
    }
}
