package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.json.Json;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Frequency;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check's answer is written with jackson-core's generator, not databind: it must stay the
 * contract callers parse, byte for byte what the databind mapping of the same records wrote
 * (field order, absent fields left out, enums by name, non-ASCII text).
 */
class CheckResponseJsonTest {
    @Test
    void theAnswerIsByteForByteWhatTheRecordsMappedTo() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<https://optout.example.com/u/abc>, <mailto:u-abc@unsubscribe.example.com>");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        CheckResponse response = CheckResponse.of(List.of(
                new CheckResult("Ana <ana@example.com>", "ana@example.com", true, null, null, Frequency.WEEKLY, headers,
                        "https://optout.example.com/p/abc", null).withTags(Map.of("optout-topic", "newsletter")),
                new CheckResult("budi@bücher.example", "budi@xn--bcher-kva.example", false, BlockReason.COMPLAINED,
                        "2026-11-01T10:00:00Z", null, null, null, "complained \"twice\"").withComplained(true),
                new CheckResult("not-an-address", null, false, BlockReason.INVALID_ADDRESS, null, null, null, null,
                        "no @ in \"not-an-address\"")));
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        response.writeJson(ours);
        assertThat(ours.toString(StandardCharsets.UTF_8)).isEqualTo(Json.MAPPER.writeValueAsString(response));
        assertThat(Json.MAPPER.readTree(ours.toByteArray()).path("summary").path("blocked").asInt()).isEqualTo(2);
    }

    @Test
    void fieldsLeaveOutWhatThePipelineDidNotAskForButAllowedStays() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("List-Unsubscribe", "<https://optout.example.com/u/abc>");
        headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        CheckResponse response = CheckResponse.of(List.of(
                new CheckResult("Ana <ana@example.com>", "ana@example.com", true, null, null, Frequency.WEEKLY, headers,
                        "https://optout.example.com/p/abc", null).withTags(Map.of("optout-topic", "newsletter")),
                new CheckResult("gone@example.com", "gone@example.com", false, BlockReason.UNSUBSCRIBED_ALL,
                        "2026-11-01T10:00:00Z", null, null, null, null)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response.writeJson(out, java.util.EnumSet.of(ResultField.HEADERS));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"results\":[{\"allowed\":true,\"headers\":"
                + "{\"List-Unsubscribe\":\"<https://optout.example.com/u/abc>\",\"List-Unsubscribe-Post\":\"List-Unsubscribe=One-Click\"}},"
                + "{\"allowed\":false}],\"summary\":{\"total\":2,\"allowed\":1,\"blocked\":1}}");
        out.reset();
        response.writeJson(out, java.util.EnumSet.of(ResultField.RECIPIENT, ResultField.REASON));
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("{\"results\":[{\"recipient\":\"Ana <ana@example.com>\",\"allowed\":true},"
                + "{\"recipient\":\"gone@example.com\",\"allowed\":false,\"reason\":\"UNSUBSCRIBED_ALL\"}]");
    }
}
