package dev.optout.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.sqs.SqsClient;

@ExtendWith(LocalAwsExtension.class)
class FaultsIT {
    private LocalAws aws;

    @AfterEach
    void recover() {
        if (aws != null) {
            aws.faults().dynamoDb(Faults.Mode.NONE);
        }
    }

    private DynamoDbClient noRetries(LocalAws aws) {
        return aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                .retryStrategy(b -> b.maxAttempts(1))));
    }

    @Test
    void dynamoDbCanBeMadeUnavailableOrThrottledWhileSqsKeepsWorking(LocalAws aws) {
        this.aws = aws;
        String table = aws.createSuppressionTable();
        DynamoDbClient dynamo = noRetries(aws);
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("A#x"), "sk", AttributeValue.fromS("STATE"));
        SqsClient sqs = aws.client(SqsClient.builder());
        String queue = sqs.createQueue(r -> r.queueName("faults-test")).queueUrl();

        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);
        assertThatThrownBy(() -> dynamo.getItem(r -> r.tableName(table).key(key)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("still here"));
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queue)).messages()).hasSize(1);

        aws.faults().dynamoDb(Faults.Mode.THROTTLE);
        assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(table).item(key)))
                .isInstanceOf(ProvisionedThroughputExceededException.class);
        assertThatThrownBy(() -> dynamo.describeTable(r -> r.tableName(table)))
                .isInstanceOfSatisfying(DynamoDbException.class, e -> assertThat(e.isThrottlingException()).isTrue());

        aws.faults().dynamoDb(Faults.Mode.NONE);
        dynamo.putItem(r -> r.tableName(table).item(key));
        assertThat(dynamo.getItem(r -> r.tableName(table).key(key)).hasItem()).isTrue();
    }
}
