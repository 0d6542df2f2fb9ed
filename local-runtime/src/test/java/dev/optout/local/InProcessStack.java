package dev.optout.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.function.feedback.SesFeedbackHandler;
import dev.optout.function.pending.PendingChangesHandler;
import dev.optout.function.preferences.PreferencesHandler;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.function.unsubscribe.UnsubscribeHandler;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SqsEventSourceMapping;
import dev.optout.localaws.Template;
import dev.optout.localaws.http.LambdaHttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole stack in this JVM, as the template declares it: the template's resources on the local
 * AWS endpoint ({@link LocalDeployment}), every handler built through its Lambda constructor
 * ({@link Wiring}) from exactly the environment the template gives its function (so the real SDK
 * clients, timeouts and retries), the HTTP routes on a loopback API Gateway adapter, and the SQS
 * event sources polled in-process with partial batch failures.
 *
 * <p>One change to the template, for test time only: queues' visibility timeout is
 * {@code visibilitySeconds} instead of 180 s, so a failed message comes back within the test.
 */
final class InProcessStack implements AutoCloseable {
    final LocalAws aws;
    final LocalDeployment deployment;
    final Wiring unsubscribeWiring;
    final UnsubscribeHandler unsubscribe;
    final PreferencesHandler preferences;
    final PresendCheckHandler check;
    final LambdaHttpServer unsubscribeHttp;
    final LambdaHttpServer preferencesHttp;
    final SqsClient sqs;
    /** Records each SQS-triggered function received, by logical id. */
    final Map<String, AtomicInteger> delivered = Map.of("SesFeedbackFunction", new AtomicInteger(), "PendingChangesFunction", new AtomicInteger());
    private final List<AutoCloseable> toClose = new ArrayList<>();

    InProcessStack(LocalAws aws, Path stateDir, String stackName, int visibilitySeconds, int httpThreads, Consumer<String> log) throws IOException {
        this.aws = aws;
        Path root = ProjectRoot.find();
        Path templateFile = stateDir.resolve("template.yaml");
        Files.writeString(templateFile, Files.readString(root.resolve("template.yaml"))
                .replace("VisibilityTimeout: 180", "VisibilityTimeout: " + visibilitySeconds));
        Template template = Template.load(templateFile);
        Map<String, String> secrets = LocalKeys.loadOrCreate(stateDir.resolve("keys.json"), LocalRuntime.secretParameters(template));
        deployment = LocalDeployment.deploy(aws, template, stackName, Map.of(LocalRuntime.PUBLIC_BASE_URL_PARAMETER, "https://optout.example.com",
                        // moto does not sign what SNS delivers: as in ./optout local (the topic ARN is still checked)
                        LocalRuntime.SNS_SIGNATURE_VERIFICATION_PARAMETER, "false"),
                secrets, line -> { });
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        PrintStream stdout = System.out;
        // The handlers' EventLogs write to System.out, as in Lambda: keep the build log readable.
        System.setOut(quiet);
        try {
            unsubscribeWiring = wiring(template, "UnsubscribeFunction");
            unsubscribe = new UnsubscribeHandler(unsubscribeWiring);
            preferences = new PreferencesHandler(wiring(template, "PreferencesFunction"));
            check = new PresendCheckHandler(wiring(template, "PresendCheckFunction"));
            sqs = aws.client(SqsClient.builder());
            poll(template, "SesFeedbackFunction", new SesFeedbackHandler(wiring(template, "SesFeedbackFunction")), log);
            poll(template, "PendingChangesFunction", new PendingChangesHandler(wiring(template, "PendingChangesFunction")), log);
        } finally {
            System.setOut(stdout);
        }
        unsubscribeHttp = LambdaHttpServer.start((in, out, c) -> unsubscribe.handleRequest(in, out, new LocalLambdaContext("UnsubscribeFunction",
                Duration.ofSeconds(30))), httpThreads, "GET /u/{token}", "POST /u/{token}");
        preferencesHttp = LambdaHttpServer.start((in, out, c) -> preferences.handleRequest(in, out, new LocalLambdaContext("PreferencesFunction",
                Duration.ofSeconds(30))), httpThreads, "GET /p/{token}", "POST /p/{token}", "PUT /p/{token}");
        toClose.add(unsubscribeHttp);
        toClose.add(preferencesHttp);
        toClose.add(sqs);
    }

    private Wiring wiring(Template template, String logicalId) {
        return new Wiring(Settings.of(LocalRuntime.environment(FunctionDefinition.named(template, logicalId), deployment, aws)));
    }

    private void poll(Template template, String logicalId, RequestStreamHandler handler, Consumer<String> log) {
        for (FunctionDefinition.EventSource e : FunctionDefinition.named(template, logicalId).eventsOfType("SQS")) {
            String queueArn = deployment.intrinsics().resolve(e.properties().get("Queue"));
            String queueUrl = sqs.getQueueUrl(r -> r.queueName(queueArn.substring(queueArn.lastIndexOf(':') + 1))).queueUrl();
            SqsEventSourceMapping.Invoker inProcess = SqsEventSourceMapping.inProcess(handler, logicalId);
            SqsEventSourceMapping mapping = new SqsEventSourceMapping(sqs, queueUrl, queueArn, aws.region(), 10, event -> {
                delivered.get(logicalId).incrementAndGet();
                return inProcess.invoke(event);
            });
            mapping.start(line -> log.accept("[" + logicalId + "] " + line));
            toClose.add(mapping);
        }
    }

    /** Messages in a queue (visible, in flight or delayed). */
    int messagesIn(String queueLogicalId) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(deployment.ref(queueLogicalId)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Waits (up to {@code limit}) until the queues hold nothing: every message handled or dead-lettered. */
    void awaitEmpty(Duration limit, String... queueLogicalIds) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            boolean empty = true;
            for (String q : queueLogicalIds) {
                empty &= messagesIn(q) == 0;
            }
            if (empty) {
                return;
            }
            Thread.sleep(500);
        }
    }

    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
