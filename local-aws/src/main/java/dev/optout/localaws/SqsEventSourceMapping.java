package dev.optout.localaws;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, for a local queue: receive up to a batch of
 * messages, invoke a {@code RequestHandler<SQSEvent, SQSBatchResponse>} with them, delete those
 * that succeeded, and leave the rest to become visible again after the queue's visibility timeout
 * (so the queue's redrive policy moves them to its dead-letter queue after {@code maxReceiveCount}).
 *
 * <p>Partial batch responses follow Lambda's rules for {@code ReportBatchItemFailures}: an empty
 * or absent list means all succeeded; a handler that throws, or a failure naming a message id
 * that is empty or not in the batch, fails the whole batch.
 */
public final class SqsEventSourceMapping {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestHandler<SQSEvent, SQSBatchResponse> handler;
    private final int batchSize;
    private final String functionName;

    /** @param batchSize 1 to 10 (one ReceiveMessage call) */
    public SqsEventSourceMapping(SqsClient sqs, String queueUrl, RequestHandler<SQSEvent, SQSBatchResponse> handler,
                                 int batchSize, String functionName) {
        if (batchSize < 1 || batchSize > 10) {
            throw new IllegalArgumentException("batch size must be 1 to 10, got " + batchSize);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.batchSize = batchSize;
        this.functionName = functionName;
        this.queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** What one poll did. */
    public record Poll(int received, int succeeded, int failed) {
        Poll plus(Poll o) {
            return new Poll(received + o.received, succeeded + o.succeeded, failed + o.failed);
        }
    }

    /** One receive, one invocation (when anything arrived), deletes of what succeeded. */
    public Poll pollOnce(Duration wait) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .waitTimeSeconds((int) wait.toSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return new Poll(0, 0, 0);
        }
        SQSEvent event = new SQSEvent();
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            records.add(record(m));
        }
        event.setRecords(records);
        Set<String> failed = failedIds(event, messages);
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(deletes.size()))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        if (!deletes.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(deletes));
        }
        return new Poll(messages.size(), deletes.size(), messages.size() - deletes.size());
    }

    /**
     * Polls until the queue holds no message, visible or in flight (failed messages come back
     * after the visibility timeout, and leave for the dead-letter queue after the redrive count),
     * or until {@code timeout}. Answers the totals.
     */
    public Poll drain(Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        Poll total = new Poll(0, 0, 0);
        while (Instant.now().isBefore(until)) {
            total = total.plus(pollOnce(Duration.ofSeconds(1)));
            if (isEmpty()) {
                return total;
            }
        }
        return total;
    }

    private boolean isEmpty() {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().allMatch("0"::equals);
    }

    private Set<String> failedIds(SQSEvent event, List<Message> messages) {
        Set<String> all = new HashSet<>();
        messages.forEach(m -> all.add(m.messageId()));
        SQSBatchResponse response;
        try {
            response = handler.handleRequest(event, new LocalLambdaContext(functionName, Duration.ofSeconds(30)));
        } catch (RuntimeException e) {
            return all; // a function error fails the whole batch
        }
        Set<String> failed = new HashSet<>();
        if (response == null || response.getBatchItemFailures() == null) {
            return failed;
        }
        for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
            String id = f.getItemIdentifier();
            if (id == null || id.isEmpty() || !all.contains(id)) {
                return all; // Lambda treats an invalid item identifier as a failure of the whole batch
            }
            failed.add(id);
        }
        return failed;
    }

    private SQSEvent.SQSMessage record(Message m) {
        SQSEvent.SQSMessage r = new SQSEvent.SQSMessage();
        r.setMessageId(m.messageId());
        r.setReceiptHandle(m.receiptHandle());
        r.setBody(m.body());
        r.setMd5OfBody(m.md5OfBody());
        r.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
        r.setAttributes(new HashMap<>(m.attributesAsStrings()));
        Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
        m.messageAttributes().forEach((name, v) -> {
            SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
            a.setDataType(v.dataType());
            a.setStringValue(v.stringValue());
            attributes.put(name, a);
        });
        r.setMessageAttributes(attributes);
        r.setEventSource("aws:sqs");
        r.setEventSourceArn(queueArn);
        r.setAwsRegion(queueArn.split(":")[3]);
        return r;
    }
}
