package dev.optout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalDeployment;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The consumers of the change event bus, locally: a rule that copies every event to a queue
 * ({@code changeEventsQueueUrl}: what {@code ./optout events tail --local} reads), and with
 * {@code --webhook URL} a second rule and queue whose events are POSTed to the URL as the
 * template's API destination would: the EventBridge event as the JSON body, the auth header
 * ({@code X-Optout-Webhook-Key}, the secret in {@code webhookAuthSecret} of local.json), retried
 * with the queue's visibility timeout until the endpoint answers 2xx.
 */
final class LocalChangeEvents implements AutoCloseable {
    /** The template's default auth header name (WebhookAuthHeaderName). */
    static final String AUTH_HEADER = "X-Optout-Webhook-Key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SqsClient sqs;
    private final String busName;
    private final String copyQueueUrl;
    private final String webhookQueueUrl;
    private final URI webhook;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile boolean running = true;
    private Thread thread;

    private LocalChangeEvents(SqsClient sqs, String busName, String copyQueueUrl, String webhookQueueUrl, URI webhook, String secret) {
        this.sqs = sqs;
        this.busName = busName;
        this.copyQueueUrl = copyQueueUrl;
        this.webhookQueueUrl = webhookQueueUrl;
        this.webhook = webhook;
        this.secret = secret;
    }

    /** Creates the rules and queues on the deployment's bus; starts the webhook delivery when {@code webhook} is set. */
    static LocalChangeEvents start(LocalAws aws, LocalDeployment deployment, URI webhook, PrintStream out) {
        String bus = deployment.ref("ChangeEventBus");
        SqsClient sqs = aws.client(SqsClient.builder());
        String copy = queue(sqs, deployment.stackName() + "-ChangeEventsCopy", 0);
        String hook = null;
        String secret = null;
        try (EventBridgeClient events = aws.client(EventBridgeClient.builder())) {
            rule(events, sqs, bus, "copy-all", copy);
            if (webhook != null) {
                hook = queue(sqs, deployment.stackName() + "-WebhookDeliveries", 5);
                rule(events, sqs, bus, "webhook", hook);
                byte[] b = new byte[32];
                RANDOM.nextBytes(b);
                secret = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            }
        }
        out.println("  EventBridge rule on " + bus + ": every change event -> " + copy);
        LocalChangeEvents e = new LocalChangeEvents(sqs, bus, copy, hook, webhook, secret);
        if (webhook != null) {
            out.println("  webhook: every change event -> POST " + webhook + " (header " + AUTH_HEADER + ", webhookAuthSecret in local.json)");
            e.startDelivery(out);
        }
        return e;
    }

    private static String queue(SqsClient sqs, String name, int visibility) {
        return sqs.createQueue(r -> r.queueName(name).attributes(visibility > 0
                ? Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibility)) : Map.of())).queueUrl();
    }

    private static void rule(EventBridgeClient events, SqsClient sqs, String bus, String name, String queueUrl) {
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        events.putRule(r -> r.name(name).eventBusName(bus).eventPattern("{\"source\":[\"dev.optout\"]}"));
        events.putTargets(r -> r.rule(name).eventBusName(bus).targets(t -> t.id(name).arn(arn)));
    }

    String busName() {
        return busName;
    }

    String copyQueueUrl() {
        return copyQueueUrl;
    }

    /** The webhook's auth header value, or null without a webhook. */
    String webhookSecret() {
        return secret;
    }

    private void startDelivery(PrintStream out) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    List<Message> got = sqs.receiveMessage(r -> r.queueUrl(webhookQueueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .messages();
                    for (Message m : got) {
                        if (deliver(m.body(), out)) {
                            sqs.deleteMessage(r -> r.queueUrl(webhookQueueUrl).receiptHandle(m.receiptHandle()));
                        }
                    }
                } catch (RuntimeException e) {
                    if (running) {
                        out.println("  [webhook] poll failed: " + e.getMessage());
                        sleep();
                    }
                }
            }
        }, "webhook-delivery");
        thread.setDaemon(true);
        thread.start();
    }

    /** One POST as the API destination makes it; answers whether the endpoint took it (2xx). */
    private boolean deliver(String event, PrintStream out) {
        try {
            String id = JSON.readTree(event).path("detail").path("id").asText();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json; charset=utf-8").header(AUTH_HEADER, secret)
                    .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.discarding());
            boolean ok = r.statusCode() / 100 == 2;
            if (!ok) {
                out.println("  [webhook] " + webhook + " answered " + r.statusCode() + " to event " + id + ": retried in 5 s");
            }
            return ok;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            out.println("  [webhook] " + webhook + " unreachable (" + e.getMessage() + "): retried in 5 s");
            return false;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        sqs.close();
    }
}
