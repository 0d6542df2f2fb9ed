package dev.optout.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.address.AddressKeys;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.function.feedback.SesFeedbackHandler;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SnsCertificateUrlPolicy;
import dev.optout.feedback.SnsEnvelopeVerifier;
import dev.optout.feedback.SnsSigningCertificates;
import dev.optout.json.JsonTree;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.SnsTestSigner;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import dev.optout.observability.EventLog;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * SES feedback throughput of one handler instance against the local table (moto): the same
 * number of permanent-bounce notifications (SNS envelopes, one recipient each) processed one per
 * invocation, then ten per invocation. Prints notifications per second for both and the ratio, and
 * the CPU time a notification costs ({@link ThreadCpu}: what the store's latency hides).
 *
 * <p>Run: {@code mvn -B -q -o package -DskipTests -pl benchmarks -am} then
 * {@code java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.optout.bench.FeedbackBenchmark [count]}
 * (see README, "SES feedback").
 */
public final class FeedbackBenchmark {
    private FeedbackBenchmark() {
    }

    public static void main(String[] args) {
        boolean coreOnly = java.util.Arrays.asList(args).contains("--core");
        int count = java.util.Arrays.stream(args).filter(a -> !a.startsWith("--")).findFirst().map(Integer::parseInt).orElse(300);
        System.out.printf("SES feedback benchmark, %d cores, load average %.2f%n", Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        double coreUs = core(SnsTestSigner.load());
        if (coreOnly) {
            return;
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("%nthrough the handler: %d signed notifications per mode, %s%n", count, aws.kind());
            SnsTestSigner signer = SnsTestSigner.load();
            RequestCounter requests = new RequestCounter();
            DynamoDbClient dynamo = aws.client(DynamoDbClient.builder()
                    .overrideConfiguration(c -> c.addExecutionInterceptor(requests)));
            // A fresh table per mode: moto slows down as a table grows, which would favour the first mode.
            run(handler(aws, dynamo, key, signer), messages(signer, "warmup", 300), 10, new double[1]); // JIT and connection pool
            double[] singleCpu = new double[1];
            double[] batchedCpu = new double[1];
            long before = requests.count();
            double single = run(handler(aws, dynamo, key, signer), messages(signer, "single", count), 1, singleCpu);
            double singleRequests = (requests.count() - before) / (double) count;
            before = requests.count();
            double batched = run(handler(aws, dynamo, key, signer), messages(signer, "batched", count), 10, batchedCpu);
            double batchedRequests = (requests.count() - before) / (double) count;

            System.out.printf("one at a time : %8.1f notifications/s, CPU %6.0f us a notification, %.2f DynamoDB requests each%n",
                    single, singleCpu[0], singleRequests);
            System.out.printf("batches of 10 : %8.1f notifications/s, CPU %6.0f us a notification, %.2f DynamoDB requests each%n",
                    batched, batchedCpu[0], batchedRequests);
            System.out.printf("ratio         : %8.2fx%n", batched / single);
            System.out.printf("of which ours : %6.0f us (the core above); the SDK and its HTTP client: %.0f us a notification, "
                    + "%.0f us a DynamoDB request%n", coreUs, batchedCpu[0] - coreUs, (batchedCpu[0] - coreUs) / batchedRequests);
            System.out.printf("(CPU: every Java thread of the handler, our code and the SDK with its HTTP client, not JIT or GC; load average %.2f)%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:optout-ses-feedback";

    /** Distinct signed bodies for the store-free core (signing is slow), each read {@link #CORE_PASSES} times. */
    private static final int CORE_EVENTS = 2_000;
    private static final int CORE_PASSES = 10;

    /**
     * What our own code costs an event, without the store: the SQS body read as production reads
     * it (SNS envelope parsed, its SHA256withRSA signature, certificate subject, validity and topic
     * checked, the SES JSON parsed into an event), one thread, after as many warm-up events. Prints
     * the phases; returns the total in microseconds a notification.
     */
    private static double core(SnsTestSigner signer) {
        List<String> bodies = new ArrayList<>(CORE_EVENTS);
        for (SQSEvent.SQSMessage m : messages(signer, "core", CORE_EVENTS)) {
            bodies.add(m.getBody());
        }
        FeedbackAuthenticity authenticity = new FeedbackAuthenticity(TOPIC_ARN, true, false);
        SnsEnvelopeVerifier verifier = verifier(authenticity, signer);
        FeedbackReader reader = new FeedbackReader(verifier);
        for (int pass = 0; pass < CORE_PASSES; pass++) {
            for (String body : bodies) {
                reader.read(body); // warm-up: JIT, certificate fetched once and cached
            }
        }
        List<String> timed = new ArrayList<>(CORE_EVENTS * CORE_PASSES);
        for (int pass = 0; pass < CORE_PASSES; pass++) {
            timed.addAll(bodies);
        }
        bodies = timed;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long parse = 0;
        long verify = 0;
        long ses = 0;
        for (String body : bodies) {
            long t0 = mx.getCurrentThreadCpuTime();
            JsonTree envelope;
            try {
                envelope = JsonTree.parse(body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            long t1 = mx.getCurrentThreadCpuTime();
            verifier.verify(envelope);
            long t2 = mx.getCurrentThreadCpuTime();
            SesFeedbackParser.parse(body);
            long t3 = mx.getCurrentThreadCpuTime();
            parse += t1 - t0;
            verify += t2 - t1;
            ses += t3 - t2;
        }
        long start = mx.getCurrentThreadCpuTime();
        for (String body : bodies) {
            reader.read(body);
        }
        double total = (mx.getCurrentThreadCpuTime() - start) / 1e3 / bodies.size();
        System.out.printf("core (ours, no store): %6.1f us CPU a signed notification through FeedbackReader.read, %d events, one thread%n",
                total, bodies.size());
        System.out.printf("  by phase (timed apart): envelope parse %5.1f us, signature and topic %5.1f us, SES parse %5.1f us%n",
                parse / 1e3 / bodies.size(), verify / 1e3 / bodies.size(), ses / 1e3 / bodies.size());
        return total;
    }

    /** Signatures checked as in production, with the test certificate served for the test signer's URL. */
    private static SnsEnvelopeVerifier verifier(FeedbackAuthenticity authenticity, SnsTestSigner signer) {
        byte[] certificate = signer.certificatePem();
        return new SnsEnvelopeVerifier(authenticity, new SnsSigningCertificates(SnsCertificateUrlPolicy.forTopic(authenticity),
                url -> certificate), Clock.systemUTC());
    }

    /** Counts the SDK calls of a client (each a request to the store, retries not counted apart). */
    private static final class RequestCounter implements ExecutionInterceptor {
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            count.incrementAndGet();
        }

        long count() {
            return count.get();
        }
    }

    private static SesFeedbackHandler handler(LocalAws aws, DynamoDbClient dynamo, byte[] key, SnsTestSigner signer) {
        SuppressionStore store = new SuppressionStore(dynamo, aws.createSuppressionTable(), new AddressKeys(key),
                Clock.systemUTC());
        EventLog quiet = new EventLog("ses-feedback", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        // Signed envelopes from the fixture topic, read as production reads them: topic ARN and signature checked.
        FeedbackReader reader = new FeedbackReader(verifier(new FeedbackAuthenticity(TOPIC_ARN, true, false), signer));
        return new SesFeedbackHandler(reader,
                new FeedbackProcessor(store, TopicCatalog.bundled(), FeedbackRules.DEFAULTS, SuppressionMirror.NONE),
                quiet, SesFeedbackHandler.DEFAULT_PARALLELISM);
    }

    /** Notifications per second; {@code cpuUs[0]} gets the CPU microseconds a notification ({@link ThreadCpu}). */
    private static double run(SesFeedbackHandler handler, List<SQSEvent.SQSMessage> messages, int batchSize, double[] cpuUs) {
        ThreadCpu cpu = new ThreadCpu();
        long start = System.nanoTime();
        int failed = 0;
        for (int i = 0; i < messages.size(); i += batchSize) {
            SQSEvent event = new SQSEvent();
            event.setRecords(messages.subList(i, Math.min(messages.size(), i + batchSize)));
            SQSBatchResponse response = handler.handleRequest(event, null);
            failed += response.getBatchItemFailures().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        cpuUs[0] = cpu.cpuNanos() / 1e3 / messages.size();
        if (failed > 0) {
            throw new IllegalStateException(failed + " notifications failed: the figures would be meaningless");
        }
        return messages.size() / seconds;
    }

    private static List<SQSEvent.SQSMessage> messages(SnsTestSigner signer, String run, int count) {
        List<SQSEvent.SQSMessage> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String ses = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                    + "\"bouncedRecipients\":[{\"emailAddress\":\"" + run + "-" + i + "@example.com\",\"action\":\"failed\","
                    + "\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],"
                    + "\"timestamp\":\"2026-03-02T10:15:38.237Z\",\"feedbackId\":\"fb-" + run + "-" + i + "\","
                    + "\"reportingMTA\":\"dsn; mta.example.com\"},\"mail\":{\"timestamp\":\"2026-03-02T10:15:37.000Z\","
                    + "\"messageId\":\"msg-" + run + "-" + i + "\",\"destination\":[\"" + run + "-" + i + "@example.com\"]}}";
            String body = signer.notification(TOPIC_ARN, "sns-" + run + "-" + i, ses, 2);
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(run + "-" + i);
            m.setBody(body);
            list.add(m);
        }
        return list;
    }
}
