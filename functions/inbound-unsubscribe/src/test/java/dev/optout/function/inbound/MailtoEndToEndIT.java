package dev.optout.function.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResult;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Deadline;
import dev.optout.testsupport.FunctionRole;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole mailto: path over one moto table, both functions wired from the same environment as
 * template.yaml sets it: the check hands out a recipient's mailto: URI, SES delivers a mail to it
 * (a receipt event, empty subject as Apple Mail sends it), and the next check blocks with the
 * link's scope. A mail that fails SES's verdicts changes nothing.
 */
@ExtendWith(LocalAwsExtension.class)
class MailtoEndToEndIT {
    private static final Pattern MAILTO = Pattern.compile("<mailto:([a-z2-7]{64})@" + Pattern.quote(SampleLinks.MAIL_DOMAIN)
            + "\\?subject=unsubscribe>$");

    private PresendCheck check;
    private InboundUnsubscribeHandler inbound;

    @BeforeEach
    void setUp(LocalAws aws) {
        Map<String, String> env = new HashMap<>(SampleLinks.functionEnvironment(aws));
        env.put(Settings.UNSUBSCRIBE_MAIL_DOMAIN, SampleLinks.MAIL_DOMAIN);
        // each as the function it is, with its role from template.yaml
        Wiring checking = new Wiring(Settings.of(FunctionRole.environment(aws, "PresendCheckFunction", env)));
        // As PresendCheckHandler(Wiring) builds it.
        check = new PresendCheck(checking.topics(), checking.addressKeys(),
                new BatchStateReader(checking.dynamoDb(), checking.tableName(), 8), checking.linkHeaders());
        inbound = new InboundUnsubscribeHandler(new Wiring(Settings.of(FunctionRole.environment(aws, "InboundUnsubscribeFunction", env))));
    }

    @AfterEach
    void eachFunctionCalledOnlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("PresendCheckFunction");
        FunctionRole.assertObservedCallsAllowed("InboundUnsubscribeFunction");
    }

    private CheckResult checkOne(String topic, String recipient) {
        String request = "{\"topic\":\"" + topic + "\",\"campaignId\":\"2026-11-weekly\",\"recipients\":[\"" + recipient + "\"]}";
        return check.check(CheckRequest.parse(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8))),
                Deadline.after(Duration.ofSeconds(30), Clock.systemUTC())).results().get(0);
    }

    private String mailtoLocalPart(CheckResult allowed) {
        String header = allowed.headers().get("List-Unsubscribe");
        assertThat(header).startsWith("<https://optout.example.com/u/");
        Matcher m = MAILTO.matcher(header);
        assertThat(m.find()).as("a sealed mailto: after the https URI in %s", header).isTrue();
        return m.group(1);
    }

    /** The sample event with its recipient, From and verdicts replaced, as SES would send it for this mail. */
    private JsonNode receiptFor(String recipient, String from, String spam) throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(
                InboundUnsubscribeHandlerIT.EVENTS.resolve("token-mail-empty-subject.json")));
        ObjectNode ses = (ObjectNode) event.at("/Records/0/ses");
        ((ObjectNode) ses.get("receipt")).putArray("recipients").add(recipient);
        ((ObjectNode) ses.get("receipt").get("spamVerdict")).put("status", spam);
        ((ObjectNode) ses.get("mail")).putArray("destination").add(recipient);
        ObjectNode common = (ObjectNode) ses.get("mail").get("commonHeaders");
        common.putArray("from").add(from);
        common.putArray("to").add(recipient);
        common.put("subject", "");
        ((ObjectNode) ses.get("mail")).put("messageId", "e2e-" + System.nanoTime());
        return event;
    }

    private JsonNode deliver(JsonNode event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        inbound.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }

    @Test
    void aMailToTheChecksMailtoWithAnEmptySubjectBlocksTheNextCheckForThatTopicOnly() throws Exception {
        CheckResult first = checkOne("promotions", "Dewi <dewi@example.id>");
        assertThat(first.allowed()).isTrue();
        String localPart = mailtoLocalPart(first);

        JsonNode answer = deliver(receiptFor(localPart + "@" + SampleLinks.MAIL_DOMAIN, "dewi@example.id", "PASS"));
        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("TOKEN_APPLIED");

        CheckResult next = checkOne("promotions", "dewi@example.id");
        assertThat(next.allowed()).isFalse();
        assertThat(next.reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(next.since()).isNotNull();
        assertThat(checkOne("newsletter", "dewi@example.id").allowed()).as("other topics still allowed").isTrue();
    }

    @Test
    void aMailThatFailsTheSpamVerdictChangesNothing() throws Exception {
        String localPart = mailtoLocalPart(checkOne("promotions", "eka@example.id"));

        JsonNode answer = deliver(receiptFor(localPart + "@" + SampleLinks.MAIL_DOMAIN, "eka@example.id", "FAIL"));

        assertThat(answer.at("/results/0/kind").asText()).isEqualTo("VERDICTS_FAILED");
        assertThat(checkOne("promotions", "eka@example.id").allowed()).isTrue();
    }
}
