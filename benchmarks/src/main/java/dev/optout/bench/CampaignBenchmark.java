package dev.optout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.check.AnswerSize;
import dev.optout.check.ResultField;
import dev.optout.local.LocalRuntime;
import dev.optout.localaws.ProjectRoot;
import java.io.IOException;
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
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A campaign checked as a marketing pipeline would check it: the recipients in calls of the
 * maximum size for the chosen fields ({@link AnswerSize#maxRecipients}), one after another, through
 * the Lambda Invoke API of a started local runtime (each function in its own JVM, with Lambda's
 * payload limits, timeout and memory from the template). Prints total time, calls, per-call
 * p50/p99/max, answer bytes, errors, and the function JVM's memory: its resident set after each call
 * (the largest) and its peak resident set ({@code VmHWM} in {@code /proc/PID/status}), since a
 * Lambda's memory size bounds the whole process, not only its heap.
 *
 * <p>Against moto a million recipients takes far longer than a benchmark should: the run stops at
 * its time budget and projects the whole campaign at the measured rate, labelled as projected.
 *
 * <p>Run: {@code scripts/bench campaign [recipients] [--fields a,b] [--minutes M]} (defaults
 * 1,000,000, every field, 8).
 */
public final class CampaignBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = "PresendCheckFunction";

    private CampaignBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long recipients = 1_000_000;
        Set<ResultField> fields = ResultField.ALL;
        String fieldsArg = null;
        double minutes = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fields" -> {
                    fieldsArg = args[++i];
                    fields = fields(fieldsArg);
                }
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                default -> recipients = Long.parseLong(args[i]);
            }
        }
        CampaignPlan plan = new CampaignPlan(recipients, AnswerSize.maxRecipients(fields));
        Path root = ProjectRoot.find();
        Path stateDir = Files.createTempDirectory("optout-bench-campaign");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        System.err.println("starting the local runtime (every function in its own JVM) ...");
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(root, root.resolve("template.yaml"), stateDir, 0,
                "bench-campaign", null, quiet))) {
            URI invoke = runtime.lambdaEndpoint().resolve("/2015-03-31/functions/" + FUNCTION + "/invocations");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String run = UUID.randomUUID().toString().substring(0, 8);
            String campaign = "spring-sale-2026-" + run;
            System.out.printf("campaign: %,d recipients, fields %s: %,d a call (the maximum), %,d calls; budget %.1f min; "
                            + "%d cores, load average %.2f%n", recipients, fieldsArg == null ? "all" : fieldsArg, plan.perCall(),
                    plan.calls(), minutes, Runtime.getRuntime().availableProcessors(), loadAverage());

            call(http, invoke, request(campaign, fieldsArg, "warm-" + run, 0, 100)); // the function's first call is not the campaign's
            Optional<ProcessHandle> function = functionProcess();
            long[] millis = new long[(int) Math.min(plan.calls(), Integer.MAX_VALUE)];
            long maxRss = 0;
            long maxAnswerBytes = 0;
            long checked = 0;
            int calls = 0;
            int errors = 0;
            String firstError = null;
            long deadline = System.nanoTime() + (long) (minutes * 60e9);
            long start = System.nanoTime();
            for (long c = 0; c < plan.calls() && System.nanoTime() < deadline; c++) {
                int size = plan.size(c);
                byte[] body = request(campaign, fieldsArg, run, c * plan.perCall(), size);
                long t0 = System.nanoTime();
                Answer answer = call(http, invoke, body);
                millis[calls++] = (System.nanoTime() - t0) / 1_000_000;
                maxAnswerBytes = Math.max(maxAnswerBytes, answer.bytes());
                String error = answer.error(size);
                if (error != null) {
                    errors++;
                    firstError = firstError == null ? error : firstError;
                }
                checked += size;
                maxRss = Math.max(maxRss, function.map(p -> status(p, "VmRSS")).orElse(-1L));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] measured = java.util.Arrays.copyOf(millis, calls);
            long peak = function.map(p -> status(p, "VmHWM")).orElse(-1L);

            System.out.printf("checked       : %,d recipients in %,d calls, %.1f s (%,.0f recipients/s), errors %d%s%n",
                    checked, calls, seconds, checked / seconds, errors, firstError == null ? "" : " (first: " + firstError + ")");
            System.out.printf("per call      : p50 %,d ms, p99 %,d ms, max %,d ms; largest answer %,d bytes (limit %,d)%n",
                    CampaignPlan.percentile(measured, 50), CampaignPlan.percentile(measured, 99), CampaignPlan.percentile(measured, 100),
                    maxAnswerBytes, AnswerSize.LAMBDA_RESPONSE_LIMIT);
            System.out.printf("function JVM  : largest resident set after a call %s, peak resident set (VmHWM) %s "
                            + "(process %s, /proc/PID/status)%n", mib(maxRss), mib(peak),
                    function.map(p -> Long.toString(p.pid())).orElse("not found"));
            if (checked < recipients) {
                System.out.printf("PROJECTED     : %,d recipients would take %.0f s (%.1f min) at the measured rate, %,d calls "
                                + "(a projection from %,d recipients, not a measurement)%n", recipients,
                        plan.projectedSeconds(checked, seconds), plan.projectedSeconds(checked, seconds) / 60, plan.calls(), checked);
            }
            System.out.printf("(time: moto's, on this machine, load average now %.2f; the store's latency, not the function's CPU, sets it)%n",
                    loadAverage());
        }
    }

    /** The value of {@code --fields} (a comma-separated list of the answer's field names), or null for every field. */
    static String fieldsArg(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--fields")) {
                return args[i + 1];
            }
        }
        return null;
    }

    /** The most recipients a call may name with these fields (null: every field). */
    static int maxRecipients(String fields) {
        return AnswerSize.maxRecipients(fields == null ? ResultField.ALL : fields(fields));
    }

    /** The request with its {@code fields} list, when fields are chosen. */
    static Map<String, Object> withFields(Map<String, Object> request, String fields) {
        Map<String, Object> r = new java.util.LinkedHashMap<>(request);
        if (fields != null) {
            r.put("fields", java.util.Arrays.stream(fields.split(",")).map(String::strip).toList());
        }
        return r;
    }

    static Set<ResultField> fields(String list) {
        Set<ResultField> set = EnumSet.noneOf(ResultField.class);
        for (String name : list.split(",")) {
            String n = name.strip();
            if (n.equals(ResultField.ALWAYS)) {
                continue;
            }
            ResultField f = ResultField.byJsonName(n);
            if (f == null) {
                throw new IllegalArgumentException("unknown field '" + n + "': the fields are " + ResultField.known());
            }
            set.add(f);
        }
        return set;
    }

    /** A check request for recipients {@code from} .. {@code from + n - 1}, with addresses of a realistic length (~45 characters). */
    private static byte[] request(String campaign, String fields, String run, long from, int n) throws IOException {
        ObjectNode request = JSON.createObjectNode().put("topic", "newsletter").put("campaignId", campaign);
        if (fields != null) {
            ArrayNode f = request.putArray("fields");
            for (String name : fields.split(",")) {
                f.add(name.strip());
            }
        }
        ArrayNode list = request.putArray("recipients");
        for (long i = from; i < from + n; i++) {
            list.add(String.format("customer.%09d.%s@mail.example-shop.com", i, run));
        }
        return JSON.writeValueAsBytes(request);
    }

    private record Answer(int status, String functionError, JsonNode body, long bytes) {
        /** What is wrong with the answer to a call of {@code size} recipients, or null. */
        String error(int size) {
            if (status != 200 || functionError != null) {
                return "HTTP " + status + (functionError == null ? "" : " " + functionError) + ": "
                        + (body == null ? "" : body.toString().substring(0, Math.min(200, body.toString().length())));
            }
            int results = body.path("results").size();
            return results == size ? null : results + " results for " + size + " recipients";
        }
    }

    private static Answer call(HttpClient http, URI invoke, byte[] body) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(invoke).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> response = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), response.headers().firstValue("X-Amz-Function-Error").orElse(null), json,
                response.body().length);
    }

    /** The check function's JVM: a child of this one (the local runtime starts each function as a process) running its jar. */
    private static Optional<ProcessHandle> functionProcess() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("presend-check")).orElse(false))
                .findFirst();
    }

    /** A kB field of /proc/PID/status in bytes, or -1 where there is none (not Linux, process gone). */
    private static long status(ProcessHandle process, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
