package dev.optout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.local.FunctionProcess;
import dev.optout.local.LocalRuntime;
import dev.optout.localaws.Faults;
import dev.optout.localaws.ProjectRoot;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How fast a person's one-click is answered when DynamoDB throttles every call: the whole stack as
 * {@code ./optout local} runs it (each function in its own JVM with the template's environment,
 * behind the local HTTP API), the local AWS endpoint's fault switch set to {@code throttle}
 * ({@code faultsUrl} in {@code .optout/local.json}), then one-click POSTs one after another, as
 * many people would. Prints p50/p99/max of the answer time, the answers by status, and how many
 * changes went to the pending-changes queue (each should have). The same run without the fault
 * gives the baseline.
 *
 * <p>Run: {@code scripts/bench oneclick-throttle [--clicks N]} (default 100).
 */
public final class OneClickThrottleBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HTTPS_LINK = Pattern.compile("<(https?://[^>]+)>");

    private OneClickThrottleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clicks = 100;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--clicks")) {
                clicks = Integer.parseInt(args[i + 1]);
            }
        }
        Path root = ProjectRoot.find();
        Path stateDir = Files.createTempDirectory("optout-bench-oneclick");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.err.println("starting the local runtime (every function in its own JVM) ...");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(root, root.resolve("template.yaml"), stateDir, 0,
                "bench-oneclick", null, quiet));
             SqsClient sqs = runtime.aws().client(SqsClient.builder())) {
            String queueUrl = runtime.endpoints().get("pendingChangesQueueUrl");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String run = UUID.randomUUID().toString().substring(0, 6);

            List<String> warmLinks = links(runtime, "warm-" + run, 10);
            Result baseline = clickAll(http, warmLinks);

            List<String> links = links(runtime, "throttled-" + run, clicks);
            int queuedBefore = messagesIn(sqs, queueUrl);
            runtime.aws().faults().dynamoDb(Faults.Mode.THROTTLE);
            Result throttled;
            try {
                throttled = clickAll(http, links);
            } finally {
                runtime.aws().faults().dynamoDb(Faults.Mode.NONE);
            }
            int queued = messagesIn(sqs, queueUrl) - queuedBefore;

            System.out.printf("one-click, DynamoDB working   (%d clicks): %s%n", warmLinks.size(), baseline.summary());
            System.out.printf("one-click, DynamoDB throttled (%d clicks): %s%n", links.size(), throttled.summary());
            System.out.printf("changes queued to PendingChangesQueue during the throttle: %d of %d answered with success%n",
                    queued, throttled.succeeded());
            System.out.printf("goal: every throttled one-click answered 200 within 3 s and queued: %s%n",
                    throttled.succeeded() == links.size() && throttled.maxMillis() <= 3000 && queued == links.size() ? "met" : "NOT met");
        }
    }

    /** Unsubscribe links for {@code n} new addresses, as the check hands them out (one call). */
    private static List<String> links(LocalRuntime runtime, String prefix, int n) throws Exception {
        ObjectNode request = JSON.createObjectNode().put("topic", "newsletter").put("campaignId", "bench-oneclick");
        var recipients = request.putArray("recipients");
        for (int i = 0; i < n; i++) {
            recipients.add(prefix + "-" + i + "@example.com");
        }
        FunctionProcess.Invocation answer = runtime.invoke("PresendCheckFunction", JSON.writeValueAsBytes(request));
        if (answer.failed()) {
            throw new IllegalStateException("the check failed: " + answer.payloadText());
        }
        List<String> links = new ArrayList<>();
        for (JsonNode r : JSON.readTree(answer.payload()).path("results")) {
            Matcher m = HTTPS_LINK.matcher(r.path("headers").path("List-Unsubscribe").asText(""));
            if (!m.find()) {
                throw new IllegalStateException("no unsubscribe link for " + r.path("address").asText());
            }
            links.add(m.group(1));
        }
        return links;
    }

    private record Result(long[] millis, Map<Integer, Integer> statuses) {
        int succeeded() {
            return statuses.getOrDefault(200, 0) + statuses.getOrDefault(202, 0);
        }

        long maxMillis() {
            return millis[millis.length - 1];
        }

        String summary() {
            return String.format("p50 %d ms, p99 %d ms, max %d ms; answers %s", percentile(50), percentile(99), maxMillis(), statuses);
        }

        private long percentile(int p) {
            int index = (int) Math.ceil(p / 100.0 * millis.length) - 1;
            return millis[Math.max(0, Math.min(millis.length - 1, index))];
        }
    }

    /** Each link's one-click POST (RFC 8058), one after another; the answer time of each. */
    private static Result clickAll(HttpClient http, List<String> links) throws Exception {
        long[] millis = new long[links.size()];
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < links.size(); i++) {
            HttpRequest post = HttpRequest.newBuilder(URI.create(links.get(i))).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build();
            long start = System.nanoTime();
            HttpResponse<Void> response = http.send(post, HttpResponse.BodyHandlers.discarding());
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            statuses.merge(response.statusCode(), 1, Integer::sum);
        }
        Arrays.sort(millis);
        return new Result(millis, statuses);
    }

    /** Messages in the queue: visible, in flight (a poller holds them) or delayed. */
    private static int messagesIn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes().values().stream().mapToInt(Integer::parseInt).sum();
    }
}
