package dev.optout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.topic.Topic;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * {@code ./optout smoke --stack NAME | --local}: proves after a deploy that the stack works end to
 * end, step by step, with test addresses of its own that it forgets at the end (also when a step
 * failed). Exit 0 when every step passed (a step with no local twin is printed as skipped, never
 * as passed), 1 when one failed (named), 2 on a usage error.
 */
@Command(name = "smoke", mixinStandardHelpOptions = true,
        description = {"Prove that a deployed stack (or the local instance) works end to end, step by step:",
                "  check      the pre-send check allows fresh test addresses and gives each its List-Unsubscribe headers",
                "  link       the unsubscribe link opens, and an RFC 8058 one-click POST unsubscribes (the check then blocks it)",
                "  mail       mail to the SES mailbox simulator (bounce, complaint, suppressionlist) comes back through",
                "             SES -> SNS -> SQS -> the feedback function as a suppression of each address (locally: SES-shaped",
                "             notifications published to the local SES events topic)",
                "  blocked    the pre-send check now blocks those addresses",
                "  alarms     every CloudWatch alarm of the stack exists (skipped locally: no CloudWatch)",
                "  dashboard  the stack's dashboard exists (skipped locally)",
                "  forget     its test addresses are forgotten (always run, also after a failed step)",
                "Test addresses: optout-smoke-ID@example.com (RFC 2606) and labelled simulator addresses such as",
                "bounce+optout-smoke-ID@simulator.amazonses.com; nothing is mailed to a real person."},
        footer = {"", "With --local and no ./optout local running, smoke starts one (on --port), runs, and stops it.",
                "Exit status: 0 every step passed, 1 a step failed (named), 2 usage error."})
public final class SmokeCommand implements Callable<Integer> {
    static final String SIMULATOR = "simulator.amazonses.com";
    /** template.yaml outputs smoke reads from a deployed stack. */
    static final String CHECK_ALIAS_OUTPUT = "PresendCheckFunctionAliasArn";
    static final String CHECK_NAME_OUTPUT = "PresendCheckFunctionName";
    static final String CONFIGURATION_SET_OUTPUT = "SesConfigurationSetName";
    static final String DASHBOARD_OUTPUT = "DashboardName";
    /** The check function's logical id, its name on the local invoke API. */
    static final String LOCAL_CHECK_FUNCTION = "PresendCheckFunction";

    @Mixin
    Target target;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "5m",
            description = "How long to wait for the mail step's suppressions: 90s, 5m (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--from", paramLabel = "ADDRESS",
            description = "With --stack: the sender, an address of an SES identity verified in the stack's region.")
    String from;

    @Option(names = "--topic", paramLabel = "ID", description = "The topic the test mail is for (default: the first topic everyone gets by default).")
    String topic;

    @Option(names = "--port", paramLabel = "N", defaultValue = "3000",
            description = "With --local and no ./optout local running: the port of the one smoke starts (default: ${DEFAULT-VALUE}).")
    int port;

    private final OptoutCli.Context context;

    public SmokeCommand(OptoutCli.Context context) {
        this.context = context;
    }

    /** A step failed: what was expected and what was found. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /** A step that has no twin on this target: printed as skipped, never as passed. */
    static final class Skipped extends RuntimeException {
        Skipped(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Integer call() throws Exception {
        Duration wait = duration(timeout);
        if (wait == null || wait.isZero() || wait.isNegative()) {
            throw new UsageError("--timeout takes a duration such as 90s or 5m (got '" + timeout + "')");
        }
        if (target.stack != null && target.local) {
            throw new UsageError("give --local or --stack NAME, not both");
        }
        if (target.stack != null && from == null) {
            throw new UsageError("--stack needs --from ADDRESS: a sender of an SES identity verified in the stack's region");
        }
        if (target.stack == null && !target.local) {
            throw new UsageError("say which optout to test: --stack NAME [--region R] --from ADDRESS, or --local");
        }
        LocalProcess started = null;
        if (target.local && !Files.exists(context.stateDir().resolve("local.json"))) {
            started = LocalProcess.start(context, port);
        }
        try {
            return run(wait);
        } finally {
            if (started != null) {
                started.stop();
            }
        }
    }

    private int run(Duration wait) {
        PrintWriter out = context.out();
        try (Operator operator = target.open(context); Resources r = target.local ? Resources.local(context) : Resources.stack(target, context)) {
            Topic t = topic(operator);
            String id = UUID.randomUUID().toString().substring(0, 8);
            String label = "optout-smoke-" + id;
            EmailAddress click = Operator.address(label + "@example.com");
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("bounce+" + label + "@" + SIMULATOR, "hard bounce");
            expected.put("complaint+" + label + "@" + SIMULATOR, "complaint");
            expected.put("suppressionlist+" + label + "@" + SIMULATOR, "hard bounce");
            List<EmailAddress> all = new ArrayList<>();
            all.add(click);
            expected.keySet().forEach(a -> all.add(Operator.address(a)));
            out.println("smoke test of " + r.description + " (topic " + t.id() + ", test addresses " + label + ")");
            Steps steps = new Steps(out);
            Map<String, String> links = new LinkedHashMap<>();
            steps.run("check", () -> {
                JsonNode results = r.check(t.id(), all.stream().map(EmailAddress::value).toList());
                for (JsonNode res : results) {
                    if (!res.path("allowed").asBoolean()) {
                        throw new Failed(res.path("recipient").asText() + " is blocked (" + res.path("reason").asText()
                                + ") though it was never seen: is the table shared with another stack?");
                    }
                    String header = res.path("headers").path("List-Unsubscribe").asText("");
                    Matcher https = Pattern.compile("<(https?://[^>]+)>").matcher(header);
                    if (!https.find() || !res.path("headers").has("List-Unsubscribe-Post")) {
                        throw new Failed(res.path("recipient").asText() + " has no https List-Unsubscribe with List-Unsubscribe-Post: " + res.path("headers"));
                    }
                    links.put(res.path("address").asText(), https.group(1));
                }
                return all.size() + " fresh test addresses allowed for " + t.id() + ", each with List-Unsubscribe and List-Unsubscribe-Post";
            });
            steps.run("link", () -> {
                String url = links.get(click.value());
                HttpResponse<String> page = r.http(HttpRequest.newBuilder(URI.create(url)).GET());
                if (page.statusCode() != 200) {
                    throw new Failed("GET " + url + " answered " + page.statusCode() + ", not 200");
                }
                // RFC 8058 §3.1: the one-click POST carries exactly this body, and is answered without a redirect
                HttpResponse<String> post = r.http(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")));
                if (post.statusCode() != 200) {
                    throw new Failed("the one-click POST to " + url + " answered " + post.statusCode() + ", not 200");
                }
                JsonNode after = r.check(t.id(), List.of(click.value())).path(0);
                if (after.path("allowed").asBoolean()) {
                    throw new Failed("after the one-click POST the check still allows " + click.value());
                }
                return "the page opened (200), the one-click POST answered 200, and the check now blocks " + click.value()
                        + " (" + after.path("reason").asText() + ")";
            });
            steps.run("mail", () -> {
                Instant start = Instant.now();
                for (String address : expected.keySet()) {
                    r.mail(address, from, t.id());
                }
                Map<String, String> pending = new LinkedHashMap<>(expected);
                List<String> found = new ArrayList<>();
                while (!pending.isEmpty()) {
                    for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                        var e = it.next();
                        AddressState s = operator.store().read(Operator.address(e.getKey()));
                        boolean done = e.getValue().equals("complaint") ? s.complaint() != null : s.hardBounce() != null;
                        if (done) {
                            found.add(e.getKey() + ": " + e.getValue() + " after " + Duration.between(start, Instant.now()).toSeconds() + " s");
                            it.remove();
                        }
                    }
                    if (!pending.isEmpty()) {
                        if (Instant.now().isAfter(start.plus(wait))) {
                            throw new Failed("no suppression within " + timeout + " for " + pending + " (found: " + found
                                    + "); check the feedback path: " + r.feedbackPath + " (and its dead-letter queue)");
                        }
                        sleep(1000);
                    }
                }
                return r.mailedHow + "; suppressed through " + r.feedbackPath + ": " + String.join(", ", found);
            });
            steps.run("blocked", () -> {
                List<String> reasons = new ArrayList<>();
                for (JsonNode res : r.check(t.id(), new ArrayList<>(expected.keySet()))) {
                    if (res.path("allowed").asBoolean()) {
                        throw new Failed("the check still allows " + res.path("recipient").asText());
                    }
                    reasons.add(res.path("reason").asText());
                }
                return "the check blocks all " + expected.size() + " (" + String.join(", ", reasons) + ")";
            });
            steps.run("alarms", r::alarms);
            steps.run("dashboard", r::dashboard);
            steps.always("forget", () -> {
                int n = 0;
                for (EmailAddress a : all) {
                    if (operator.store().read(a).exists()) {
                        operator.store().forget(a, Provenance.byOperator(Source.OPERATOR, operator.clock().instant(),
                                operator.actor(), "smoke test address"));
                        n++;
                    }
                }
                return n + " of " + all.size() + " test addresses forgotten (their keys and marks stay, no address in clear)"
                        + (n < all.size() ? "; the others never reached the table" : "");
            });
            return steps.finish();
        }
    }

    /** 90s, 5m, 1h, or ISO-8601 (PT5M); {@code null} when it is none of these. */
    static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d{1,6})([smh])").matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private Topic topic(Operator operator) {
        if (topic != null) {
            return operator.catalog().find(topic).orElseThrow(() -> new UsageError("--topic " + topic + " is not in the catalog ("
                    + operator.catalog().all().stream().map(Topic::id).toList() + ")"));
        }
        return operator.catalog().all().stream().filter(Topic::defaultSubscribed).findFirst()
                .orElseThrow(() -> new UsageError("no topic in the catalog is sent by default: give --topic ID"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted");
        }
    }

    /** Runs the steps in order and prints each; after a failure the rest are not run, but {@link #always} is. */
    static final class Steps {
        interface Step {
            String run() throws Exception;
        }

        private final PrintWriter out;
        private String failed;
        private int passed;
        private int skipped;

        Steps(PrintWriter out) {
            this.out = out;
        }

        void run(String name, Step step) {
            if (failed != null) {
                out.println("- " + name + ": not run (" + failed + " failed)");
                return;
            }
            always(name, step);
        }

        void always(String name, Step step) {
            try {
                String detail = step.run();
                out.println("\u2713 " + name + ": " + detail);
                passed++;
            } catch (Skipped s) {
                out.println("- " + name + ": skipped: " + s.getMessage());
                skipped++;
            } catch (Failed | SdkException | IOException | IllegalStateException | IllegalArgumentException e) {
                out.println("\u2717 " + name + ": " + e.getMessage());
                if (failed == null) {
                    failed = name;
                }
            } catch (Exception e) {
                out.println("\u2717 " + name + ": " + e);
                if (failed == null) {
                    failed = name;
                }
            }
            out.flush();
        }

        int finish() {
            if (failed != null) {
                out.println("smoke: FAILED at step '" + failed + "' (" + passed + " passed, " + skipped + " skipped)");
                return OptoutCli.REFUSED;
            }
            out.println("smoke: passed (" + passed + " steps passed, " + skipped + " skipped)");
            return OptoutCli.OK;
        }
    }

    /** What smoke talks to, from .optout/local.json or a stack's outputs and resources. */
    static final class Resources implements AutoCloseable {
        final String description;
        final String feedbackPath;
        final String mailedHow;
        private final SdkHttpClient sdkHttp;
        private final LambdaClient lambda;
        private final String checkFunction;
        private final SnsClient sns;
        private final String sesTopicArn;
        private final SesV2Client ses;
        private final String configurationSet;
        private final CloudWatchClient cloudWatch;
        private final List<String> alarmNames;
        private final String dashboard;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();

        private Resources(String description, String feedbackPath, String mailedHow, SdkHttpClient sdkHttp, LambdaClient lambda,
                          String checkFunction, SnsClient sns, String sesTopicArn, SesV2Client ses, String configurationSet,
                          CloudWatchClient cloudWatch, List<String> alarmNames, String dashboard) {
            this.description = description;
            this.feedbackPath = feedbackPath;
            this.mailedHow = mailedHow;
            this.sdkHttp = sdkHttp;
            this.lambda = lambda;
            this.checkFunction = checkFunction;
            this.sns = sns;
            this.sesTopicArn = sesTopicArn;
            this.ses = ses;
            this.configurationSet = configurationSet;
            this.cloudWatch = cloudWatch;
            this.alarmNames = alarmNames;
            this.dashboard = dashboard;
        }

        static Resources local(OptoutCli.Context context) {
            JsonNode json = Target.localJson(context.stateDir());
            Region region = Region.of(json.path("region").asText());
            AwsCredentialsProvider credentials = Operator.localCredentials(json);
            SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build();
            return new Resources("the local instance (" + json.path("apiUrl").asText() + ")",
                    "the local SES events topic -> queue -> SesFeedbackFunction",
                    "SES-shaped notifications published to the local SES events topic (locally no mail is sent)",
                    http,
                    Operator.configure(LambdaClient.builder(), http, region, URI.create(json.path("lambdaEndpoint").asText()), credentials).build(),
                    LOCAL_CHECK_FUNCTION,
                    Operator.configure(SnsClient.builder(), http, region, URI.create(json.path("awsEndpoint").asText()), credentials).build(),
                    json.path("sesTopicArn").asText(), null, null, null, null, null);
        }

        static Resources stack(Target target, OptoutCli.Context context) {
            Region region;
            try {
                region = target.region != null ? Region.of(target.region) : DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkException e) {
                throw new UsageError("no AWS region: give --region R (or set AWS_REGION)");
            }
            URI endpoint = target.endpointUrl == null ? null : URI.create(target.endpointUrl);
            AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
            SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)).build();
            Map<String, String> outputs = new LinkedHashMap<>();
            List<String> alarms = new ArrayList<>();
            try (CloudFormationClient cfn = Operator.configure(CloudFormationClient.builder(), http, region, endpoint, credentials).build()) {
                cfn.describeStacks(q -> q.stackName(target.stack)).stacks().get(0).outputs()
                        .forEach((Output o) -> outputs.put(o.outputKey(), o.outputValue()));
                for (StackResourceSummary s : cfn.listStackResourcesPaginator(q -> q.stackName(target.stack)).stackResourceSummaries()) {
                    if ("AWS::CloudWatch::Alarm".equals(s.resourceType())) {
                        alarms.add(s.physicalResourceId());
                    }
                }
            } catch (SdkException e) {
                http.close();
                throw new Refusal("cannot read stack " + target.stack + " in " + region + ": " + e.getMessage()
                        + "\n  Check the name and --region, and that your credentials may call cloudformation:DescribeStacks and ListStackResources.");
            }
            String check = outputs.getOrDefault(CHECK_ALIAS_OUTPUT, outputs.get(CHECK_NAME_OUTPUT));
            for (String needed : new String[] {CONFIGURATION_SET_OUTPUT, DASHBOARD_OUTPUT}) {
                if (check == null || !outputs.containsKey(needed)) {
                    http.close();
                    throw new Refusal("stack " + target.stack + " lacks the output " + (check == null ? CHECK_NAME_OUTPUT : needed)
                            + ": deploy the current template.yaml (sam deploy), then run this again");
                }
            }
            return new Resources("stack " + target.stack + " in " + region,
                    "SES -> the configuration set " + outputs.get(CONFIGURATION_SET_OUTPUT) + " -> SNS -> SQS -> SesFeedbackFunction",
                    "sent through SES v2 with the configuration set " + outputs.get(CONFIGURATION_SET_OUTPUT),
                    http,
                    Operator.configure(LambdaClient.builder(), http, region, endpoint, credentials).build(), check,
                    null, null,
                    Operator.configure(SesV2Client.builder(), http, region, endpoint, credentials).build(),
                    outputs.get(CONFIGURATION_SET_OUTPUT),
                    Operator.configure(CloudWatchClient.builder(), http, region, endpoint, credentials).build(),
                    alarms, outputs.get(DASHBOARD_OUTPUT));
        }

        /** The check's results for these recipients. */
        JsonNode check(String topic, List<String> recipients) throws IOException {
            ObjectNode request = Json.MAPPER.createObjectNode();
            request.put("topic", topic);
            request.put("campaignId", "optout-smoke");
            recipients.forEach(request.putArray("recipients")::add);
            InvokeResponse response = lambda.invoke(q -> q.functionName(checkFunction)
                    .payload(SdkBytes.fromUtf8String(request.toString())));
            String body = response.payload() == null ? "" : response.payload().asUtf8String();
            if (response.functionError() != null) {
                throw new Failed("the check (" + checkFunction + ") failed: " + response.functionError() + " " + body);
            }
            JsonNode results = Json.MAPPER.readTree(body).path("results");
            if (results.size() != recipients.size()) {
                throw new Failed("the check (" + checkFunction + ") answered " + results.size() + " results for "
                        + recipients.size() + " recipients: " + body);
            }
            return results;
        }

        HttpResponse<String> http(HttpRequest.Builder request) throws IOException {
            try {
                return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed("interrupted");
            }
        }

        /** One mail to a simulator address (a stack), or the notification SES would publish for it (locally). */
        void mail(String address, String from, String topic) {
            if (ses != null) {
                ses.sendEmail(q -> q.fromEmailAddress(from).destination(d -> d.toAddresses(address))
                        .configurationSetName(configurationSet)
                        .content(c -> c.simple(m -> m.subject(s -> s.data("optout smoke test"))
                                .body(b -> b.text(x -> x.data("optout smoke test of the " + topic + " topic: this mail goes to the SES mailbox simulator."))))));
                return;
            }
            sns.publish(q -> q.topicArn(sesTopicArn).message(LocalSes.notification(address, from == null ? "smoke@example.com" : from)));
        }

        String alarms() {
            if (cloudWatch == null) {
                throw new Skipped("no CloudWatch locally; on a stack every alarm of the stack is looked up with DescribeAlarms");
            }
            if (alarmNames.isEmpty()) {
                throw new Failed("the stack has no AWS::CloudWatch::Alarm resource");
            }
            List<String> found = new ArrayList<>();
            for (int i = 0; i < alarmNames.size(); i += 100) {
                List<String> batch = alarmNames.subList(i, Math.min(alarmNames.size(), i + 100));
                cloudWatch.describeAlarmsPaginator(q -> q.alarmNames(batch)).metricAlarms().stream()
                        .map(MetricAlarm::alarmName).forEach(found::add);
            }
            List<String> missing = alarmNames.stream().filter(Predicate.not(found::contains)).toList();
            if (!missing.isEmpty()) {
                throw new Failed("alarms of the stack not found in CloudWatch: " + missing);
            }
            return alarmNames.size() + " alarms exist";
        }

        String dashboard() {
            if (cloudWatch == null) {
                throw new Skipped("no CloudWatch locally; on a stack the dashboard named by the DashboardName output is read with GetDashboard");
            }
            String body = cloudWatch.getDashboard(q -> q.dashboardName(dashboard)).dashboardBody();
            if (body == null || body.isBlank()) {
                throw new Failed("the dashboard " + dashboard + " is empty");
            }
            return "dashboard " + dashboard + " exists";
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {lambda, sns, ses, cloudWatch}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception e) {
                    // closing clients at exit: nothing to recover
                }
            }
            sdkHttp.close();
        }
    }

    /** The SES event notifications the mailbox simulator's addresses cause, as SES publishes them to SNS. */
    static final class LocalSes {
        private LocalSes() {
        }

        static String notification(String address, String from) {
            ObjectNode n = Json.MAPPER.createObjectNode();
            String now = Instant.now().toString();
            String feedbackId = "smoke-" + UUID.randomUUID();
            if (address.startsWith("complaint")) {
                n.put("eventType", "Complaint");
                ObjectNode c = n.putObject("complaint");
                c.putArray("complainedRecipients").addObject().put("emailAddress", address);
                c.put("complaintFeedbackType", "abuse");
                c.put("timestamp", now);
                c.put("feedbackId", feedbackId);
            } else {
                n.put("eventType", "Bounce");
                ObjectNode b = n.putObject("bounce");
                b.put("bounceType", "Permanent");
                // the simulator's suppressionlist address bounces as an address on the account suppression list
                b.put("bounceSubType", address.startsWith("suppressionlist") ? "OnAccountSuppressionList" : "General");
                b.putArray("bouncedRecipients").addObject().put("emailAddress", address).put("action", "failed")
                        .put("status", "5.1.1").put("diagnosticCode", "smtp; 550 5.1.1 user unknown");
                b.put("timestamp", now);
                b.put("feedbackId", feedbackId);
            }
            ObjectNode mail = n.putObject("mail");
            mail.put("timestamp", now);
            mail.put("source", from);
            mail.put("messageId", "smoke-" + UUID.randomUUID());
            mail.putArray("destination").add(address);
            return n.toString();
        }
    }

    /** A {@code ./optout local} that smoke started because none was running, stopped when smoke ends. */
    static final class LocalProcess {
        private static final Duration START = Duration.ofMinutes(10);
        private final Process process;

        private LocalProcess(Process process) {
            this.process = process;
        }

        static LocalProcess start(OptoutCli.Context context, int port) throws IOException {
            Path root = context.stateDir().toAbsolutePath().getParent();
            if (root == null || !Files.isExecutable(root.resolve("optout"))) {
                throw new Refusal("no local instance is running and there is no ./optout next to " + context.stateDir()
                        + " to start one: start ./optout local in another terminal, then run this again");
            }
            Path script = root.resolve("optout");
            Files.createDirectories(context.stateDir());
            Path log = context.stateDir().resolve("smoke-local.log");
            context.err().println("optout: no ./optout local is running: starting one on port " + port + " (log: " + log + ") ...");
            Process p = new ProcessBuilder(script.toString(), "local", "--port", Integer.toString(port)).directory(root.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LocalProcess local = new LocalProcess(p);
            Instant deadline = Instant.now().plus(START);
            Path json = context.stateDir().resolve("local.json");
            while (!Files.exists(json)) {
                if (!p.isAlive() || Instant.now().isAfter(deadline)) {
                    local.stop();
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    throw new Refusal("./optout local did not start (" + (p.isAlive() ? "no local.json after " + START.toMinutes() + " min"
                            : "it exited with " + p.exitValue()) + "); its last lines:\n  "
                            + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
                }
                sleep(500);
            }
            return local;
        }

        void stop() {
            process.destroy(); // SIGTERM: its shutdown hook stops the functions and moto and removes local.json
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
