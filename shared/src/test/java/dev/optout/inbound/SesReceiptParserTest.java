package dev.optout.inbound;

import static dev.optout.inbound.Verdict.FAIL;
import static dev.optout.inbound.Verdict.GRAY;
import static dev.optout.inbound.Verdict.PASS;
import static dev.optout.inbound.Verdict.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading SES receipt events (Lambda action) as events/inbound-unsubscribe holds them, and refusing what is not one. */
class SesReceiptParserTest {
    private static final Path EVENTS = ProjectRoot.find().resolve("events/inbound-unsubscribe");

    private static List<ReceivedMail> parse(String json) {
        return SesReceiptParser.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<ReceivedMail> parseFile(String name) throws Exception {
        try (InputStream in = Files.newInputStream(EVENTS.resolve(name))) {
            return SesReceiptParser.parse(in);
        }
    }

    /** One record with these receipt fields (JSON members, without braces) and an otherwise valid mail. */
    private static String record(String mailFields, String receiptFields) {
        return "{\"ses\":{\"mail\":{" + mailFields + "},\"receipt\":{" + receiptFields + "}}}";
    }

    private static final String MAIL = "\"messageId\":\"m-1\",\"timestamp\":\"2026-11-02T09:14:58.120Z\",\"source\":\"a@example.com\","
            + "\"commonHeaders\":{\"from\":[\"a@example.com\"]}";
    private static final String RECIPIENTS = "\"recipients\":[\"unsubscribe@unsubscribe.example.com\"]";

    @Test
    void aReceiptEventGivesTheMailItsSenderFromRecipientsAndVerdicts() throws Exception {
        List<ReceivedMail> mails = parseFile("token-mail.json");

        assertThat(mails).hasSize(1);
        ReceivedMail m = mails.get(0);
        assertThat(m.messageId()).isEqualTo("o3vrnil0e2ic28trm7dfhrc2v0cnbeccl4nbp0g1");
        assertThat(m.timestamp()).isEqualTo(Instant.parse("2026-11-02T09:14:58.120Z"));
        assertThat(m.envelopeSender()).isEqualTo("ana@example.com");
        assertThat(m.from()).containsExactly("Ana <ana@example.com>");
        assertThat(m.recipients()).containsExactly("ho7bzjzdsh4qmujycm4plesxr4qhyemiblgetvyqtl5423nkz7lbuoypf2hb5xcd@unsubscribe.example.com");
        assertThat(m.verdicts()).isEqualTo(new ReceivedMail.Verdicts(PASS, PASS, PASS, PASS, PASS));
    }

    @Test
    void eachVerdictIsReadFromItsOwnField() throws Exception {
        assertThat(parseFile("token-mail-failed-verdicts.json").get(0).verdicts())
                .isEqualTo(new ReceivedMail.Verdicts(FAIL, PASS, FAIL, FAIL, FAIL));
        assertThat(parseFile("plain-mail-unauthenticated-sender.json").get(0).verdicts())
                .isEqualTo(new ReceivedMail.Verdicts(PASS, PASS, PASS, PASS, FAIL));
        String mixed = record(MAIL, RECIPIENTS + ",\"spamVerdict\":{\"status\":\"PASS\"},\"virusVerdict\":{\"status\":\"GRAY\"},"
                + "\"spfVerdict\":{\"status\":\"FAIL\"},\"dkimVerdict\":{\"status\":\"PASS\"},\"dmarcVerdict\":{\"status\":\"GRAY\"}");
        assertThat(parse("{\"Records\":[" + mixed + "]}").get(0).verdicts()).isEqualTo(new ReceivedMail.Verdicts(PASS, GRAY, FAIL, PASS, GRAY));
    }

    /** Never a guess in the sender's favour: absent, undocumented or non-text statuses are UNKNOWN; case and spaces do not matter. */
    @Test
    void aMissingOrUndocumentedVerdictIsUnknownAndNeverAPass() {
        String r = record(MAIL, RECIPIENTS + ",\"spamVerdict\":{\"status\":\" pass \"},\"virusVerdict\":{\"status\":\"MAYBE\"},"
                + "\"spfVerdict\":{\"status\":true},\"dkimVerdict\":\"PASS\"");
        assertThat(parse("{\"Records\":[" + r + "]}").get(0).verdicts()).isEqualTo(new ReceivedMail.Verdicts(PASS, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN));
    }

    @Test
    void everyRecordIsOneMailInOrderAndMissingOrNonTextAddressesAreLeftOut() {
        String first = record(MAIL, RECIPIENTS);
        String second = record("\"messageId\":\"m-2\",\"timestamp\":\"2026-11-02T10:00:00Z\",\"commonHeaders\":{\"from\":[1,\"b@example.com\",null]}",
                "\"recipients\":[\"x@unsubscribe.example.com\",{\"a\":1}]");

        List<ReceivedMail> mails = parse("{\"Records\":[" + first + "," + second + "]}");

        assertThat(mails).extracting(ReceivedMail::messageId).containsExactly("m-1", "m-2");
        assertThat(mails.get(1).envelopeSender()).isEmpty();
        assertThat(mails.get(1).from()).containsExactly("b@example.com");
        assertThat(mails.get(1).recipients()).containsExactly("x@unsubscribe.example.com");
        assertThat(parse("{\"Records\":[" + record("\"messageId\":\"m-3\",\"timestamp\":\"2026-11-02T10:00:00Z\"", RECIPIENTS) + "]}")
                .get(0).from()).isEmpty();
    }

    @Test
    void anEventThatIsNotAReceiptEventIsRefusedSayingWhatIsMissing() {
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(InvalidReceiptException.class).hasMessageContaining("not JSON");
        for (String noRecords : List.of("{}", "{\"Records\":[]}", "{\"Records\":{}}", "[]")) {
            assertThatThrownBy(() -> parse(noRecords)).as(noRecords).isInstanceOf(InvalidReceiptException.class)
                    .hasMessageContaining("no Records");
        }
        assertThatThrownBy(() -> parse("{\"Records\":[{\"eventSource\":\"aws:sqs\"}]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("ses.mail and ses.receipt");
        assertThatThrownBy(() -> parse("{\"Records\":[{\"ses\":{\"mail\":{\"messageId\":\"m\"}}}]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("ses.mail and ses.receipt");
        assertThatThrownBy(() -> parse("{\"Records\":[{\"ses\":{\"mail\":\"m\",\"receipt\":{}}}]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("ses.mail and ses.receipt");
    }

    @Test
    void aReceiptWithoutMessageIdRecipientsOrTimestampIsRefusedSayingWhich() {
        assertThatThrownBy(() -> parse("{\"Records\":[" + record("\"messageId\":\" \",\"timestamp\":\"2026-11-02T10:00:00Z\"", RECIPIENTS) + "]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessage("ses.mail.messageId is missing");
        assertThatThrownBy(() -> parse("{\"Records\":[" + record("\"timestamp\":\"2026-11-02T10:00:00Z\"", RECIPIENTS) + "]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessage("ses.mail.messageId is missing");
        assertThatThrownBy(() -> parse("{\"Records\":[" + record(MAIL, "\"recipients\":\"x@unsubscribe.example.com\"") + "]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessage("ses.receipt.recipients is missing");
        assertThatThrownBy(() -> parse("{\"Records\":[" + record("\"messageId\":\"m\",\"timestamp\":\"yesterday\"", RECIPIENTS) + "]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessage("ses.mail.timestamp is not an ISO-8601 time");
        assertThatThrownBy(() -> parse("{\"Records\":[" + record("\"messageId\":\"m\"", RECIPIENTS) + "]}"))
                .isInstanceOf(InvalidReceiptException.class).hasMessage("ses.mail.timestamp is not an ISO-8601 time");
    }
}
