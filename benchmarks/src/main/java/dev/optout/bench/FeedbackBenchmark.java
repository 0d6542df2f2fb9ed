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
import dev.optout.localaws.LocalAws;
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
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("SES feedback benchmark: %d notifications per mode, %s, %d cores%n",
                    count, aws.kind(), Runtime.getRuntime().availableProcessors());
            // A fresh table per mode: moto slows down as a table grows, which would favour the first mode.
            run(handler(aws, key), messages("warmup", 300), 10, new double[1]); // JIT and connection pool
            double[] singleCpu = new double[1];
            double[] batchedCpu = new double[1];
            double single = run(handler(aws, key), messages("single", count), 1, singleCpu);
            double batched = run(handler(aws, key), messages("batched", count), 10, batchedCpu);

            System.out.printf("one at a time : %8.1f notifications/s, CPU %6.0f us a notification%n", single, singleCpu[0]);
            System.out.printf("batches of 10 : %8.1f notifications/s, CPU %6.0f us a notification (goal <= 200)%n", batched, batchedCpu[0]);
            System.out.printf("ratio         : %8.2fx%n", batched / single);
            System.out.printf("(CPU: every Java thread of the handler, our code and the SDK with its HTTP client, not JIT or GC; load average %.2f)%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:optout-ses-feedback";

    private static SesFeedbackHandler handler(LocalAws aws, byte[] key) {
        SuppressionStore store = new SuppressionStore(aws.dynamoDb(), aws.createSuppressionTable(), new AddressKeys(key),
                Clock.systemUTC());
        EventLog quiet = new EventLog("ses-feedback", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC());
        // The messages are unsigned envelopes from the fixture topic: the topic ARN is checked, signatures are not.
        FeedbackReader reader = FeedbackReader.from(new FeedbackAuthenticity(TOPIC_ARN, false, false));
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

    private static List<SQSEvent.SQSMessage> messages(String run, int count) {
        List<SQSEvent.SQSMessage> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String ses = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
                    + "\"bouncedRecipients\":[{\"emailAddress\":\"" + run + "-" + i + "@example.com\",\"action\":\"failed\","
                    + "\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],"
                    + "\"timestamp\":\"2026-03-02T10:15:38.237Z\",\"feedbackId\":\"fb-" + run + "-" + i + "\","
                    + "\"reportingMTA\":\"dsn; mta.example.com\"},\"mail\":{\"timestamp\":\"2026-03-02T10:15:37.000Z\","
                    + "\"messageId\":\"msg-" + run + "-" + i + "\",\"destination\":[\"" + run + "-" + i + "@example.com\"]}}";
            String body = "{\"Type\":\"Notification\",\"MessageId\":\"sns-" + run + "-" + i + "\","
                    + "\"TopicArn\":\"" + TOPIC_ARN + "\",\"Message\":"
                    + dev.optout.json.Json.MAPPER.valueToTree(ses) + "}";
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(run + "-" + i);
            m.setBody(body);
            list.add(m);
        }
        return list;
    }
}
