package dev.optout.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SqsEventSourceMapping;
import dev.optout.localaws.StreamEventSourceMapping;
import dev.optout.localaws.Template;
import dev.optout.localaws.http.HttpApiRoute;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code ./optout local}: optout on this machine, from template.yaml, with no AWS account and no
 * Docker. It starts a local AWS endpoint (moto), creates the template's resources on it
 * ({@link LocalDeployment}), starts each function whose jar is built in its own JVM with the
 * environment the template gives it ({@link FunctionProcess}), serves the HttpApi routes and the
 * Lambda Invoke API on one loopback port ({@link LocalGateway}), and feeds each SQS event source
 * to its function as Lambda's event source mapping does ({@link SqsEventSourceMapping}).
 *
 * <p>State in {@code .optout/}: {@code keys.json} (local secrets, kept across runs so links stay
 * valid), {@code local.json} (the endpoints, for scripts; removed at stop), {@code local.lock}.
 */
public final class LocalRuntime implements AutoCloseable {
    public static final int DEFAULT_PORT = 3000;
    public static final String DEMO_ADDRESS = "demo@example.com";
    /**
     * The receiving domain set locally (template parameter UnsubscribeMailDomain), so that the check
     * hands out mailto: URIs and InboundUnsubscribeFunction runs; mail to it goes nowhere by itself.
     */
    public static final String LOCAL_MAIL_DOMAIN = "unsubscribe.optout.localhost";
    static final String MAIL_DOMAIN_PARAMETER = "UnsubscribeMailDomain";
    static final String INBOUND_FUNCTION = "InboundUnsubscribeFunction";
    /** template.yaml parameter holding the links' base URL; locally it is this runtime's own URL. */
    static final String PUBLIC_BASE_URL_PARAMETER = "PublicBaseUrl";
    /** Locally the confirmation mails come from this address, in a domain moto takes as verified. */
    static final String LOCAL_SENDER_DOMAIN = "optout.localhost";
    static final String LOCAL_CONFIRMATION_FROM = "hello@" + LOCAL_SENDER_DOMAIN;
    static final String LOCAL_SENDER_NAME = "optout (local)";
    /**
     * template.yaml parameter for SNS signature checking in SesFeedbackFunction: off locally, because
     * moto's SNS does not sign what it delivers. The envelope's TopicArn is still checked.
     */
    static final String SNS_SIGNATURE_VERIFICATION_PARAMETER = "SnsSignatureVerification";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param projectRoot the repository (function jars are CodeUri under it)
     * @param template    the template to run (normally projectRoot/template.yaml)
     * @param stateDir    where keys, lock and local.json live (normally projectRoot/.optout)
     * @param port        the HTTP port on 127.0.0.1 (0: any free port)
     * @param stackName   prefix of local resource names
     * @param aws         an endpoint to use, or null to start one (and stop it at close)
     * @param out         where progress and the functions' logs go
     */
    public record Options(Path projectRoot, Path template, Path stateDir, int port, String stackName, LocalAws aws,
                          PrintStream out, URI webhook) {
        /** Without a webhook. */
        public Options(Path projectRoot, Path template, Path stateDir, int port, String stackName, LocalAws aws, PrintStream out) {
            this(projectRoot, template, stateDir, port, stackName, aws, out, null);
        }

        public static Options defaults() {
            Path root = ProjectRoot.find();
            return new Options(root, root.resolve("template.yaml"), root.resolve(".optout"), DEFAULT_PORT, "optout-local",
                    null, System.out);
        }

        public Options withPort(int p) {
            return new Options(projectRoot, template, stateDir, p, stackName, aws, out, webhook);
        }

        /** Every change event is also POSTed to {@code url}, as the template's webhook (API destination) would. */
        public Options withWebhook(URI url) {
            return new Options(projectRoot, template, stateDir, port, stackName, aws, out, url);
        }
    }

    private final Options options;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, FunctionProcess> running = new ConcurrentHashMap<>();
    private final Map<String, String> absent = new ConcurrentHashMap<>();
    private FileChannel lockChannel;
    private FileLock lock;
    private LocalAws aws;
    private LocalDeployment deployment;
    private LocalGateway gateway;
    private LocalChangeEvents changeEvents;
    private dev.optout.localaws.LocalOutbox outbox;
    private volatile boolean closed;

    private LocalRuntime(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options = Options.defaults();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                options = options.withPort(Integer.parseInt(args[++i]));
            } else if (args[i].startsWith("--port=")) {
                options = options.withPort(Integer.parseInt(args[i].substring(7)));
            } else if (args[i].equals("--webhook") && i + 1 < args.length) {
                options = options.withWebhook(URI.create(args[++i]));
            } else if (args[i].startsWith("--webhook=")) {
                options = options.withWebhook(URI.create(args[i].substring("--webhook=".length())));
            } else {
                System.err.println("usage: ./optout local [--port N] [--webhook URL]   (default port " + DEFAULT_PORT + ")");
                System.exit(2);
            }
        }
        LocalRuntime runtime;
        try {
            runtime = start(options);
        } catch (StartupException e) {
            System.err.println("optout local: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("optout local: stopping");
            runtime.close();
        }, "optout-local-stop"));
        runtime.printBanner();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A clear, expected reason not to start (port taken, another instance, no local AWS). */
    public static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message);
        }
    }

    /** Starts everything; on failure stops what it had started. */
    public static LocalRuntime start(Options options) {
        LocalRuntime runtime = new LocalRuntime(options);
        try {
            runtime.startAll();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void startAll() {
        PrintStream out = options.out();
        lock();
        HttpServer server = bindPort();
        Template template = Template.load(options.template());
        List<FunctionDefinition> functions = FunctionDefinition.all(template);

        out.println("optout local: starting local AWS");
        if (options.aws() == null) {
            try {
                aws = LocalAws.start();
            } catch (IllegalStateException e) {
                server.stop(0);
                throw new StartupException(e.getMessage());
            }
            toClose.add(aws);
        } else {
            aws = options.aws();
        }
        out.println("  " + aws.kind() + " at " + aws.endpoint());

        String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
        Map<String, String> secrets = LocalKeys.loadOrCreate(options.stateDir().resolve("keys.json"), secretParameters(template));
        deployment = LocalDeployment.deploy(aws, template, options.stackName(),
                Map.of(PUBLIC_BASE_URL_PARAMETER, baseUrl, SNS_SIGNATURE_VERIFICATION_PARAMETER, "false",
                        MAIL_DOMAIN_PARAMETER, LOCAL_MAIL_DOMAIN, "ConfirmationFrom", LOCAL_CONFIRMATION_FROM,
                        "ConfirmationIdentity", LOCAL_SENDER_DOMAIN, "SenderName", LOCAL_SENDER_NAME),
                secrets, true, line -> out.println("  " + line));
        out.println("  note: SNS signature checking is off locally (" + SNS_SIGNATURE_VERIFICATION_PARAMETER
                + "=false: moto does not sign); SesFeedbackFunction still accepts only envelopes from the SES events topic");
        deployment.notes().forEach(n -> out.println("  note: " + n));

        startFunctions(functions);

        List<HttpApiRoute> routes = new ArrayList<>();
        for (FunctionDefinition f : functions) {
            for (FunctionDefinition.EventSource e : f.eventsOfType("HttpApi")) {
                routes.add(HttpApiRoute.of(e.string("Method"), e.string("Path"), f.logicalId()));
            }
        }
        gateway = new LocalGateway(server, routes, new LocalGateway.Functions() {
            @Override
            public Optional<FunctionProcess> running(String logicalId) {
                return Optional.ofNullable(running.get(logicalId));
            }

            @Override
            public String absence(String logicalId) {
                return absent.get(logicalId);
            }
        }, line -> out.println("  " + line));
        toClose.add(gateway);

        startEventSources(functions);
        outbox = new dev.optout.localaws.LocalOutbox(aws.endpoint(), options.stateDir().resolve("outbox"));
        outbox.start(250);
        toClose.add(outbox);
        out.println("  outbox           every mail sent is kept as an .eml in " + outbox.directory());
        writeLocalJson();
    }

    private void startFunctions(List<FunctionDefinition> functions) {
        PrintStream out = options.out();
        ExecutorService starter = Executors.newFixedThreadPool(2);
        Map<String, Future<FunctionProcess>> starting = new LinkedHashMap<>();
        for (FunctionDefinition f : functions) {
            Path jar = f.jar(options.projectRoot());
            if (!Files.exists(jar)) {
                absent.put(f.logicalId(), jar + " does not exist (its module is not built, or not in this checkout yet)");
                out.println("  skipped " + f.logicalId() + ": " + options.projectRoot().relativize(jar) + " is not built");
                continue;
            }
            Map<String, String> env = environment(f, deployment, aws);
            Prefix prefix = new Prefix(out, f.logicalId());
            starting.put(f.logicalId(), starter.submit(() ->
                    FunctionProcess.start(f, jar, env, options.stateDir().resolve("run"), prefix::line)));
        }
        starter.shutdown();
        starting.forEach((id, future) -> {
            try {
                FunctionProcess p = future.get();
                running.put(id, p);
                toClose.add(p);
                out.println("  function " + id + " (pid " + p.pid() + ")");
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                absent.put(id, "it failed to start: " + cause.getMessage());
                out.println("  " + id + " failed to start: " + cause.getMessage());
            }
        });
    }

    private void startEventSources(List<FunctionDefinition> functions) {
        changeEvents = LocalChangeEvents.start(aws, deployment, options.webhook(), options.out());
        toClose.add(changeEvents);
        startStreamMappings();
        for (FunctionDefinition f : functions) {
            for (FunctionDefinition.EventSource e : f.eventsOfType("SQS")) {
                String queueArn = deployment.intrinsics().resolve(e.properties().get("Queue"));
                int batchSize = Integer.parseInt(Optional.ofNullable(e.string("BatchSize")).orElse("10"));
                FunctionProcess function = running.get(f.logicalId());
                if (function == null) {
                    options.out().println("  no poller for " + queueArn + ": " + f.logicalId() + " is not running (messages wait in the queue)");
                    continue;
                }
                SqsClient sqs = aws.client(SqsClient.builder());
                String queueUrl = sqs.getQueueUrl(r -> r.queueName(queueArn.substring(queueArn.lastIndexOf(':') + 1))).queueUrl();
                SqsEventSourceMapping mapping = new SqsEventSourceMapping(sqs, queueUrl, queueArn, aws.region(), batchSize,
                        event -> {
                            FunctionProcess.Invocation r = function.invoke(event, UUID.randomUUID().toString());
                            if (r.failed()) {
                                throw new IllegalStateException(r.payloadText());
                            }
                            return r.payload();
                        });
                mapping.start(line -> options.out().println("  [" + f.logicalId() + "] " + line));
                toClose.add(mapping);
                toClose.add(sqs);
                options.out().println("  poller " + queueUrl + " -> " + f.logicalId() + " (batches of " + batchSize + ")");
            }
        }
    }

    /**
     * The template's stream event source mappings (AWS::Lambda::EventSourceMapping on the table's
     * stream): a poller per mapping hands the stream to the running function, with its batch size
     * and retries, and sends what it gives up on to the mapping's on-failure queue.
     */
    @SuppressWarnings("unchecked")
    private void startStreamMappings() {
        for (String id : deployment.idsOfType("AWS::Lambda::EventSourceMapping")) {
            Map<String, Object> p = deployment.template().properties(id);
            String source = deployment.intrinsics().resolve(p.get("EventSourceArn"));
            String functionId = deployment.intrinsics().resolve(p.get("FunctionName"));
            FunctionProcess function = running.get(functionId);
            if (!source.contains(":table/") || !source.contains("/stream/")) {
                continue;
            }
            if (function == null) {
                options.out().println("  no stream poller for " + functionId + ": it is not running (changes wait in the stream for 24 hours)");
                continue;
            }
            int batchSize = Integer.parseInt(String.valueOf(p.getOrDefault("BatchSize", "100")));
            int retries = Integer.parseInt(String.valueOf(p.getOrDefault("MaximumRetryAttempts", "10")));
            Object dlq = ((Map<String, Object>) ((Map<String, Object>) p.getOrDefault("DestinationConfig", Map.of()))
                    .getOrDefault("OnFailure", Map.of())).get("Destination");
            SqsClient sqs = aws.client(SqsClient.builder());
            String dlqUrl = dlq == null ? null : sqs.getQueueUrl(r -> {
                String arn = deployment.intrinsics().resolve(dlq);
                r.queueName(arn.substring(arn.lastIndexOf(':') + 1));
            }).queueUrl();
            DynamoDbStreamsClient streams = aws.client(DynamoDbStreamsClient.builder());
            StreamEventSourceMapping mapping = new StreamEventSourceMapping(streams, source, aws.region(), batchSize, retries, event -> {
                FunctionProcess.Invocation r = function.invoke(event, UUID.randomUUID().toString());
                if (r.failed()) {
                    throw new IllegalStateException(r.payloadText());
                }
                return r.payload();
            }, failure -> {
                if (dlqUrl != null) {
                    sqs.sendMessage(r -> r.queueUrl(dlqUrl).messageBody(failure));
                }
            });
            mapping.start(line -> options.out().println("  [" + functionId + "] " + line));
            toClose.add(mapping);
            toClose.add(streams);
            toClose.add(sqs);
            options.out().println("  stream poller " + source + " -> " + functionId + " (batches of " + batchSize + ")");
        }
    }

    /**
     * A function's complete environment: the variables template.yaml declares (intrinsics resolved
     * to the local resources), what Lambda sets itself, the local endpoint, and the credentials of
     * the function's role.
     */
    public static Map<String, String> environment(FunctionDefinition f, LocalDeployment deployment, LocalAws aws) {
        Map<String, String> env = new LinkedHashMap<>(deployment.intrinsics().resolveAll(f.environment()));
        env.putAll(aws.environment());
        // the function's role, as Lambda gives it (LocalDeployment built it from the template's policies)
        env.putAll(deployment.functionCredentials(f.logicalId()));
        env.put("AWS_DEFAULT_REGION", aws.region());
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memorySize()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        return env;
    }

    /** template.yaml parameters that carry a secret's ARN (name ends in SecretArn, no default). */
    public static List<String> secretParameters(Template template) {
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) template.root().getOrDefault("Parameters", Map.of());
        return params.entrySet().stream()
                .filter(e -> e.getKey().endsWith("SecretArn") && !((Map<?, ?>) e.getValue()).containsKey("Default"))
                .map(Map.Entry::getKey).toList();
    }

    private void lock() {
        try {
            Files.createDirectories(options.stateDir());
            Path file = options.stateDir().resolve("local.lock");
            lockChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            try {
                lock = lockChannel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                String holder = Files.readString(file).strip();
                lockChannel.close();
                lockChannel = null;
                throw new StartupException("another ./optout local is already running from " + options.projectRoot()
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + "; stop it first (Ctrl-C in its terminal)");
            }
            lockChannel.truncate(0);
            lockChannel.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new StartupException("cannot lock " + options.stateDir() + ": " + e.getMessage());
        }
    }

    private HttpServer bindPort() {
        try {
            return LocalGateway.bind(options.port());
        } catch (BindException e) {
            throw new StartupException("port " + options.port() + " on 127.0.0.1 is taken by another program; "
                    + "choose another with ./optout local --port N");
        } catch (IOException e) {
            throw new StartupException("cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage());
        }
    }

    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + gateway.port());
    }

    /** The Lambda endpoint (same port as the API): for LambdaClient endpointOverride or --endpoint-url. */
    public URI lambdaEndpoint() {
        return apiUrl();
    }

    public LocalAws aws() {
        return aws;
    }

    public LocalDeployment deployment() {
        return deployment;
    }

    /** Logical ids of the functions running locally. */
    public List<String> runningFunctions() {
        return List.copyOf(running.keySet());
    }

    /** The endpoints, as written to .optout/local.json. */
    public Map<String, String> endpoints() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("apiUrl", apiUrl().toString());
        e.put("lambdaEndpoint", lambdaEndpoint().toString());
        e.put("awsEndpoint", aws.endpoint().toString());
        e.put("region", aws.region());
        // the admin identity: the operator's commands and scripts (the functions use their roles)
        AwsCredentials admin = aws.credentials().resolveCredentials();
        e.put("awsAccessKeyId", admin.accessKeyId());
        e.put("awsSecretAccessKey", admin.secretAccessKey());
        e.put("tableName", deployment.ref("SuppressionTable"));
        e.put("sesTopicArn", deployment.ref("SesEventsTopic"));
        e.put("feedbackQueueUrl", deployment.ref("SesEventsQueue"));
        e.put("feedbackDeadLetterQueueUrl", deployment.ref("SesEventsDeadLetterQueue"));
        e.put("pendingChangesQueueUrl", deployment.ref("PendingChangesQueue"));
        e.put("pendingChangesDeadLetterQueueUrl", deployment.ref("PendingChangesDeadLetterQueue"));
        e.put("inboundDeadLetterQueueUrl", deployment.ref("InboundUnsubscribeDeadLetterQueue"));
        // ./optout forget removes the address from the SES account suppression list when this is "true".
        e.put("sesSuppressionMirroring", deployment.ref("SesSuppressionMirroring"));
        // POST {"service":"dynamodb","mode":"unavailable"|"throttle"|"none"}: DynamoDB faults on demand (README "Durability").
        e.put("faultsUrl", aws.faults().url().toString());
        // The command line (./optout lookup ... --local) reads the address-hash key as the functions do.
        e.put("addressHashKeySecretArn", deployment.ref(LocalKeys.ADDRESS_HASH_KEY_PARAMETER));
        e.put("unsubscribeMailDomain", LOCAL_MAIL_DOMAIN);
        // change events: the bus, and a queue a local rule copies every event to (./optout events tail --local)
        e.put("eventBusName", changeEvents.busName());
        e.put("changeEventsQueueUrl", changeEvents.copyQueueUrl());
        e.put("changeEventsDeadLetterQueueUrl", deployment.ref("ChangeEventsDeadLetterQueue"));
        if (changeEvents.webhookSecret() != null) {
            e.put("webhookUrl", options.webhook().toString());
            e.put("webhookAuthHeader", LocalChangeEvents.AUTH_HEADER);
            e.put("webhookAuthSecret", changeEvents.webhookSecret());
        }
        // every mail optout sends (the double opt-in's confirmations), one .eml file each
        e.put("outboxDir", outbox.directory().toAbsolutePath().toString());
        return e;
    }

    private void writeLocalJson() {
        try {
            Files.writeString(options.stateDir().resolve("local.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(endpoints()) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write local.json: " + e.getMessage(), e);
        }
    }

    /** Invokes a running function directly (as the invoke API does). */
    public FunctionProcess.Invocation invoke(String logicalId, byte[] payload) {
        FunctionProcess f = running.get(logicalId);
        if (f == null) {
            throw new IllegalStateException(logicalId + " is not running: " + absent.get(logicalId));
        }
        return f.invoke(payload, UUID.randomUUID().toString());
    }

    /** Prints the endpoints, demo links and ready-to-paste commands. */
    public void printBanner() {
        PrintStream out = options.out();
        Map<String, String> e = endpoints();
        String api = e.get("apiUrl");
        String env = "AWS_ACCESS_KEY_ID=" + e.get("awsAccessKeyId") + " AWS_SECRET_ACCESS_KEY=" + e.get("awsSecretAccessKey")
                + " AWS_DEFAULT_REGION=" + e.get("region");
        out.println();
        out.println("optout is running locally (Ctrl-C stops everything)");
        out.println("  HTTP API         " + api + "   (routes /u/{token}, /p/{token}, /s, /c/{token}, /r/{token})");
        out.println("  Lambda endpoint  " + e.get("lambdaEndpoint") + "   (functions: " + String.join(", ", runningFunctions()) + ")");
        out.println("  local AWS        " + e.get("awsEndpoint") + "   (table " + e.get("tableName") + ")");
        out.println("  endpoints JSON   " + options.stateDir().resolve("local.json"));
        out.println("  DynamoDB faults  curl -X POST -d '{\"service\":\"dynamodb\",\"mode\":\"unavailable\"}' " + e.get("faultsUrl")
                + "   (modes: unavailable, throttle, none)");
        out.println();
        Optional<String[]> links = demoLinks();
        if (links.isPresent()) {
            out.println("Demo links for " + DEMO_ADDRESS + ":");
            out.println("  unsubscribe   " + links.get()[0]);
            out.println("  preferences   " + links.get()[1]);
            if (links.get()[2] != null) {
                out.println("  mailto        " + links.get()[2]);
            }
        } else {
            out.println("Demo links: none yet (" + demoLinksNote + ")");
        }
        out.println();
        out.println("Try it:");
        out.println("  # pre-send check (AWS CLI v2; with v1 leave out --cli-binary-format)");
        out.println("  " + env + " aws lambda invoke --endpoint-url " + e.get("lambdaEndpoint")
                + " --function-name PresendCheckFunction --cli-binary-format raw-in-base64-out \\");
        out.println("    --payload '{\"topic\":\"newsletter\",\"recipients\":[\"" + DEMO_ADDRESS + "\"]}' check.json && cat check.json");
        out.println("  # one-click unsubscribe (RFC 8058)");
        out.println("  curl -i -X POST -d 'List-Unsubscribe=One-Click' '"
                + links.map(l -> l[0]).orElse(api + "/u/<token from the check's List-Unsubscribe header>") + "'");
        out.println("  # a simulated SES hard bounce, published to the SES events topic");
        out.println("  " + env + " aws sns publish --endpoint-url " + e.get("awsEndpoint") + " --topic-arn " + e.get("sesTopicArn")
                + " \\\n    --message '" + sampleBounce(DEMO_ADDRESS) + "'");
        Optional<Path> mailEvent = links.map(l -> l[2]).flatMap(this::writeMailtoEvent);
        if (mailEvent.isPresent() && running.containsKey(INBOUND_FUNCTION)) {
            out.println("  # the demo's mailto: unsubscribe as SES would deliver it (empty subject, verdicts PASS)");
            out.println("  " + env + " aws lambda invoke --endpoint-url " + e.get("lambdaEndpoint")
                    + " --function-name " + INBOUND_FUNCTION + " \\\n    --payload fileb://" + mailEvent.get() + " mail.json && cat mail.json");
        }
        out.println();
    }

    /** A receipt event for a mail from the demo address to this mailto: URI, written next to local.json. */
    private Optional<Path> writeMailtoEvent(String mailtoUri) {
        if (mailtoUri == null) {
            return Optional.empty();
        }
        String recipient = mailtoUri.substring("mailto:".length()).replaceFirst("\\?.*$", "");
        try {
            Path file = options.stateDir().resolve("mailto-demo-event.json");
            Files.writeString(file, SesReceiptEvents.received(recipient, DEMO_ADDRESS, "", SesReceiptEvents.ALL_PASS) + "\n");
            return Optional.of(file.toAbsolutePath());
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    private String demoLinksNote = "";

    /** Unsubscribe and preference links for the demo address, from the check function's own answer. */
    private Optional<String[]> demoLinks() {
        if (!running.containsKey("PresendCheckFunction")) {
            demoLinksNote = "PresendCheckFunction is not running";
            return Optional.empty();
        }
        try {
            FunctionProcess.Invocation r = invoke("PresendCheckFunction",
                    ("{\"topic\":\"newsletter\",\"campaignId\":\"local-demo\",\"recipients\":[\"" + DEMO_ADDRESS + "\"]}")
                            .getBytes(StandardCharsets.UTF_8));
            if (r.failed()) {
                demoLinksNote = "the check failed: " + r.payloadText();
                return Optional.empty();
            }
            JsonNode result = JSON.readTree(r.payload()).path("results").path(0);
            String header = result.path("headers").path("List-Unsubscribe").asText("");
            Matcher m = Pattern.compile("<(https?://[^>]+)>").matcher(header);
            String prefs = result.path("preferencesUrl").asText("");
            if (!m.find() || prefs.isEmpty()) {
                demoLinksNote = result.path("allowed").asBoolean(true)
                        ? "the check answers no List-Unsubscribe links yet: they come with the unsubscribe function's LinkProvider"
                        : DEMO_ADDRESS + " is blocked (" + result.path("reason").asText() + "), so the check gives no links";
                return Optional.empty();
            }
            Matcher mailto = Pattern.compile("<(mailto:[^>]+)>").matcher(header);
            return Optional.of(new String[] {m.group(1), prefs, mailto.find() ? mailto.group(1) : null});
        } catch (IOException | RuntimeException ex) {
            demoLinksNote = "could not ask the check: " + ex.getMessage();
            return Optional.empty();
        }
    }

    /** An SES event notification (as SES publishes to SNS) of a permanent bounce for an address. */
    public static String sampleBounce(String address) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventType", "Bounce");
        ObjectNode bounce = n.putObject("bounce");
        bounce.put("bounceType", "Permanent");
        bounce.put("bounceSubType", "General");
        bounce.putArray("bouncedRecipients").addObject().put("emailAddress", address).put("action", "failed")
                .put("status", "5.1.1").put("diagnosticCode", "smtp; 550 5.1.1 user unknown");
        bounce.put("timestamp", java.time.Instant.now().toString());
        bounce.put("feedbackId", "local-" + UUID.randomUUID());
        ObjectNode mail = n.putObject("mail");
        mail.put("timestamp", java.time.Instant.now().toString());
        mail.put("source", "news@example.com");
        mail.put("messageId", "local-" + UUID.randomUUID());
        mail.putArray("destination").add(address);
        return n.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // best effort at shutdown
            }
        }
        try {
            if (deployment != null && lock != null) {
                Files.deleteIfExists(options.stateDir().resolve("local.json"));
            }
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // best effort at shutdown
        }
    }

    /** Prefixes a function's log lines with its name. */
    private record Prefix(PrintStream out, String name) {
        void line(String s) {
            out.println("[" + name + "] " + s);
        }
    }
}
