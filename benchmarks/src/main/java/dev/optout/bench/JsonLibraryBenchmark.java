package dev.optout.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.optout.json.JsonTree;
import dev.optout.json.LightJson;
import dev.optout.localaws.ProjectRoot;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * optout's own JSON helpers ({@link JsonTree}, {@link LightJson}, both over jackson-core's
 * streaming parser) against jackson-jr (jackson-jr-objects, also over jackson-core, no databind),
 * cold: each run is a fresh JVM with the functions' flags that does the JSON work of a cold
 * function once and exits. The work: read an SES bounce notification (the feedback function),
 * read a check request (the check), and write a check answer of 1,000 results (the check's
 * largest JSON). Printed: median time of that first work in the JVM, classes loaded, and time
 * from process start to exit, over the runs; then the same work warm (median of 200 in one JVM).
 *
 * <p>Run: {@code scripts/bench json [runs]}
 */
public final class JsonLibraryBenchmark {
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private static final int WARM_RUNS = 200;

    private JsonLibraryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--child")) {
            child(args[1]);
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        System.out.printf("JSON helpers, cold (fresh JVM each, %d runs, medians; flags %s)%n", runs, JVM_FLAGS);
        System.out.printf("%-26s %14s %14s %16s%n", "library", "first work ms", "classes", "process ms");
        for (String library : List.of("optout", "jackson-jr")) {
            List<Double> work = new ArrayList<>();
            List<Double> classes = new ArrayList<>();
            List<Double> process = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                List<String> cmd = new ArrayList<>(List.of(java));
                cmd.addAll(JVM_FLAGS);
                cmd.addAll(List.of("-Doptout.projectRoot=" + ProjectRoot.find(), "-cp", System.getProperty("java.class.path"),
                        JsonLibraryBenchmark.class.getName(), "--child", library));
                long start = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(library + " run failed: " + out);
                }
                process.add((System.nanoTime() - start) / 1e6);
                String[] f = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
                work.add(Double.parseDouble(f[0]));
                classes.add(Double.parseDouble(f[1]));
            }
            System.out.printf("%-26s %14.1f %14.0f %16.1f%n", library, median(work), median(classes), median(process));
        }
        System.out.println();
        System.out.printf("warm, one JVM (median of %d, after %d to warm up)%n", WARM_RUNS, WARM_RUNS);
        Inputs in = Inputs.read();
        for (String library : List.of("optout", "jackson-jr")) {
            List<Double> t = new ArrayList<>();
            for (int i = 0; i < 2 * WARM_RUNS; i++) {
                long s = System.nanoTime();
                work(library, in);
                if (i >= WARM_RUNS) {
                    t.add((System.nanoTime() - s) / 1e3);
                }
            }
            System.out.printf("%-26s %14.1f µs%n", library, median(t));
        }
    }

    /** One cold run: prints "firstWorkMs classesLoaded". */
    private static void child(String library) throws Exception {
        Inputs in = Inputs.read();
        long start = System.nanoTime();
        int n = work(library, in);
        double ms = (System.nanoTime() - start) / 1e6;
        if (n < 1_000) {
            throw new IllegalStateException("the answer was not written");
        }
        System.out.println(ms + " " + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
    }

    private record Inputs(String sesNotification, String checkRequest, List<Map<String, Object>> answer) {
        static Inputs read() throws java.io.IOException {
            Path events = ProjectRoot.find().resolve("events");
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("recipient", "person" + i + "@example.com");
                r.put("allowed", i % 10 != 0);
                r.put("reason", i % 10 == 0 ? "UNSUBSCRIBED_ALL" : null);
                r.put("headers", Map.of("List-Unsubscribe", "<https://optout.example.com/u/" + "x".repeat(120) + ">",
                        "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
                results.add(r);
            }
            return new Inputs(Files.readString(events.resolve("ses-feedback/ses/event-bounce-permanent.json")),
                    Files.readString(events.resolve("presend-check/check-request.json")), results);
        }
    }

    /** The JSON work of a cold function; answers the characters written (so none of it is skipped). */
    @SuppressWarnings("unchecked")
    private static int work(String library, Inputs in) throws Exception {
        Map<String, Object> answer = Map.of("results", in.answer(), "summary", Map.of("total", in.answer().size()));
        if (library.equals("optout")) {
            JsonTree ses = JsonTree.parse(in.sesNotification());
            String status = ses.path("bounce").path("bouncedRecipients").get(0).path("status").asText();
            Map<String, Object> request = (Map<String, Object>) LightJson.parse(in.checkRequest());
            return LightJson.write(answer).length() + status.length() + ((List<Object>) request.get("recipients")).size();
        }
        Map<String, Object> ses = JSON.std.mapFrom(in.sesNotification());
        Map<String, Object> bounce = (Map<String, Object>) ses.get("bounce");
        String status = (String) ((Map<String, Object>) ((List<Object>) bounce.get("bouncedRecipients")).get(0)).get("status");
        Map<String, Object> request = JSON.std.mapFrom(in.checkRequest());
        return JSON.std.asString(answer).length() + status.length() + ((List<Object>) request.get("recipients")).size();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
