package dev.optout.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The local event source mapping against real SQS (moto): batches, partial failures, redrive. */
@ExtendWith(LocalAwsExtension.class)
class SqsEventSourceMappingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Queues(SqsClient sqs, String url, String arn, String dlqUrl) {
    }

    private Queues queues(LocalAws aws, int maxReceiveCount) {
        SqsClient sqs = aws.client(SqsClient.builder());
        String name = "esm-" + UUID.randomUUID().toString().substring(0, 8);
        String dlq = sqs.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
        String dlqArn = arn(sqs, dlq);
        String url = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}")))
                .queueUrl();
        return new Queues(sqs, url, arn(sqs, url), dlq);
    }

    @Test
    void deletesWhatSucceededAndLeavesReportedFailuresForRetry(LocalAws aws) throws Exception {
        Queues q = queues(aws, 5);
        for (String body : List.of("ok-1", "fail-me", "ok-2")) {
            q.sqs().sendMessage(r -> r.queueUrl(q.url()).messageBody(body));
        }
        List<JsonNode> events = new ArrayList<>();
        SqsEventSourceMapping mapping = new SqsEventSourceMapping(q.sqs(), q.url(), q.arn(), "us-east-1", 10, event -> {
            JsonNode e = JSON.readTree(event);
            events.add(e);
            StringBuilder failures = new StringBuilder();
            for (JsonNode r : e.path("Records")) {
                if (r.path("body").asText().startsWith("fail")) {
                    failures.append("{\"itemIdentifier\":\"").append(r.path("messageId").asText()).append("\"}");
                }
            }
            return ("{\"batchItemFailures\":[" + failures + "]}").getBytes(StandardCharsets.UTF_8);
        });

        int received = 0;
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 5 && received < 3; i++) {
            SqsEventSourceMapping.BatchOutcome o = mapping.pollOnce(Duration.ofSeconds(1));
            received += o.received();
            failed.addAll(o.failed());
        }

        assertThat(received).isEqualTo(3);
        assertThat(failed).hasSize(1);
        JsonNode record = events.get(0).path("Records").path(0);
        assertThat(record.path("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(record.path("eventSourceARN").asText()).isEqualTo(q.arn());
        assertThat(record.path("attributes").path("ApproximateReceiveCount").asText()).isEqualTo("1");
        Thread.sleep(1500); // the failed message becomes visible again after the 1 s visibility timeout
        List<String> bodies = new ArrayList<>();
        q.sqs().receiveMessage(r -> r.queueUrl(q.url()).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()
                .forEach(m -> bodies.add(m.body()));
        assertThat(bodies).containsExactly("fail-me");
    }

    @Test
    void aFunctionErrorFailsTheWholeBatchUntilRedriveMovesItToTheDeadLetterQueue(LocalAws aws) throws Exception {
        Queues q = queues(aws, 1);
        q.sqs().sendMessage(r -> r.queueUrl(q.url()).messageBody("poison"));
        SqsEventSourceMapping mapping = new SqsEventSourceMapping(q.sqs(), q.url(), q.arn(), "us-east-1", 10, event -> {
            throw new IllegalStateException("function error");
        });

        SqsEventSourceMapping.BatchOutcome first = mapping.pollOnce(Duration.ofSeconds(1));
        assertThat(first.received()).isEqualTo(1);
        assertThat(first.deleted()).isEmpty();
        assertThat(first.functionError()).contains("function error");

        Thread.sleep(1500);
        mapping.pollOnce(Duration.ofSeconds(1)); // past maxReceiveCount: the queue moves it to the DLQ
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 5 && dead.isEmpty(); i++) {
            q.sqs().receiveMessage(r -> r.queueUrl(q.dlqUrl()).waitTimeSeconds(1)).messages().forEach(m -> dead.add(m.body()));
        }
        assertThat(dead).containsExactly("poison");
    }

    private static String arn(SqsClient sqs, String url) {
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }
}
