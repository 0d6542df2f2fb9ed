package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code ./optout events tail --local} prints the events of the local copy queue, one line each or as JSON. */
@ExtendWith(LocalAwsExtension.class)
class EventsTailIT {
    private record Run(int code, String out, String err) {
    }

    private static Run run(Path state, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), state, Map.of()), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String queueWithSamples(LocalAws aws, Path state, String... samples) throws Exception {
        try (SqsClient sqs = aws.client(SqsClient.builder())) {
            String url = sqs.createQueue(r -> r.queueName("tail-" + UUID.randomUUID().toString().substring(0, 8))).queueUrl();
            for (String s : samples) {
                String body = Files.readString(ProjectRoot.find().resolve("events/change-events/" + s));
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(body));
            }
            var creds = aws.credentials().resolveCredentials();
            Files.writeString(state.resolve("local.json"), "{\"awsEndpoint\":\"" + aws.endpoint() + "\",\"region\":\"" + aws.region()
                    + "\",\"awsAccessKeyId\":\"" + creds.accessKeyId() + "\",\"awsSecretAccessKey\":\"" + creds.secretAccessKey()
                    + "\",\"changeEventsQueueUrl\":\"" + url + "\"}");
            return url;
        }
    }

    @Test
    void tailPrintsOneLinePerEventWithKindAddressReasonAndId(LocalAws aws, @TempDir Path state) throws Exception {
        queueWithSamples(aws, state, "opted-out.json", "address-erased.json");
        Run r = run(state, "events", "tail", "--local", "--count", "2", "--idle-seconds", "20");
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("Opted Out", "ana@example.com", "all mail", "PERSON", "ONE_CLICK",
                "id=r97WU_9zxU5S2erCyTfyVuviEM9GRSpCzAJ4s51j2Vc/2026-12-01T10:00:00.123Z#AbCdEfGh");
        assertThat(lines[1]).contains("Address Erased", "key:r97WU_9zxU5S2erCyTfyVuviEM9GRSpCzAJ4s51j2Vc", "ERASURE");
    }

    @Test
    void withJsonEachEventIsOneLineAsDelivered(LocalAws aws, @TempDir Path state) throws Exception {
        queueWithSamples(aws, state, "campaign-paused.json");
        Run r = run(state, "events", "tail", "--local", "--json", "--count", "1", "--idle-seconds", "20");
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).doesNotContain("\n").contains("\"detail-type\"").contains("\"Campaign Paused\"");
    }

    @Test
    void withoutATargetOrWithAStackButNoQueueItIsAUsageError(@TempDir Path state) {
        assertThat(run(state, "events", "tail").code()).isEqualTo(OptoutCli.USAGE);
        Run r = run(state, "events", "tail", "--stack", "prod");
        assertThat(r.code()).isEqualTo(OptoutCli.USAGE);
        assertThat(r.err()).contains("--queue-url");
        assertThat(run(state, "events", "tail", "--local", "--count", "1").code()).as("no local.json").isEqualTo(OptoutCli.REFUSED);
    }
}
