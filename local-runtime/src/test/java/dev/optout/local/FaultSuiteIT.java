package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.Faults;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.SuppressionStore;
import dev.optout.formtoken.FormTokens;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Issue 10's fault suite: while DynamoDB is unavailable, then throttled (the local endpoint's
 * fault switch), a mixed workload runs against the whole stack in this JVM (every handler built
 * from the template's environment, so with its real SDK retries and timeouts): one-click POSTs,
 * unsubscribe-page confirmations, preference saves, SES bounces through SNS and the queue, and
 * pre-send checks. After recovery: every opt-out answered with success is in the table, every 503
 * left its address untouched, no check answered "allowed" for an address it could not read, and
 * every SES message is applied or in the dead-letter queue.
 */
@ExtendWith(LocalAwsExtension.class)
class FaultSuiteIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;
    private LocalAws aws;

    private enum Kind { ONE_CLICK_TOPIC, ONE_CLICK_ALL, PAGE, SAVE }

    private record Attempt(Kind kind, EmailAddress address, int status) {
    }

    @AfterEach
    void recover() {
        if (aws != null) {
            aws.faults().dynamoDb(Faults.Mode.NONE);
        }
    }

    @Test
    void underTableFaultsNoOptOutAnsweredWithSuccessIsLostAndNoCheckAllowsAnAddressItCouldNotRead(LocalAws aws) throws Exception {
        this.aws = aws;
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (InProcessStack stack = new InProcessStack(aws, state, "faults-" + run, 2, 8, line -> { });
             SnsClient sns = aws.client(SnsClient.builder())) {
            SuppressionStore store = stack.unsubscribeWiring.store();
            FormTokens formTokens = new FormTokens(stack.unsubscribeWiring.linkKeys());
            String topicArn = stack.deployment.ref("SesEventsTopic");
            List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
            List<EmailAddress> bounced = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger checks = new AtomicInteger();
            AtomicInteger checksFailedClosed = new AtomicInteger();
            AtomicInteger allowedWhileUnreadable = new AtomicInteger();
            AtomicInteger n = new AtomicInteger();

            // Warm up (clients, keys) with one ordinary opt-out while the table works.
            assertThat(post(stack.unsubscribeHttp.baseUri() + "/u/" + seal(stack, address(run, n), "newsletter"),
                    "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded")).isEqualTo(200);

            for (Faults.Mode mode : List.of(Faults.Mode.UNAVAILABLE, Faults.Mode.THROTTLE)) {
                int size = mode == Faults.Mode.UNAVAILABLE ? 4 : 2;
                aws.faults().dynamoDb(mode);
                ExecutorService clients = Executors.newFixedThreadPool(8);
                List<Future<?>> work = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    for (Kind kind : Kind.values()) {
                        EmailAddress a = address(run, n);
                        work.add(clients.submit(() -> attempts.add(new Attempt(kind, a, send(stack, formTokens, kind, a)))));
                    }
                    EmailAddress b = address(run, n);
                    bounced.add(b);
                    work.add(clients.submit(() -> sns.publish(r -> r.topicArn(topicArn).message(LocalRuntime.sampleBounce(b.value())))));
                }
                for (int i = 0; i < size / 2; i++) {
                    List<String> recipients = new ArrayList<>();
                    for (int j = 0; j < 5; j++) {
                        recipients.add(address(run, n).value());
                    }
                    recipients.add(bounced.get(0).value());
                    work.add(clients.submit(() -> {
                        checks.incrementAndGet();
                        try {
                            JsonNode answer = check(stack, recipients);
                            for (JsonNode r : answer.path("results")) {
                                if (r.path("allowed").asBoolean(false)) {
                                    allowedWhileUnreadable.incrementAndGet();
                                }
                            }
                        } catch (RuntimeException failedClosed) {
                            checksFailedClosed.incrementAndGet();
                        }
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
                clients.shutdown();
            }

            aws.faults().dynamoDb(Faults.Mode.NONE);
            stack.awaitEmpty(Duration.ofSeconds(120), "PendingChangesQueue", "SesEventsQueue");

            int accepted = 0;
            int applied = 0;
            int queued = 0;
            int lost = 0;
            int refused = 0;
            int changedDespite503 = 0;
            int unexpected = 0;
            for (Attempt a : attempts) {
                AddressState s = store.read(a.address());
                if (a.status() == 200 || a.status() == 202) {
                    accepted++;
                    boolean inTable = switch (a.kind()) {
                        case ONE_CLICK_TOPIC -> s.topicOptOuts().containsKey("newsletter");
                        case ONE_CLICK_ALL, PAGE -> s.unsubscribedAll() != null;
                        case SAVE -> s.topicOptOuts().containsKey("promotions");
                    };
                    if (inTable) {
                        applied++;
                        if (store.history(a.address(), 10).stream().map(HistoryEvent::evidence).anyMatch(e -> e.containsKey("pendingChangeId"))) {
                            queued++;
                        }
                    } else {
                        lost++;
                    }
                } else if (a.status() == 503) {
                    refused++;
                    if (s.exists()) {
                        changedDespite503++;
                    }
                } else {
                    unexpected++;
                }
            }
            List<String> deadLettered = bodies(stack, "SesEventsDeadLetterQueue");
            int sesApplied = 0;
            int sesDeadLettered = 0;
            int sesMissing = 0;
            for (EmailAddress b : bounced) {
                if (store.read(b).hardBounce() != null) {
                    sesApplied++;
                } else if (deadLettered.stream().anyMatch(body -> body.contains(b.value()))) {
                    sesDeadLettered++;
                } else {
                    sesMissing++;
                }
            }
            System.out.printf("fault suite (DynamoDB unavailable, then throttled): opt-outs sent=%d accepted=%d applied=%d queued=%d lost=%d "
                            + "refused(503)=%d changedDespite503=%d unexpected=%d | SES sent=%d applied=%d deadLettered=%d missing=%d "
                            + "| checks=%d failedClosed=%d allowedWhileUnreadable=%d%n",
                    attempts.size(), accepted, applied, queued, lost, refused, changedDespite503, unexpected,
                    bounced.size(), sesApplied, sesDeadLettered, sesMissing, checks.get(), checksFailedClosed.get(), allowedWhileUnreadable.get());

            assertThat(lost).as("opt-outs answered with success but not in the table").isZero();
            assertThat(queued).as("opt-outs that went through the pending-changes queue").isPositive();
            assertThat(changedDespite503).as("503 answers ('nothing was changed') that changed something").isZero();
            assertThat(unexpected).as("answers other than success or 503").isZero();
            assertThat(allowedWhileUnreadable.get()).as("'allowed' answers for addresses the check could not read").isZero();
            assertThat(sesMissing).as("SES messages neither applied nor dead-lettered").isZero();
        }
    }

    private static EmailAddress address(String run, AtomicInteger n) {
        return AddressParser.parseOrNull("p" + n.incrementAndGet() + "-" + run + "@example.com");
    }

    private static String seal(InProcessStack stack, EmailAddress a, String topic) {
        return stack.unsubscribeWiring.tokenSealer().seal(a, topic, "fault-suite");
    }

    private static int send(InProcessStack stack, FormTokens formTokens, Kind kind, EmailAddress a) {
        return switch (kind) {
            case ONE_CLICK_TOPIC -> post(stack.unsubscribeHttp.baseUri() + "/u/" + seal(stack, a, "newsletter"),
                    "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
            case ONE_CLICK_ALL -> post(stack.unsubscribeHttp.baseUri() + "/u/" + seal(stack, a, null),
                    "List-Unsubscribe=One-Click", "application/x-www-form-urlencoded");
            case PAGE -> {
                String token = seal(stack, a, "newsletter");
                yield post(stack.unsubscribeHttp.baseUri() + "/u/" + token,
                        "action=unsubscribe-all&lang=en&form-token=" + formTokens.form(token), "application/x-www-form-urlencoded");
            }
            case SAVE -> request(HttpRequest.newBuilder(URI.create(stack.preferencesHttp.baseUri() + "/p/" + seal(stack, a, "newsletter")))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"topics\":{\"promotions\":false}}")));
        };
    }

    private static int post(String url, String body, String type) {
        return request(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static int request(HttpRequest.Builder b) {
        try {
            return HTTP.send(b.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    private static JsonNode check(InProcessStack stack, List<String> recipients) {
        try {
            byte[] request = JSON.writeValueAsBytes(java.util.Map.of("topic", "newsletter", "recipients", recipients));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stack.check.handleRequest(new ByteArrayInputStream(request), out, new LocalLambdaContext("PresendCheckFunction",
                    Duration.ofSeconds(30)));
            return JSON.readTree(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> bodies(InProcessStack stack, String queueLogicalId) {
        List<String> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = stack.sqs.receiveMessage(r -> r.queueUrl(stack.deployment.ref(queueLogicalId)).maxNumberOfMessages(10)
                    .visibilityTimeout(60).waitTimeSeconds(0)).messages();
            batch.forEach(m -> all.add(m.body()));
        } while (!batch.isEmpty());
        return all;
    }
}
