package dev.optout.function.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.inbound.InboundUnsubscribe;
import dev.optout.inbound.InvalidReceiptException;
import dev.optout.json.Json;
import dev.optout.links.MailtoAddresses;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SampleLinks;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Action;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkKeys;
import dev.optout.token.MailtoSealer;
import dev.optout.token.TokenOpener;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The handler with the sample SES receipt events of events/inbound-unsubscribe, over a fresh moto table. */
@ExtendWith(LocalAwsExtension.class)
class InboundUnsubscribeHandlerIT {
    static final Path EVENTS = ProjectRoot.find().resolve("events/inbound-unsubscribe");
    static final Instant NOW = Instant.parse("2026-11-02T09:15:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final AddressKeys ADDRESS_KEYS = new AddressKeys(Base64.getDecoder().decode(SampleLinks.ADDRESS_HASH_KEY));
    static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    static final EmailAddress BUDI = AddressParser.parseOrNull("budi@example.co.id");
    static final EmailAddress CITRA = AddressParser.parseOrNull("citra@example.org");
    static final String ANA_TOKEN = "ho7bzjzdsh4qmujycm4plesxr4qhyemiblgetvyqtl5423nkz7lbuoypf2hb5xcd";

    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private LocalAws aws;
    private StoreFixture fixture;
    private String table;
    private SuppressionStore store;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        fixture = StoreFixture.on(aws, ADDRESS_KEYS, CLOCK);
        table = fixture.table();
        store = fixture.store();
    }

    static MailtoAddresses mailto(Clock clock) {
        MailtoSealer sealer = new MailtoSealer(LinkKeys.parse(SampleLinks.LINK_KEYS_JSON),
                TopicCatalog.bundled().all().stream().map(Topic::id).toList(), TokenOpener.DEFAULT_LIFETIME, clock);
        return new MailtoAddresses(SampleLinks.MAIL_DOMAIN, sealer, ADDRESS_KEYS);
    }

    private InboundUnsubscribeHandler handler(SuppressionStore store) {
        return new InboundUnsubscribeHandler(new InboundUnsubscribe(store, mailto(CLOCK), CLOCK),
                new EventLog("inbound-unsubscribe", new PrintStream(logs, true, StandardCharsets.UTF_8), CLOCK));
    }

    private JsonNode handle(String eventFile) throws Exception {
        return handleJson(Files.readString(EVENTS.resolve(eventFile)));
    }

    private JsonNode handleJson(String eventJson) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler(store).handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private long itemsInTable() {
        return aws.dynamoDb().scan(r -> r.tableName(table)).count();
    }

    @Test
    void aTokenMailUnsubscribesTheTokensAddressFromItsTopicWithTheReceiptAsEvidence() throws Exception {
        JsonNode answer = handle("token-mail.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("TOKEN_APPLIED");
        assertThat(store.read(ANA).topicOptOuts()).containsOnlyKeys("newsletter");
        assertThat(store.read(ANA).unsubscribedAll()).isNull();
        HistoryEvent h = store.history(ANA, 10).get(0);
        assertThat(h.action()).isEqualTo(Action.UNSUBSCRIBE_TOPIC);
        assertThat(h.source()).isEqualTo(Source.MAILTO);
        assertThat(h.topic()).isEqualTo("newsletter");
        assertThat(h.tokenIssuedAt()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(h.evidence()).containsEntry("sesMessageId", "o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1")
                .containsEntry("spam", "PASS").containsEntry("virus", "PASS").containsEntry("spf", "PASS")
                .containsEntry("dkim", "PASS").containsEntry("dmarc", "PASS").containsEntry("fromMatchesLink", "true");
        assertThat(logs.toString()).contains("\"outcome\":\"TOKEN_APPLIED\"", "\"Source\":\"MAILTO\"")
                .doesNotContain("ana@example.com").doesNotContain(ANA_TOKEN);
    }

    @Test
    void aTokenMailWithAnEmptySubjectAndACaseFoldedAddressUnsubscribesFromAllMarketingMail() throws Exception {
        JsonNode answer = handle("token-mail-empty-subject.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("TOKEN_APPLIED");
        assertThat(answer.at("/results/0/scope").asText()).isEqualTo("*");
        assertThat(store.read(BUDI).unsubscribedAll().source()).isEqualTo(Source.MAILTO);
    }

    @Test
    void aForwardedTokenMailUnsubscribesTheTokensAddressAndLeavesTheSenderAlone() throws Exception {
        handle("token-mail-forwarded.json");

        assertThat(store.read(ANA).topicOptOuts()).containsOnlyKeys("newsletter");
        assertThat(store.history(ANA, 10).get(0).evidence()).containsEntry("fromMatchesLink", "false");
        assertThat(store.read(AddressParser.parseOrNull("ana.personal@gmail.example")).exists()).isFalse();
        assertThat(logs.toString()).doesNotContain("ana.personal@gmail.example");
    }

    @Test
    void aMailThatFailsTheSpamOrAuthenticationVerdictsChangesNothing() throws Exception {
        JsonNode answer = handle("token-mail-failed-verdicts.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("VERDICTS_FAILED");
        assertThat(itemsInTable()).isZero();
        assertThat(logs.toString()).contains("\"UnsubscribeMailsRefused\":1", "spam=FAIL").doesNotContain("ana@example.com");
    }

    @Test
    void anAlteredTokenChangesNothingAndIsLoggedWithoutAddressOrToken() throws Exception {
        JsonNode answer = handle("token-mail-altered.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("INVALID_TOKEN");
        assertThat(itemsInTable()).isZero();
        assertThat(logs.toString()).contains("INVALID_TOKEN").doesNotContain("mallory@attacker.example")
                .doesNotContain(ANA_TOKEN.substring(0, 20));
    }

    @Test
    void aPlainMailFromAnAuthenticatedSenderUnsubscribesThatSenderFromAllMarketingMail() throws Exception {
        JsonNode answer = handle("plain-mail.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("SENDER_UNSUBSCRIBED");
        assertThat(store.read(CITRA).unsubscribedAll().source()).isEqualTo(Source.MAILTO);
        assertThat(store.read(CITRA).address()).isEqualTo("citra@example.org");
    }

    @Test
    void aPlainMailWhoseFromIsNotAuthenticatedChangesNothing() throws Exception {
        JsonNode answer = handle("plain-mail-unauthenticated-sender.json");

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("SENDER_NOT_AUTHENTICATED");
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void aMailToAnotherLocalPartChangesNothing() throws Exception {
        String event = Files.readString(EVENTS.resolve("plain-mail.json")).replace("unsubscribe@unsubscribe", "sales@unsubscribe");

        assertThat(handleJson(event).at("/results/0/kind").asText()).isEqualTo("NOT_AN_UNSUBSCRIBE_ADDRESS");
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void aRedeliveredEventChangesNothingTheSecondTime() throws Exception {
        handle("token-mail.json");
        JsonNode again = handle("token-mail.json");

        assertThat(again.at("/results/0/kind").asText()).isEqualTo("DUPLICATE");
        assertThat(store.history(ANA, 10)).hasSize(1);
    }

    @Test
    void anEventThatIsNotAnSesReceiptIsRefusedWithWhatIsMissing() {
        assertThatThrownBy(() -> handleJson("{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("ses.mail");
        assertThatThrownBy(() -> handleJson("not json")).isInstanceOf(InvalidReceiptException.class);
    }

    @Test
    void aStoreFailureIsThrownForLambdaToRetryAndClaimsNothing() throws Exception {
        SuppressionStore broken = fixture.withoutTable();
        String event = Files.readString(EVENTS.resolve("token-mail.json"));
        InboundUnsubscribeHandler h = handler(broken);

        assertThatThrownBy(() -> h.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null)).isInstanceOf(StoreUnavailableException.class);
        assertThat(logs.toString()).contains("mail-failed").doesNotContain("TOKEN_APPLIED");
    }

}
