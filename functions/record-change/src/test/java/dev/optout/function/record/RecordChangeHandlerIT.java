package dev.optout.function.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.observability.EventLog;
import dev.optout.record.ChangeRecorder;
import dev.optout.record.InvalidRecordRequestException;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The record API's contract: per-item results, bad items refused one by one, the consent model's time order, at most once per id. */
@ExtendWith(LocalAwsExtension.class)
class RecordChangeHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private static final EmailAddress BUDI = AddressParser.parseOrNull("budi@example.co.id");
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private SuppressionStore store;
    private RecordChangeHandler handler;

    @BeforeEach
    void deploy(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        store = fixture.store();
        SuppressionStore functionStore = fixture.over(FunctionRole.client(aws, "RecordChangeFunction", DynamoDbClient.builder()));
        handler = new RecordChangeHandler(new ChangeRecorder(functionStore, TopicCatalog.bundled(), Clock.systemUTC()),
                new EventLog("record-change", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
    }

    private JsonNode invoke(byte[] request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(request), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private JsonNode invoke(String request) throws Exception {
        return invoke(request.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSampleRequestIsAnsweredItemByItemAndOnlyItsGoodChangesAreWritten() throws Exception {
        JsonNode answer = invoke(Files.readAllBytes(ProjectRoot.find().resolve("events/record-change/record-request.json")));

        assertThat(answer.path("results")).extracting(r -> r.path("status").asText())
                .containsExactly("APPLIED", "APPLIED", "APPLIED", "REFUSED", "REFUSED");
        assertThat(answer.path("results").path(3).path("code").asText()).isEqualTo("INVALID_ADDRESS");
        assertThat(answer.path("results").path(4).path("code").asText()).isEqualTo("UNKNOWN_TOPIC");
        assertThat(answer.path("results").path(4).path("id").asText()).isEqualTo("crm-4715");
        assertThat(answer.path("summary").path("applied").asInt()).isEqualTo(3);
        assertThat(answer.path("summary").path("refused").asInt()).isEqualTo(2);

        assertThat(store.read(ANA).unsubscribedAll()).isNotNull();
        assertThat(store.read(BUDI).topicOptOuts()).containsKey("newsletter");
        HistoryEvent h = store.fullHistory(ANA).get(0);
        assertThat(h.source()).isEqualTo(Source.SYSTEM);
        assertThat(h.actor()).isEqualTo("crm");
        assertThat(h.at()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(h.evidence()).containsEntry("channel", "phone").containsEntry("changeId", "crm-4711");
        assertThat(store.read(AddressParser.parseOrNull("citra@example.com")).exists()).isFalse();
        FunctionRole.assertObservedCallsAllowed("RecordChangeFunction");
    }

    @Test
    void aSystemsOptInOlderThanThePersonsOptOutIsRecordedNotAppliedAndANewerOneApplies() throws Exception {
        store.apply(ANA, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.parse("2026-12-01T10:00:00Z"))));
        JsonNode older = invoke("{\"system\":\"sms\",\"changes\":[{\"id\":\"s1\",\"address\":\"ana@example.com\",\"action\":\"OPT_IN\","
                + "\"at\":\"2026-12-01T09:00:00Z\"}]}");
        assertThat(older.path("results").path(0).path("status").asText()).isEqualTo("NOT_APPLIED");
        assertThat(older.path("results").path(0).path("code").asText()).isEqualTo("SUPERSEDED");
        assertThat(store.read(ANA).unsubscribedAll()).as("the person's newer opt-out stands").isNotNull();

        JsonNode newer = invoke("{\"system\":\"sms\",\"changes\":[{\"id\":\"s2\",\"address\":\"ana@example.com\",\"action\":\"OPT_IN\","
                + "\"at\":\"2026-12-01T11:00:00Z\"}]}");
        assertThat(newer.path("results").path(0).path("status").asText()).isEqualTo("APPLIED");
        assertThat(store.read(ANA).unsubscribedAll()).isNull();
    }

    @Test
    void theSameIdTwiceIsRecordedOnce() throws Exception {
        String request = "{\"system\":\"crm\",\"changes\":[{\"id\":\"x1\",\"address\":\"ana@example.com\",\"action\":\"OPT_OUT\","
                + "\"topic\":\"newsletter\",\"at\":\"2026-12-01T10:00:00Z\"}]}";
        assertThat(invoke(request).path("results").path(0).path("status").asText()).isEqualTo("APPLIED");
        assertThat(invoke(request).path("results").path(0).path("status").asText()).isEqualTo("DUPLICATE");
        assertThat(store.fullHistory(ANA)).hasSize(1);
    }

    @Test
    void eachBadChangeIsRefusedWithItsOwnCodeAndNothingIsWritten(LocalAws aws) throws Exception {
        JsonNode answer = invoke("{\"system\":\"crm\",\"changes\":["
                + "\"not an object\","
                + "{\"address\":\"ana@example.com\",\"action\":\"OPT_OUT\",\"at\":\"2026-12-01T10:00:00Z\"},"
                + "{\"id\":\"a\",\"address\":\"ana@example.com\",\"action\":\"DELETE\",\"at\":\"2026-12-01T10:00:00Z\"},"
                + "{\"id\":\"b\",\"address\":\"ana@example.com\",\"action\":\"OPT_OUT\",\"at\":\"yesterday\"},"
                + "{\"id\":\"c\",\"address\":\"ana@example.com\",\"action\":\"OPT_OUT\",\"at\":\"2999-01-01T00:00:00Z\"},"
                + "{\"id\":\"d\",\"address\":\"ana@example.com\",\"action\":\"OPT_OUT\",\"at\":\"2026-12-01T10:00:00Z\",\"evidence\":[1]}]}");
        assertThat(answer.path("results")).extracting(r -> r.path("code").asText())
                .containsExactly("INVALID_CHANGE", "INVALID_ID", "INVALID_ACTION", "INVALID_TIME", "FUTURE_TIME", "INVALID_EVIDENCE");
        assertThat(answer.path("results")).allSatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("REFUSED");
            assertThat(r.path("message").asText()).isNotBlank();
        });
        assertThat(store.read(ANA).exists()).isFalse();
        assertThat(logs.toString(StandardCharsets.UTF_8)).doesNotContain("ana@example.com");
    }

    @Test
    void aRequestThatIsNoBatchIsRefusedWholeWithAClearMessage() {
        assertThatThrownBy(() -> invoke("[]")).isInstanceOf(InvalidRecordRequestException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> invoke("{\"system\":\"CRM!\",\"changes\":[{}]}")).isInstanceOf(InvalidRecordRequestException.class)
                .hasMessageContaining("system");
        assertThatThrownBy(() -> invoke("{\"system\":\"crm\",\"changes\":[]}")).isInstanceOf(InvalidRecordRequestException.class)
                .hasMessageContaining("non-empty");
        StringBuilder many = new StringBuilder("{\"system\":\"crm\",\"changes\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        assertThatThrownBy(() -> invoke(many.append("]}").toString())).isInstanceOf(InvalidRecordRequestException.class)
                .hasMessageContaining("1000 changes");
    }

    @Test
    void aBatchGetsOneResultPerChangeInTheOrderGiven() throws Exception {
        StringBuilder req = new StringBuilder("{\"system\":\"crm\",\"changes\":[");
        for (int i = 0; i < 100; i++) {
            req.append(i == 0 ? "" : ",").append("{\"id\":\"n").append(i).append("\",\"address\":\"p").append(i)
                    .append("@example.com\",\"action\":\"OPT_OUT\",\"at\":\"2026-12-01T10:00:00Z\"}");
        }
        JsonNode answer = invoke(req.append("]}").toString());
        // (a batch of 1,000 takes minutes on moto, which copies the table for every transaction)
        assertThat(answer.path("results")).hasSize(100);
        assertThat(answer.path("summary").path("applied").asInt()).isEqualTo(100);
        List<Integer> indexes = new java.util.ArrayList<>();
        answer.path("results").forEach(r -> indexes.add(r.path("index").asInt()));
        assertThat(indexes).isSorted().doesNotHaveDuplicates().hasSize(100);
    }
}
