package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
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
    void moreThanTenThousandRecipientsIsRefused() {
        StringBuilder sb = new StringBuilder("{\"topic\":\"newsletter\",\"recipients\":[");
        for (int i = 0; i <= CheckRequest.MAX_RECIPIENTS; i++) {
            sb.append(i == 0 ? "" : ",").append("\"u").append(i).append("@example.com\"");
        }
        String json = sb.append("]}").toString();
        assertThatThrownBy(() -> parse(json)).hasMessageContaining("10001").hasMessageContaining("at most 10000");
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

    @Test
    void exactlyTenThousandRecipientsAreAccepted() {
        StringBuilder sb = new StringBuilder("{\"topic\":\"newsletter\",\"recipients\":[");
        for (int i = 0; i < CheckRequest.MAX_RECIPIENTS; i++) {
            sb.append(i == 0 ? "" : ",").append("\"u").append(i).append("@example.com\"");
        }
        assertThat(parse(sb.append("]}").toString()).recipients()).hasSize(10_000);
    }
}
