package dev.optout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@code ./optout events ...}: the change events (docs/api/events.md). */
@Command(name = "events", description = "Change events: watch what optout publishes on its EventBridge bus.",
        mixinStandardHelpOptions = true, subcommands = EventsCommand.Tail.class)
public final class EventsCommand implements Runnable {
    @Override
    public void run() {
        throw new UsageError("name a subcommand: ./optout events tail --local|--stack NAME [--json]");
    }

    /**
     * Prints change events as they arrive, from a queue a rule fills: locally the runtime's copy
     * of every event ({@code changeEventsQueueUrl}); for a stack a queue of yours that a rule on
     * its bus fills ({@code --queue-url}, see docs/api/events.md). Reading takes the events off the
     * queue: tail a queue of its own, not a consumer's.
     */
    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print change events as they happen (one line each, or --json). Reading takes them off the queue.")
    static final class Tail implements Callable<Integer> {
        private final OptoutCli.Context context;

        @Option(names = "--local", description = "The running ./optout local: its queue changeEventsQueueUrl.")
        boolean local;

        @Option(names = "--stack", paramLabel = "NAME", description = "A deployed stack: read --queue-url (a queue a rule on the stack's bus fills).")
        String stack;

        @Option(names = "--queue-url", paramLabel = "URL", description = "With --stack: the SQS queue to read.")
        String queueUrl;

        @Option(names = "--region", paramLabel = "R", description = "The stack's region (default: the AWS chain's).")
        String region;

        @Option(names = "--json", description = "Print each event as one line of JSON, as EventBridge delivers it.")
        boolean json;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: run until Ctrl-C).")
        int count;

        @Option(names = "--idle-seconds", paramLabel = "S", description = "Stop after S seconds without an event (default: never).")
        int idleSeconds;

        Tail(OptoutCli.Context context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            if (local == (stack != null)) {
                throw new UsageError("say which optout: --local, or --stack NAME --queue-url URL");
            }
            try (SqsClient sqs = local ? localClient() : stackClient()) {
                String url = local ? localQueue() : queueUrl;
                int printed = 0;
                Instant lastEvent = Instant.now();
                while (count == 0 || printed < count) {
                    List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
                    for (Message m : got) {
                        context.out().println(json ? oneLine(m.body()) : line(m.body()));
                        context.out().flush();
                        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                        printed++;
                        lastEvent = Instant.now();
                    }
                    if (idleSeconds > 0 && Duration.between(lastEvent, Instant.now()).toSeconds() >= idleSeconds) {
                        break;
                    }
                }
            }
            return OptoutCli.OK;
        }

        /** The event as one line of JSON (as delivered, whitespace dropped). */
        static String oneLine(String body) {
            try {
                return Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(body));
            } catch (IOException e) {
                return body.strip();
            }
        }

        /** One readable line: time, kind, who (address or key), scope, reason, source, id. */
        static String line(String body) {
            try {
                JsonNode e = Json.MAPPER.readTree(body);
                JsonNode d = e.path("detail");
                String who = d.hasNonNull("address") ? d.path("address").asText()
                        : d.hasNonNull("addressKey") ? "key:" + d.path("addressKey").asText()
                        : "campaign:" + d.path("campaignId").asText();
                String scope = "TOPIC".equals(d.path("scope").asText()) ? "topic " + d.path("topic").asText()
                        : d.hasNonNull("scope") ? "all mail" : "";
                return String.join("  ", d.path("at").asText(), String.format("%-18s", e.path("detail-type").asText()), who,
                        scope, d.path("reason").asText(), d.path("source").asText(), "id=" + d.path("id").asText())
                        .replaceAll(" {5,}", "    ");
            } catch (IOException e) {
                return "(not a change event) " + body;
            }
        }

        private String localQueue() {
            String url = Target.localJson(context.stateDir()).path("changeEventsQueueUrl").asText(null);
            if (url == null) {
                throw new Refusal("local.json names no changeEventsQueueUrl: restart ./optout local (a version with change events)");
            }
            return url;
        }

        private SqsClient localClient() {
            JsonNode j = Target.localJson(context.stateDir());
            SdkHttpClient http = UrlConnectionHttpClient.builder().build();
            return SqsClient.builder().httpClient(http).region(Region.of(j.path("region").asText("us-east-1")))
                    .endpointOverride(URI.create(j.path("awsEndpoint").asText())).credentialsProvider(Operator.localCredentials(j)).build();
        }

        private SqsClient stackClient() {
            if (queueUrl == null) {
                throw new UsageError("--stack " + stack + " needs --queue-url URL: a queue of yours that a rule on the stack's bus"
                        + " (output ChangeEventBusName) fills; see docs/api/events.md");
            }
            Region r = region != null ? Region.of(region) : DefaultAwsRegionProviderChain.builder().build().getRegion();
            return SqsClient.builder().httpClient(UrlConnectionHttpClient.builder().build()).region(r)
                    .credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
        }
    }
}
