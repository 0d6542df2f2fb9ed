package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.EnumSet;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CheckRequestTest {
    private static CheckRequest parse(String json) {
        return CheckRequest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parsesTheContract() {
        CheckRequest r = parse("{\"topic\":\"newsletter\",\"campaignId\":\"2026-11-weekly\",\"recipients\":[\"a@example.com\",\"Budi <budi@example.co.id>\"]}");
        assertThat(r.topic()).isEqualTo("newsletter");
        assertThat(r.campaignId()).isEqualTo("2026-11-weekly");
        assertThat(r.recipients()).containsExactly("a@example.com", "Budi <budi@example.co.id>");
        assertThat(parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\"]}").campaignId()).isNull();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "42 | NUMBER", "1.5 | NUMBER", "true | BOOLEAN", "null | NULL", "{} | OBJECT", "[\"a@example.com\"] | ARRAY"})
    void aRecipientThatIsNotAStringIsNamedByPositionAndJsonType(String value, String type) {
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\"," + value + "]}"))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessage("\"recipients\"[1] must be a string, got " + type);
    }

    @Test
    void eachMalformedRequestSaysExactlyWhatIsWrong() {
        assertThatThrownBy(() -> parse("recipients=a@example.com")).isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageStartingWith("request is not valid JSON");
        assertThatThrownBy(() -> parse("[1,2]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("{\"recipients\":[\"a@example.com\"]}")).hasMessageContaining("\"topic\" is required");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\"}")).hasMessageContaining("\"recipients\" is required");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"recipients\":[]}")).hasMessageContaining("empty");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\", 7]}"))
                .hasMessageContaining("\"recipients\"[1] must be a string");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"campaignId\":5,\"recipients\":[\"a@example.com\"]}"))
                .hasMessageContaining("campaignId");
    }

    @Test
    void moreRecipientsThanTheAnswerWithEveryFieldAllowsAreRefusedNamingTheMaximum() {
        int max = CheckRequest.MAX_RECIPIENTS;
        assertThatThrownBy(() -> parse(request("", max + 1))).isInstanceOf(InvalidCheckRequestException.class)
                .hasMessage("\"recipients\" has " + (max + 1) + " entries; at most " + max + " per request with every field"
                        + " (the answer must fit Lambda's 6 MB response limit): split the batch, or ask for fewer \"fields\"");
        assertThat(parse(request("", max)).recipients()).hasSize(max);
    }

    @Test
    void fewerFieldsAllowMoreRecipientsUpToTheCeiling() {
        int headers = AnswerSize.maxRecipients(EnumSet.of(ResultField.HEADERS));
        assertThat(parse(request("\"fields\":[\"headers\"],", headers)).recipients()).hasSize(headers);
        assertThatThrownBy(() -> parse(request("\"fields\":[\"headers\"],", headers + 1)))
                .hasMessageContaining("at most " + headers + " per request with \"fields\" \"headers\"");
        assertThat(parse(request("\"fields\":[\"allowed\",\"reason\"],", AnswerSize.CEILING)).recipients()).hasSize(10_000);
        assertThatThrownBy(() -> parse(request("\"fields\":[\"reason\"],", AnswerSize.CEILING + 1)))
                .hasMessageEndingWith("split the batch");
    }

    private static String request(String extra, int recipients) {
        StringBuilder sb = new StringBuilder("{\"topic\":\"newsletter\"," + extra + "\"recipients\":[");
        for (int i = 0; i < recipients; i++) {
            sb.append(i == 0 ? "" : ",").append("\"u").append(i).append("@example.com\"");
        }
        return sb.append("]}").toString();
    }

    @Test
    void fieldsChooseWhatEachResultCarries() {
        assertThat(parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\"]}").fields()).isEqualTo(ResultField.ALL);
        assertThat(parse("{\"topic\":\"newsletter\",\"fields\":[\"headers\",\"tags\",\"allowed\"],\"recipients\":[\"a@example.com\"]}")
                .fields()).containsExactly(ResultField.HEADERS, ResultField.TAGS);
    }

    @Test
    void anUnknownFieldIsRefusedSuggestingTheKnownOne() {
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"fields\":[\"header\"],\"recipients\":[\"a@example.com\"]}"))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageStartingWith("unknown field \"header\" (did you mean \"headers\"?); \"fields\" may hold \"allowed\", \"recipient\"");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"fields\":[],\"recipients\":[\"a@example.com\"]}"))
                .hasMessageStartingWith("\"fields\" must be a non-empty array");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"fields\":\"headers\",\"recipients\":[\"a@example.com\"]}"))
                .hasMessageStartingWith("\"fields\" must be a non-empty array");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"fields\":[1],\"recipients\":[\"a@example.com\"]}"))
                .hasMessage("\"fields\" must hold field names (strings), got NUMBER");
    }

    @Test
    void anUnknownKeyIsRefusedNamingItAndTheKeyItMeant() {
        // Ignored, a misspelt campaign would keep the mail from the campaign guard.
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"campaignID\":\"2026-11\",\"recipients\":[\"a@example.com\"]}"))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessage("unknown key \"campaignID\" (did you mean \"campaignId\"?); a check request has only "
                        + "\"topic\", \"campaignId\", \"purpose\", \"fields\", \"recipients\"");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"recipient\":[\"a@example.com\"]}"))
                .hasMessageStartingWith("unknown key \"recipient\" (did you mean \"recipients\"?)");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"priority\":1,\"recipients\":[\"a@example.com\"]}"))
                .hasMessageStartingWith("unknown key \"priority\"; a check request has only");
    }

    @Test
    void aRecipientEntryLongerThanTheAnswerCanEchoIsRefusedByPosition() {
        String longest = LargestAnswerFitsIT.longestEntry(0);
        assertThat(parse("{\"topic\":\"newsletter\",\"recipients\":[" + dev.optout.json.LightJson.write(longest) + "]}").recipients())
                .containsExactly(longest);
        String tooLong = "x".repeat(AnswerSize.MAX_RECIPIENT_BYTES + 1);
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\",\"" + tooLong + "\"]}"))
                .hasMessage("\"recipients\"[1] is 641 bytes; at most 640 (an address is at most 254 characters): is it an address?");
    }

    @Test
    void anEmptyBodyIsRefusedAsNotAnObject() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(InvalidCheckRequestException.class).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("null")).isInstanceOf(InvalidCheckRequestException.class).hasMessageContaining("JSON object");
    }

    @Test
    void aCampaignIdUpToTheLinkLimitInUtf8BytesIsAcceptedAndOneByteMoreIsRefused() {
        String longest = "é".repeat(CheckRequest.MAX_CAMPAIGN_ID_BYTES / 2) + "x".repeat(CheckRequest.MAX_CAMPAIGN_ID_BYTES % 2);
        assertThat(parse("{\"topic\":\"newsletter\",\"campaignId\":\"" + longest + "\",\"recipients\":[\"a@example.com\"]}")
                .campaignId()).isEqualTo(longest);
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"campaignId\":\"" + longest + "x\",\"recipients\":[\"a@example.com\"]}"))
                .isInstanceOf(InvalidCheckRequestException.class).hasMessageContaining("UTF-8").hasMessageContaining("shorten");
        assertThat(parse("{\"topic\":\"newsletter\",\"campaignId\":null,\"recipients\":[\"a@example.com\"]}").campaignId()).isNull();
    }

}
