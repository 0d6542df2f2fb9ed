package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.Template;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/**
 * What {@code forget} reaches beyond the table, against moto with the template's queues deployed
 * (their real retention): the SES account suppression list entry when the target mirrors to it,
 * and, for the copies it cannot reach, which queues and by when they are gone.
 */
@ExtendWith(LocalAwsExtension.class)
class ForgetReachIT {
    private static final Duration FOURTEEN_DAYS = Duration.ofDays(14);
    private CliHarness cli;
    private LocalAws aws;
    private SesV2Client ses;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        this.aws = aws;
        cli = new CliHarness(aws, dir);
        ses = aws.client(SesV2Client.builder());
    }

    /** local.json as ./optout local writes it: the template's queues, and the mirroring parameter. */
    private void deployQueues(boolean mirroring) throws Exception {
        LocalDeployment stack = LocalDeployment.deploy(aws, Template.load(), "forget-" + System.nanoTime(),
                Map.of("SesSuppressionMirroring", Boolean.toString(mirroring)), Map.of(), line -> { });
        Path localJson = cli.stateDir.resolve("local.json");
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(localJson.toFile());
        json.put("pendingChangesQueueUrl", stack.ref("PendingChangesQueue"));
        json.put("pendingChangesDeadLetterQueueUrl", stack.ref("PendingChangesDeadLetterQueue"));
        json.put("feedbackQueueUrl", stack.ref("SesEventsQueue"));
        json.put("feedbackDeadLetterQueueUrl", stack.ref("SesEventsDeadLetterQueue"));
        json.put("sesSuppressionMirroring", stack.ref("SesSuppressionMirroring"));
        Files.writeString(localJson, Json.MAPPER.writeValueAsString(json));
    }

    private CliHarness.Result forget(String... more) {
        List<String> args = new ArrayList<>(List.of("forget", "--local", "--actor=ops"));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    private void bounced(String address) {
        cli.store.apply(addr(address), Change.of(dev.optout.suppression.Action.HARD_BOUNCE,
                Provenance.of(Source.SES_BOUNCE, Instant.parse("2026-10-01T08:00:00Z"))));
        ses.putSuppressedDestination(r -> r.emailAddress(address).reason(SuppressionListReason.BOUNCE));
    }

    @Test
    void withMirroringOnTheAddressLeavesTheSesSuppressionListAndOnlyIt() throws Exception {
        deployQueues(true);
        bounced("gone@example.com");
        bounced("other@example.com");

        CliHarness.Result r = forget("gone@example.com");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("forgot gone@example.com", "SES account suppression list: removed.");
        assertThat(aws.sesSuppressionListHolds("gone@example.com")).isFalse();
        assertThat(aws.sesSuppressionListHolds("other@example.com")).isTrue();
        assertThat(forget("gone@example.com").out()).as("repeated").contains("SES account suppression list: it was not on it.");
    }

    @Test
    void withMirroringOffTheSesListIsNotTouched() throws Exception {
        deployQueues(false);
        bounced("kept@example.com");

        CliHarness.Result r = forget("kept@example.com");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("not mirrored to (SesSuppressionMirroring is off): nothing to remove");
        assertThat(aws.sesSuppressionListHolds("kept@example.com")).isTrue();
    }

    @Test
    void whenSesRefusesTheRemovalItSaysSoAndExits1() throws Exception {
        deployQueues(true);
        bounced("stuck@example.com");
        cli.interceptors.add(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("DeleteSuppressedDestination".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    throw SdkClientException.create("injected: SES unreachable");
                }
            }
        });

        CliHarness.Result r = forget("stuck@example.com");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("forgot stuck@example.com", "SES account suppression list: NOT removed (SdkClientException)",
                "run this forget again");
        assertThat(aws.sesSuppressionListHolds("stuck@example.com")).isTrue();
        assertThat(cli.store.read(addr("stuck@example.com")).forgotten()).as("the table part is done").isNotNull();
    }

    @Test
    void itNamesTheQueuesItCannotReachAndWhenTheirCopiesAreGone() throws Exception {
        deployQueues(false);
        bounced("queued@example.com");
        Instant before = Instant.now();

        CliHarness.Result text = forget("queued@example.com");
        JsonNode json = Json.MAPPER.readTree(forget("queued@example.com", "--json").out());
        Instant after = Instant.now();

        assertThat(text.out()).contains("not reachable: copies in message bodies on these queues")
                .containsPattern("PendingChangesQueue +retention 14 days: any copy is gone by 20")
                .containsPattern("SesEventsDeadLetterQueue +retention 14 days");
        assertThat(json.path("sesSuppressionList").path("result").asText()).isEqualTo("NOT_MIRRORED");
        assertThat(json.path("unreachableCopies")).extracting(n -> n.path("queue").asText()).containsExactly(
                "PendingChangesQueue", "PendingChangesDeadLetterQueue", "SesEventsQueue", "SesEventsDeadLetterQueue");
        for (JsonNode q : json.path("unreachableCopies")) {
            assertThat(q.path("retentionSeconds").asLong()).isEqualTo(FOURTEEN_DAYS.toSeconds());
            assertThat(Instant.parse(q.path("expiresBy").asText()))
                    .isBetween(before.plus(FOURTEEN_DAYS).minusSeconds(1), after.plus(FOURTEEN_DAYS));
        }
    }

    @Test
    void anAddressNotInTheTableIsStillTakenOffTheSesList() throws Exception {
        deployQueues(true);
        ses.putSuppressedDestination(r -> r.emailAddress("only-ses@example.com").reason(SuppressionListReason.COMPLAINT));

        JsonNode json = Json.MAPPER.readTree(forget("only-ses@example.com", "--json").out());

        assertThat(json.path("inTable").asBoolean()).isFalse();
        assertThat(json.path("sesSuppressionList").path("result").asText()).isEqualTo("REMOVED");
        assertThatThrownBy(() -> ses.getSuppressedDestination(r -> r.emailAddress("only-ses@example.com")))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void theReportCountsTheErasureAndHoldsItsTimeFromTheRequestAgainstThreeTimes24Hours() throws Exception {
        deployQueues(false);
        bounced("asked@example.com");
        bounced("late@example.com");
        String fourDaysAgo = Instant.now().minus(Duration.ofDays(4)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();

        assertThat(forget("asked@example.com").code()).isZero();
        assertThat(forget("late@example.com", "--requested-at", fourDaysAgo).code()).isZero();
        CliHarness.Result future = forget("late@example.com", "--requested-at", "2999-01-01");
        assertThat(future.code()).isEqualTo(2);
        assertThat(future.err()).contains("--requested-at 2999-01-01 is in the future");
        assertThat(forget("late@example.com", "--requested-at", "last tuesday").code()).isEqualTo(2);

        // the report's period ends at the last whole second: let the erasures' second pass
        Thread.sleep(1_100);
        JsonNode report = Json.MAPPER.readTree(cli.run("report", "--local", "--since", "1d", "--json").out()).path("dataRequests");
        assertThat(report.path("byKind").path("ERASURE").asLong()).isEqualTo(2);
        assertThat(report.path("bySource").path("OPERATOR").asLong()).isEqualTo(2);
        assertThat(report.path("late").asLong()).isEqualTo(1);
        assertThat(report.path("met").asBoolean()).isFalse();
        assertThat(report.path("longestSeconds").asLong()).isBetween(Duration.ofDays(4).toSeconds(), Duration.ofDays(4).toSeconds() + 60);
    }
}
