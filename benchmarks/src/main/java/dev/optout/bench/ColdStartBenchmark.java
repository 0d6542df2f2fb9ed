package dev.optout.bench;

import dev.optout.config.Settings;
import dev.optout.local.LocalRuntime;
import dev.optout.local.host.FunctionHost;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LambdaLimits;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SampleLinks;
import dev.optout.localaws.Template;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Cold start of each function jar, next to a floor program, in the same run. For each function of
 * template.yaml whose jar is built: a fresh JVM loads the jar in its own class loader, builds the
 * handler through its no-argument constructor with the environment the template declares (pointed
 * at a local moto), handles one sample event from {@code events/<module>/}, and exits; the time
 * from process start to the first response is measured from outside. The floor is a fresh JVM
 * with the same flags (and the same heap, metaspace and code cache limits) that only reads the same secrets in one call and makes
 * one DynamoDB call ({@link FloorProgram}). The secrets hold the sample links' keys, so the sample
 * events' links open (a real page, not an error page).
 *
 * <p>Primed: a fresh JVM inits the handler, runs its SnapStart hooks (priming, then the
 * after-restore renewal), and times its first request in-process, next to the median of
 * {@value #WARM_RUNS} warm requests: the closest local stand-in for the first request after a restore.
 *
 * <p>Goals: each function within 1.3x the floor, each jar under 15 MB; after priming, the first
 * request within 2x a warm one. Run: {@code scripts/bench coldstart [runs]}
 */
public final class ColdStartBenchmark {
    /** The same flags for the floor and the functions: a small, quick-starting JVM. */
    private static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private static final double GOAL_RATIO = 1.3;
    private static final double GOAL_PRIMED_RATIO = 2.0;
    private static final int WARM_RUNS = 50;
    private static final double GOAL_JAR_MB = 15.0;

    private ColdStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // optional: only the functions whose logical id contains this text (the floor always runs)
        String only = args.length > 1 ? args[1] : "";
        Path root = ProjectRoot.find();
        Template template = Template.load();
        try (LocalAws aws = LocalAws.start()) {
            Map<String, String> secrets = new LinkedHashMap<>();
            List<String> secretParameters = LocalRuntime.secretParameters(template);
            for (String p : secretParameters) {
                secrets.put(p, p.startsWith("LinkKeys") ? SampleLinks.LINK_KEYS_JSON : SampleLinks.ADDRESS_HASH_KEY);
            }
            LocalDeployment d = LocalDeployment.deploy(aws, template, "bench", Map.of("PublicBaseUrl", SampleLinks.BASE_URL,
                            "UnsubscribeMailDomain", SampleLinks.MAIL_DOMAIN,
                            // the samples are unsigned, as moto delivers them (the local runtime does the same)
                            "SnsSignatureVerification", "false"),
                    secrets, line -> { });
            String table = d.ref(Template.TABLE_ID);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            int memory = FunctionDefinition.all(template).stream().mapToInt(FunctionDefinition::memorySize).max().orElse(1024);

            List<String> floorCmd = new ArrayList<>(List.of(java));
            floorCmd.addAll(JVM_FLAGS);
            floorCmd.addAll(LambdaLimits.jvmMemoryOptions(memory));
            floorCmd.addAll(List.of("-cp", cp, FloorProgram.class.getName(), aws.endpoint().toString(), table));
            for (String p : secretParameters) {
                floorCmd.add(d.ref(p));
            }
            Map<String, List<String>> primedCommands = new LinkedHashMap<>();

            Map<String, List<String>> commands = new LinkedHashMap<>();
            Map<String, Map<String, String>> envs = new LinkedHashMap<>();
            Map<String, Long> jarBytes = new LinkedHashMap<>();
            commands.put("floor (SDK DynamoDB client + 1 call)", floorCmd);
            envs.put("floor (SDK DynamoDB client + 1 call)", aws.environment());
            for (FunctionDefinition f : FunctionDefinition.all(template)) {
                if (!f.logicalId().contains(only)) {
                    continue;
                }
                Path jar = f.jar(root);
                Optional<Path> event = sampleEvent(root, f);
                if (!Files.exists(jar) || event.isEmpty()) {
                    System.out.println("skipped " + f.logicalId() + ": " + (!Files.exists(jar) ? root.relativize(jar) + " is not built"
                            : "no sample event in events/" + f.moduleDirectory(root).getFileName()));
                    continue;
                }
                List<String> cmd = new ArrayList<>(List.of(java));
                cmd.addAll(JVM_FLAGS);
                cmd.addAll(LambdaLimits.jvmMemoryOptions(f.memorySize()));
                cmd.addAll(List.of("-cp", cp, FunctionHost.class.getName(), "--once", jar.toString(), f.handler(), event.get().toString()));
                commands.put(f.logicalId() + " (" + root.relativize(event.get()) + ")", cmd);
                List<String> primed = new ArrayList<>(cmd.subList(0, cmd.indexOf("--once")));
                primed.addAll(List.of("--primed", jar.toString(), f.handler(), event.get().toString(), Integer.toString(WARM_RUNS)));
                primedCommands.put(f.logicalId() + " (" + root.relativize(event.get()) + ")", primed);
                Map<String, String> env = new LinkedHashMap<>(LocalRuntime.environment(f, d, aws));
                if (env.containsKey(Settings.SES_EVENTS_TOPIC_ARN)) {
                    // The sample batch holds envelopes from the fixtures' topic and raw bodies: accept
                    // both, so the figure is the processing path and not the authenticity refusal.
                    env.put(Settings.SES_EVENTS_TOPIC_ARN, FIXTURE_TOPIC);
                    env.put(Settings.SES_RAW_MESSAGE_DELIVERY, "true");
                }
                envs.put(f.logicalId() + " (" + root.relativize(event.get()) + ")", env);
                jarBytes.put(f.logicalId() + " (" + root.relativize(event.get()) + ")", Files.size(jar));
            }

            Map<String, List<Long>> times = new LinkedHashMap<>();
            commands.keySet().forEach(k -> times.put(k, new ArrayList<>()));
            String[] results = new String[commands.size()];
            // warm the OS file cache once, then interleave the runs so that machine noise hits all alike
            for (String k : commands.keySet()) {
                run(commands.get(k), envs.get(k));
            }
            for (int i = 0; i < runs; i++) {
                int j = 0;
                for (String k : commands.keySet()) {
                    Run r = run(commands.get(k), envs.get(k));
                    times.get(k).add(r.millis());
                    results[j++] = r.line();
                }
            }
            long floor = median(times.values().iterator().next());
            System.out.printf("%nCold start: fresh JVM to first response, median of %d runs (%s, %d cores)%n", runs,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            System.out.printf("%-58s %9s %7s %9s  %s%n", "program", "ms", "x floor", "jar MB", "first response");
            int j = 0;
            boolean allWithinGoal = true;
            for (String k : commands.keySet()) {
                long ms = median(times.get(k));
                double ratio = (double) ms / floor;
                Long bytes = jarBytes.get(k);
                String mb = bytes == null ? "-" : String.format("%.1f", bytes / 1024.0 / 1024.0);
                boolean ok = bytes == null || (ratio <= GOAL_RATIO && bytes / 1024.0 / 1024.0 < GOAL_JAR_MB);
                allWithinGoal &= ok;
                System.out.printf("%-58s %9d %7.2f %9s  %s%s%n", k, ms, ratio, mb, results[j++], ok ? "" : "   <-- over goal");
            }
            System.out.printf("%nGoal: within %.1fx the floor and jars under %.0f MB: %s%n", GOAL_RATIO, GOAL_JAR_MB,
                    allWithinGoal ? "met" : "NOT met");

            System.out.printf("%nPrimed (SnapStart stand-in): fresh JVM, init, priming + after-restore hooks, then the first request"
                    + " vs the median of %d warm requests; median over %d runs%n", WARM_RUNS, runs);
            System.out.printf("%-58s %9s %9s %7s | %9s %9s %7s  %s%n", "function", "first ms", "warm ms", "x warm",
                    "handler", "warm", "x warm", "hooks");
            boolean primedWithinGoal = true;
            for (Map.Entry<String, List<String>> e : primedCommands.entrySet()) {
                List<long[]> samples = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    samples.add(primedRun(e.getValue(), envs.get(e.getKey())));
                }
                long first = median(samples.stream().map(x -> x[0]).toList());
                long warm = median(samples.stream().map(x -> x[1]).toList());
                long firstIn = median(samples.stream().map(x -> x[3]).toList());
                long warmIn = median(samples.stream().map(x -> x[4]).toList());
                double ratio = warm == 0 ? 0 : (double) first / warm;
                double ratioIn = warmIn == 0 ? 0 : (double) firstIn / warmIn;
                boolean ok = ratioIn <= GOAL_PRIMED_RATIO && samples.get(0)[2] > 0;
                primedWithinGoal &= ok;
                System.out.printf("%-58s %9.2f %9.2f %7.2f | %9.2f %9.2f %7.2f  %d%s%n", e.getKey(), first / 1000.0, warm / 1000.0,
                        ratio, firstIn / 1000.0, warmIn / 1000.0, ratioIn, samples.get(0)[2], ok ? "" : "   <-- over goal");
            }
            System.out.printf("%nGoal: after priming, the first request within %.1fx a warm one, in the handler: %s%n", GOAL_PRIMED_RATIO,
                    primedWithinGoal ? "met" : "NOT met");
            System.out.println("(first/warm ms: the whole invocation, with the local host's event (de)serialization, which stands for"
                    + " the Lambda runtime's: no function code can prime it. handler: time inside handleRequest.)");
            System.out.println("(This machine's cores may be shared with other work: compare figures within one run.)");
        }
    }

    /** {first µs, median warm µs, hooks found, first in handler µs, median warm in handler µs} from one {@code FunctionHost --primed}. */
    private static long[] primedRun(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        long[] found = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("PRIMED ")) {
                    String[] f = line.split(" ");
                    found = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                        Long.parseLong(f[5])};
                } else if (all.length() < 4000) {
                    all.append(line).append('\n');
                }
            }
        }
        p.waitFor();
        if (found == null) {
            throw new IllegalStateException("no PRIMED line from " + String.join(" ", cmd.subList(cmd.size() - 5, cmd.size())) + ":\n" + all);
        }
        return found;
    }

    private record Run(long millis, String line) {
    }

    private static Run run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        String found = null;
        long at = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("FIRST_RESPONSE")) {
                    at = System.nanoTime();
                    found = line.substring("FIRST_RESPONSE".length()).strip();
                }
            }
        }
        p.waitFor();
        if (found == null) {
            throw new IllegalStateException("no response from " + String.join(" ", cmd.subList(cmd.size() - 4, cmd.size())));
        }
        return new Run((at - start) / 1_000_000, found.isEmpty() ? "ok" : found + " bytes");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** The topic the sample SES events in events/ses-feedback/ name. */
    private static final String FIXTURE_TOPIC = "arn:aws:sns:us-east-1:123456789012:optout-ses-feedback";

    /** The first sample event of the function's module: events/<module>/*.json, sorted by name. */
    private static Optional<Path> sampleEvent(Path root, FunctionDefinition f) throws IOException {
        Path dir = root.resolve("events").resolve(f.moduleDirectory(root).getFileName().toString());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> json = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            // prefer an ordinary request over error samples (names with "unknown", "invalid", "bad")
            return json.stream().filter(p -> !p.getFileName().toString().matches(".*(unknown|invalid|bad|malformed).*"))
                    .findFirst().or(() -> json.stream().findFirst());
        }
    }
}
