package dev.optout.function.feedback;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResult;
import dev.optout.check.LinkProvider;
import dev.optout.check.PresendCheck;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SnsCertificateUrlPolicy;
import dev.optout.feedback.SnsEnvelopeVerifier;
import dev.optout.feedback.SnsSigningCertificates;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SnsTestSigner;
import dev.optout.localaws.SqsEventSourceMapping;
import dev.optout.observability.EventLog;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.PutSuppressedDestinationRequest;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * End to end against the local AWS (moto): SES JSON published to SNS, delivered to SQS, consumed
 * as Lambda's event source mapping does (batches, partial failures, redrive to the DLQ), and the
 * pre-send check's answer afterwards.
 */
@ExtendWith(LocalAwsExtension.class)
class SesFeedbackHandlerIT {
    private static final int MAX_RECEIVE_COUNT = 3;
    private static final Path EVENTS = ProjectRoot.find().resolve("events/ses-feedback");
    /** The topic the envelopes in events/ses-feedback/ name. */
    private static final String FIXTURE_TOPIC = "arn:aws:sns:us-east-1:123456789012:optout-ses-feedback";
    private static final SnsTestSigner SNS = SnsTestSigner.load();

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final EventLog log = new EventLog("ses-feedback", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final AtomicReference<String> failingKey = new AtomicReference<>();
    private LocalAws aws;
    private String table;
    private SuppressionStore store;
    private SuppressionStore functionStore;
    private SesFeedbackHandler handler;
    private SnsClient sns;
    private SqsClient sqs;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws);
        table = fixture.table();
        // A store failure on demand: the DynamoDB client refuses any request about one address key.
        // the handler's table calls as the function, with its role from template.yaml
        DynamoDbClient dynamo = FunctionRole.client(aws, "SesFeedbackFunction", DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        String key = failingKey.get();
                        if (key != null && context.request().toString().contains(key)) {
                            throw SdkClientException.create("injected DynamoDB outage for one address key");
                        }
                    }
                })));
        functionStore = fixture.over(dynamo);
        store = fixture.store(); // the test's own reads, as the admin
        // The fixtures: envelopes from FIXTURE_TOPIC (unsigned, as moto delivers them) and raw bodies.
        handler = handler(SuppressionMirror.NONE, new FeedbackAuthenticity(FIXTURE_TOPIC, false, true));
        sns = aws.client(SnsClient.builder());
        sqs = aws.client(SqsClient.builder());
    }

    private SesFeedbackHandler handler(SuppressionMirror mirror, FeedbackAuthenticity authenticity) {
        // Certificates come from the test signer for the one SNS URL it signs with (no network).
        SnsSigningCertificates certificates = new SnsSigningCertificates(SnsCertificateUrlPolicy.forTopic(authenticity),
                url -> SNS.certificatePem());
        FeedbackReader reader = new FeedbackReader(new SnsEnvelopeVerifier(authenticity, certificates, Clock.systemUTC()));
        return new SesFeedbackHandler(reader, new FeedbackProcessor(functionStore, catalog, FeedbackRules.DEFAULTS, mirror), log, 4);
    }

    /** SNS topic -> SQS queue (visibility 1 s) with a redrive policy to a DLQ. */
    private record Pipeline(String topicArn, String queueUrl, String dlqUrl) {
    }

    private Pipeline pipeline(boolean rawDelivery) {
        String name = "optout-feedback-" + UUID.randomUUID().toString().substring(0, 8);
        String topicArn = sns.createTopic(r -> r.name(name)).topicArn();
        String dlqUrl = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = arn(dlqUrl);
        String queueUrl = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}"))).queueUrl();
        sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(arn(queueUrl))
                .attributes(Map.of("RawMessageDelivery", Boolean.toString(rawDelivery))));
        // As in the local runtime: moto does not sign, so only the topic ARN is checked.
        handler = handler(SuppressionMirror.NONE, new FeedbackAuthenticity(topicArn, false, rawDelivery));
        return new Pipeline(topicArn, queueUrl, dlqUrl);
    }

    private String arn(String queueUrl) {
        return sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private void publish(Pipeline p, String message) {
        sns.publish(r -> r.topicArn(p.topicArn()).message(message));
    }

    private static String ses(String name) {
        try {
            return Files.readString(EVENTS.resolve("ses").resolve(name + ".json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SqsEventSourceMapping mapping(Pipeline p, int batchSize) {
        return new SqsEventSourceMapping(sqs, p.queueUrl(), arn(p.queueUrl()), LocalAws.REGION, batchSize,
                SqsEventSourceMapping.inProcess(handler, "SesFeedbackFunction"));
    }

    private List<String> dlqBodies(Pipeline p) {
        return sqs.receiveMessage(r -> r.queueUrl(p.dlqUrl()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                .stream().map(software.amazon.awssdk.services.sqs.model.Message::body).toList();
    }

    @AfterEach
    void theFunctionCalledOnlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("SesFeedbackFunction");
    }

    private CheckResult check(String address, String topic) {
        PresendCheck check = new PresendCheck(catalog, KEYS, new BatchStateReader(aws.dynamoDb(), table, 2), LinkProvider.NONE);
        return check.check(new CheckRequest(topic, null, List.of(address)), Deadline.after(Duration.ofSeconds(10), Clock.systemUTC()))
                .results().get(0);
    }

    private String logs() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bounceAndComplaintPublishedThroughSnsAndSqsReachTheCheck() {
        Pipeline p = pipeline(false);
        publish(p, ses("notification-bounce-permanent"));
        publish(p, ses("event-complaint"));

        SqsEventSourceMapping.BatchOutcome totals = mapping(p, 10).drain(Duration.ofSeconds(20));

        assertThat(totals.failed()).isEmpty();
        assertThat(totals.deleted()).hasSize(2);
        assertThat(check("Ana Gone <ana.gone@example.com>", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(check("budi.gone@example.com", "promotions").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(check("joko.spam@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(dlqBodies(p)).isEmpty();
        assertThat(logs()).doesNotContain("ana.gone@example.com").doesNotContain("joko.spam@example.com")
                .contains("\"Suppressions\":2").contains("\"Reason\":\"BOUNCED\"").contains("\"Reason\":\"COMPLAINED\"");
        // The complaints alarm (template.yaml) watches optout/Complaints with the Function dimension alone.
        assertThat(logs().lines().filter(l -> l.contains("\"Complaints\":1")))
                .singleElement().asString().contains("\"Dimensions\":[[\"Function\"]]").contains("\"Function\":\"ses-feedback\"");
    }

    @Test
    void rawMessageDeliveryWorksTheSame() {
        Pipeline p = pipeline(true);
        publish(p, ses("event-bounce-permanent"));

        assertThat(mapping(p, 10).drain(Duration.ofSeconds(20)).failed()).isEmpty();
        assertThat(check("hadi.nobody@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
    }

    @Test
    void poisonMessagesMixedIntoABatchEndInTheDeadLetterQueueAndHoldNothingBack() {
        Pipeline p = pipeline(false);
        publish(p, ses("notification-bounce-permanent"));
        publish(p, "<html><body>502 Bad Gateway</body></html>");
        publish(p, ses("notification-complaint-abuse"));
        publish(p, "{\"orderId\":1234,\"status\":\"shipped\"}");
        publish(p, SesFeedbackParser.DESTINATION_TEST_MESSAGE);

        SqsEventSourceMapping.BatchOutcome totals = mapping(p, 10).drain(Duration.ofSeconds(30));

        assertThat(check("ana.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(check("dewi.angry@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(totals.deleted()).hasSize(3);
        assertThat(totals.failed()).as("each poison message tried maxReceiveCount times").hasSize(2 * MAX_RECEIVE_COUNT);
        List<String> dead = dlqBodies(p);
        assertThat(dead).hasSize(2);
        assertThat(String.join("\n", dead)).contains("502 Bad Gateway").contains("orderId");
        assertThat(store.history(addr("ana.gone@example.com"), 10)).as("processed once").hasSize(1);
        assertThat(logs()).contains("\"event\":\"feedback-rejected\"").contains("SNS Message is not JSON")
                .contains("not from SES").contains("SES_DESTINATION_TEST");
    }

    @Test
    void duplicatesChangeNothing() {
        Pipeline p = pipeline(false);
        publish(p, ses("notification-complaint-abuse"));
        publish(p, ses("notification-complaint-abuse")); // SES or SNS delivering twice

        assertThat(mapping(p, 10).drain(Duration.ofSeconds(20)).failed()).isEmpty();
        // and Lambda invoking again with the very same record
        SQSEvent event = EventLoader.loadSQSEvent(EVENTS.resolve("sqs-sns-notification-complaint-abuse.json").toString());
        handler.handleRequest(event, new LocalLambdaContext("SesFeedbackFunction", Duration.ofSeconds(30)));

        assertThat(store.history(addr("dewi.angry@example.com"), 10)).hasSize(1);
        assertThat(logs()).contains("\"result\":\"DUPLICATE\"");
    }

    @Test
    void softBouncesCrossingTheThresholdBlock() {
        Pipeline p = pipeline(false);
        for (int day = 1; day <= 3; day++) {
            publish(p, ses("notification-bounce-transient").replace("0100018f00000002", "0100018f0000010" + day)
                    .replace("2026-03-02T11:00:00Z", "2026-03-0" + day + "T11:00:00Z"));
            SqsEventSourceMapping.BatchOutcome poll = mapping(p, 10).drain(Duration.ofSeconds(20));
            assertThat(poll.failed()).isEmpty();
            if (day < 3) {
                assertThat(check("full.box@example.com", "newsletter").allowed()).isTrue();
            }
        }
        assertThat(check("full.box@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(store.read(addr("full.box@example.com")).softBounce()).isNotNull();
    }

    @Test
    void aStoreFailureFailsOnlyTheAffectedItems() {
        SQSEvent event = EventLoader.loadSQSEvent(EVENTS.resolve("sqs-batch-mixed.json").toString());
        // the batch: bounce (ana, budi), poison, complaint (joko), non-SES JSON, test message, open
        failingKey.set(KEYS.keyOf(addr("joko.spam@example.com")));

        SQSBatchResponse response = handler.handleRequest(event, new LocalLambdaContext("SesFeedbackFunction", Duration.ofSeconds(30)));

        List<String> ids = event.getRecords().stream().map(SQSEvent.SQSMessage::getMessageId).toList();
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder(ids.get(1), ids.get(2), ids.get(3));
        assertThat(check("ana.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(logs()).contains("\"failure\":\"unavailable\"").contains("injected DynamoDB outage");

        failingKey.set(null); // the table is back: the redelivered complaint goes through
        response = handler.handleRequest(event, new LocalLambdaContext("SesFeedbackFunction", Duration.ofSeconds(30)));
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactlyInAnyOrder(ids.get(1), ids.get(3));
        assertThat(check("joko.spam@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(store.history(addr("ana.gone@example.com"), 10)).hasSize(1);
    }

    @Test
    void everyFixtureIsAcknowledgedExceptThePoisonOnes() throws IOException {
        try (Stream<Path> files = Files.list(EVENTS)) {
            for (Path f : files.filter(x -> x.getFileName().toString().startsWith("sqs-")).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("sqs-batch-mixed.json")) {
                    continue;
                }
                SQSEvent event = EventLoader.loadSQSEvent(f.toString());
                SQSBatchResponse response = handler.handleRequest(event, null);
                assertThat(response.getBatchItemFailures()).as(name).hasSize(name.startsWith("sqs-poison-") ? 1 : 0);
            }
        }
        assertThat(logs()).contains("SUBSCRIPTION_CONFIRMATION").contains("UNSUBSCRIBE_CONFIRMATION")
                .doesNotContain("@example.com");
    }

    @Test
    void mirroringPutsEachNewSuppressionOnTheSesAccountSuppressionList() {
        SesV2Client ses = aws.client(SesV2Client.builder());
        handler = handler(new SesSuppressionMirror(FunctionRole.client(aws, "SesFeedbackFunction", SesV2Client.builder())),
                new FeedbackAuthenticity(FIXTURE_TOPIC, false, true));
        SQSEvent bounce = EventLoader.loadSQSEvent(EVENTS.resolve("sqs-sns-event-bounce-permanent.json").toString());
        SQSEvent complaint = EventLoader.loadSQSEvent(EVENTS.resolve("sqs-raw-event-complaint.json").toString());

        assertThat(handler.handleRequest(bounce, null).getBatchItemFailures()).isEmpty();
        assertThat(handler.handleRequest(complaint, null).getBatchItemFailures()).isEmpty();

        // What SES now holds, read back from SES (local-aws' ses_suppression.py serves the list)
        assertThat(ses.getSuppressedDestination(r -> r.emailAddress("hadi.nobody@example.com"))
                .suppressedDestination().reasonAsString()).isEqualTo("BOUNCE");
        assertThat(ses.getSuppressedDestination(r -> r.emailAddress("joko.spam@example.com"))
                .suppressedDestination().reasonAsString()).isEqualTo("COMPLAINT");
        assertThat(check("hadi.nobody@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
    }

    @Test
    void aFailedMirrorFailsTheItemAndItsRedeliveryMirrorsWithoutWritingTheTableTwice() {
        AtomicInteger sesOutages = new AtomicInteger(1);
        SesV2Client ses = aws.client(SesV2Client.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof PutSuppressedDestinationRequest
                                && sesOutages.getAndDecrement() > 0) {
                            throw SdkClientException.create("injected SES outage");
                        }
                    }
                })));
        handler = handler(new SesSuppressionMirror(ses), new FeedbackAuthenticity(FIXTURE_TOPIC, false, true));
        SQSEvent bounce = EventLoader.loadSQSEvent(EVENTS.resolve("sqs-sns-event-bounce-permanent.json").toString());

        SQSBatchResponse first = handler.handleRequest(bounce, null);

        assertThat(first.getBatchItemFailures()).hasSize(1);
        assertThat(logs()).contains("SES PutSuppressedDestination failed");
        // The table is the authority: the suppression holds although SES did not take the copy.
        assertThat(check("hadi.nobody@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThatThrownBy(() -> ses.getSuppressedDestination(r -> r.emailAddress("hadi.nobody@example.com")))
                .isInstanceOf(NotFoundException.class);

        SQSBatchResponse redelivery = handler.handleRequest(bounce, null);

        assertThat(redelivery.getBatchItemFailures()).isEmpty();
        assertThat(ses.getSuppressedDestination(r -> r.emailAddress("hadi.nobody@example.com"))
                .suppressedDestination().reasonAsString()).isEqualTo("BOUNCE");
        assertThat(store.history(addr("hadi.nobody@example.com"), 10)).hasSize(1);
    }

    // ------------------------------------------------------------------ point 4: per-recipient feedback

    @Test
    void oneRecipientThatIsNotAnAddressDoesNotHoldBackTheOthers() {
        String ses = ses("notification-bounce-permanent").replace("Budi.Gone@Example.COM", "\\\"budi gone\\\"@example.com");
        SQSEvent event = sqsEvent("mixed-1", envelope(FIXTURE_TOPIC, ses));

        SQSBatchResponse response = handler.handleRequest(event, new LocalLambdaContext("SesFeedbackFunction", Duration.ofSeconds(30)));

        assertThat(response.getBatchItemFailures()).as("something was applied: the message is done").isEmpty();
        assertThat(check("ana.gone@example.com", "newsletter").reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(logs()).contains("\"event\":\"feedback-recipients-rejected\"").contains("quoted local parts are not accepted")
                .contains("\"FeedbackRecipientsRejected\":1").doesNotContain("budi gone").doesNotContain("ana.gone@example.com");
    }

    @Test
    void aNotificationNoneOfWhoseRecipientsIsAnAddressFails() {
        String ses = ses("notification-complaint-abuse").replace("dewi.angry@example.com", "\\\"dewi angry\\\"@example.com");

        SQSBatchResponse response = handler.handleRequest(sqsEvent("none-1", envelope(FIXTURE_TOPIC, ses)), null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("none-1");
        assertThat(logs()).contains("no complainedRecipients entry is an address").doesNotContain("dewi angry");
    }

    // ------------------------------------------------------------------ point 5: feedback authenticity

    @Test
    void aForgedSubscriptionOptInFromAnotherTopicDoesNotLiftAnOptOutAndIsDeadLettered() {
        Pipeline p = pipeline(false);
        store.apply(addr("lina@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, java.time.Instant.now())));
        String attackerTopic = "arn:aws:sns:us-east-1:123456789012:someone-elses-topic";
        // A principal of the account with sqs:SendMessage (moto does not enforce the queue policy's Deny).
        sqs.sendMessage(r -> r.queueUrl(p.queueUrl()).messageBody(envelope(attackerTopic, ses("event-subscription"))));

        SqsEventSourceMapping.BatchOutcome totals = mapping(p, 10).drain(Duration.ofSeconds(30));

        assertThat(check("lina@example.com", "newsletter").reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(store.history(addr("lina@example.com"), 10)).hasSize(1);
        assertThat(totals.deleted()).isEmpty();
        assertThat(dlqBodies(p)).singleElement().asString().contains(attackerTopic);
        assertThat(logs()).contains("\"event\":\"feedback-unauthentic\"").contains("\"failure\":\"unauthentic\"")
                .contains("not the SES events topic").contains("\"FeedbackMessagesUnauthentic\":1").doesNotContain("lina@example.com");
    }

    @Test
    void aForgedRawBounceSentStraightToTheQueueSuppressesNobody() {
        Pipeline p = pipeline(false);
        sqs.sendMessage(r -> r.queueUrl(p.queueUrl()).messageBody(ses("notification-bounce-permanent")));

        mapping(p, 10).drain(Duration.ofSeconds(30));

        assertThat(check("ana.gone@example.com", "newsletter").allowed()).isTrue();
        assertThat(dlqBodies(p)).hasSize(1);
        assertThat(logs()).contains("raw message delivery is not enabled");
    }

    @Test
    void withSignatureCheckingOnOnlyTheSignedBounceFromTheTopicApplies() {
        Pipeline p = pipeline(false);
        handler = handler(SuppressionMirror.NONE, new FeedbackAuthenticity(p.topicArn(), true, false));
        String signed = SNS.notification(p.topicArn(), "sns-1", ses("notification-complaint-abuse"), 2);
        String tampered = SnsTestSigner.withField(SNS.notification(p.topicArn(), "sns-2", ses("notification-complaint-abuse"), 2),
                "Message", ses("notification-complaint-abuse").replace("dewi.angry@example.com", "victim@example.com"));
        String unsigned = envelope(p.topicArn(), ses("notification-bounce-permanent"));
        // genuinely signed, but with SHA1 (SignatureVersion 1), which the topic no longer uses
        String sha1 = SNS.notification(p.topicArn(), "sns-3", ses("notification-bounce-permanent"), 1);
        for (String body : List.of(signed, tampered, unsigned, sha1)) {
            sqs.sendMessage(r -> r.queueUrl(p.queueUrl()).messageBody(body));
        }

        SqsEventSourceMapping.BatchOutcome totals = mapping(p, 10).drain(Duration.ofSeconds(30));

        assertThat(check("dewi.angry@example.com", "newsletter").reason()).isEqualTo(BlockReason.COMPLAINED);
        assertThat(check("victim@example.com", "newsletter").allowed()).isTrue();
        assertThat(check("ana.gone@example.com", "newsletter").allowed()).isTrue();
        assertThat(totals.deleted()).hasSize(1);
        assertThat(dlqBodies(p)).hasSize(3);
        assertThat(logs()).contains("SNS signature does not verify").contains("SNS envelope with unknown SignatureVersion")
                .contains("SignatureVersion 1 (SHA1), which is not accepted");
    }

    /** An unsigned SNS envelope (as moto delivers, or as a forger writes) around an SES message. */
    private static String envelope(String topicArn, String message) {
        return "{\"Type\":\"Notification\",\"MessageId\":\"" + UUID.randomUUID() + "\",\"TopicArn\":\"" + topicArn
                + "\",\"Message\":" + dev.optout.json.Json.MAPPER.valueToTree(message) + ",\"Timestamp\":\"2026-03-02T10:15:39.512Z\"}";
    }

    private static SQSEvent sqsEvent(String messageId, String body) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(messageId);
        m.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(m));
        return event;
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }
}
