package dev.optout.snapstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.aws.AwsClients;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.observability.EventLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Priming's dry run, against moto through the functions' own SDK clients: reads go, writes are built and never sent, logs stay empty. */
@ExtendWith(LocalAwsExtension.class)
class DryRunIT {
    private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("A#dry-run"), "sk", AttributeValue.fromS("STATE"));

    @Test
    void duringADryRunWritesAreStoppedBeforeTheyAreSentAndReadsGoThrough(LocalAws aws) {
        String table = aws.createSuppressionTable();
        DynamoDbClient dynamo = new AwsClients(Settings.of(aws.environment())).configure(DynamoDbClient.builder()).build();
        Map<String, AttributeValue> item = Map.of("pk", KEY.get("pk"), "sk", KEY.get("sk"), "note", AttributeValue.fromS("primed"));

        DryRun.run(() -> {
            assertThatThrownBy(() -> dynamo.putItem(r -> r.tableName(table).item(item)))
                    .isInstanceOf(SdkClientException.class).hasMessageContaining("PutItem was built and not sent");
            assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(t -> t.put(p -> p.tableName(table).item(item)))))
                    .hasMessageContaining("TransactWriteItems was built and not sent");
            assertThat(dynamo.getItem(r -> r.tableName(table).key(KEY)).hasItem()).isFalse();
            return null;
        });
        assertThat(DryRun.active()).isFalse();
        assertThat(aws.items(table)).as("nothing reached the table").isEmpty();

        dynamo.putItem(r -> r.tableName(table).item(item));
        assertThat(aws.items(table)).as("after the dry run, writes go again").hasSize(1);
    }

    @Test
    void theDryRunEndsWhenThePrimingFails() {
        assertThatThrownBy(() -> DryRun.run(() -> {
            throw new IllegalStateException("priming failed");
        })).hasMessage("priming failed");
        assertThat(DryRun.active()).isFalse();
    }

    @Test
    void aLogLineMadeDuringADryRunIsBuiltAndNeverWritten() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventLog log = new EventLog("test", new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC());
        DryRun.run(() -> {
            log.metrics("r-1", "unsubscribed", Map.of("addressKey", "k"), Map.of("OptOuts", 1), Map.of());
            return null;
        });
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        log.info("r-2", "after", Map.of());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"event\":\"after\"");
    }
}
