package dev.optout.function.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.expiry.ExpirySweep;
import dev.optout.expiry.SesSuppressionListRemoval;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/** The scheduled sweep as Lambda runs it: its role, the schedule's event, the SES list (local-aws serves it). */
@ExtendWith(LocalAwsExtension.class)
class ExpirySweepHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EmailAddress GONE = AddressParser.parseOrNull("gone.for.a.month@example.com");
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private LocalAws aws;
    private SuppressionStore store;
    private ExpirySweepHandler handler;

    @BeforeEach
    void deploy(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws);
        store = fixture.store();
        SuppressionStore functionStore = fixture.over(FunctionRole.client(aws, "ExpirySweepFunction", DynamoDbClient.builder()));
        ExpirySweep sweep = new ExpirySweep(functionStore, ExpiryPolicy.ofDays(7, 30),
                new SesSuppressionListRemoval(FunctionRole.client(aws, "ExpirySweepFunction", SesV2Client.builder())), Clock.systemUTC());
        handler = new ExpirySweepHandler(sweep, new EventLog("expiry-sweep", new PrintStream(logs, true, StandardCharsets.UTF_8),
                Clock.systemUTC()));
    }

    private JsonNode invoke(byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void theScheduledRunRecordsTheExpiredHardBounceAndTakesItOffTheSesList() throws Exception {
        store.apply(GONE, Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, Instant.now().minus(Duration.ofDays(31)))));
        SesV2Client ses = aws.client(SesV2Client.builder());
        ses.putSuppressedDestination(r -> r.emailAddress(GONE.value()).reason(SuppressionListReason.BOUNCE));

        JsonNode answer = invoke(Files.readAllBytes(ProjectRoot.find().resolve("events/expiry-sweep/scheduled-event.json")));

        assertThat(answer.path("items").path("RECORDED").asInt()).isEqualTo(1);
        assertThat(answer.path("finished").asBoolean()).isTrue();
        assertThat(answer.path("catchUpDays").asInt()).isEqualTo(ExpirySweep.DEFAULT_CATCH_UP_DAYS);
        HistoryEvent expired = store.fullHistory(GONE).get(0);
        assertThat(expired.action()).isEqualTo(Action.EXPIRED);
        assertThat(expired.evidence()).containsEntry("sesSuppressionList", "removed");
        assertThatThrownBy(() -> ses.getSuppressedDestination(r -> r.emailAddress(GONE.value())))
                .as("the re-test can reach the mailbox").isInstanceOf(NotFoundException.class);
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("\"ExpiriesRecorded\"").doesNotContain(GONE.value());
        FunctionRole.assertObservedCallsAllowed("ExpirySweepFunction");

        assertThat(invoke("{}".getBytes(StandardCharsets.UTF_8)).path("items").path("ALREADY_RECORDED").asInt())
                .as("a second run (Lambda's retry, the next day) records nothing twice").isEqualTo(1);
        assertThat(store.fullHistory(GONE)).filteredOn(e -> e.action() == Action.EXPIRED).hasSize(1);
    }

    @Test
    void aCatchUpLooksFurtherBackOnceAndAnUnreadableOneIsRefused() throws Exception {
        store.apply(GONE, Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, Instant.now().minus(Duration.ofDays(40)))));

        assertThat(invoke(Files.readAllBytes(ProjectRoot.find().resolve("events/expiry-sweep/scheduled-event.json")))
                .path("items").path("RECORDED").asInt()).as("older than the default catch-up").isZero();
        assertThat(invoke(Files.readAllBytes(ProjectRoot.find().resolve("events/expiry-sweep/catch-up.json")))
                .path("items").path("RECORDED").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> invoke("{\"catchUpDays\": 90}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("catchUpDays must be a whole number from 0 to 28");
    }
}
