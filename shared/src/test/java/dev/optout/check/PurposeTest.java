package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PurposeTest {
    private static CheckRequest parse(String json) {
        return CheckRequest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void marketingIsTheDefaultAndTransactionalNeedsNoTopic() {
        assertThat(parse("{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\"]}").purpose()).isEqualTo(Purpose.MARKETING);
        assertThat(parse("{\"topic\":\"newsletter\",\"purpose\":null,\"recipients\":[\"a@example.com\"]}").purpose())
                .isEqualTo(Purpose.MARKETING);
        CheckRequest t = parse("{\"purpose\":\"transactional\",\"recipients\":[\"a@example.com\"]}");
        assertThat(t.purpose()).isEqualTo(Purpose.TRANSACTIONAL);
        assertThat(t.topic()).isNull();
    }

    @Test
    void anUnknownPurposeIsARequestErrorThatNamesTheChoices() {
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"purpose\":\"promo\",\"recipients\":[\"a@example.com\"]}"))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageContaining("\"marketing\" or \"transactional\"").hasMessageContaining("promo");
        assertThatThrownBy(() -> parse("{\"topic\":\"newsletter\",\"purpose\":1,\"recipients\":[\"a@example.com\"]}"))
                .isInstanceOf(InvalidCheckRequestException.class);
        assertThatThrownBy(() -> parse("{\"purpose\":\"marketing\",\"recipients\":[\"a@example.com\"]}"))
                .hasMessageContaining("\"topic\" is required");
    }

    @Test
    void tagValuesKeepValidIdsAndMapOthersToDistinctValidOnes() {
        assertThat(SesTags.value("2026-11_weekly")).isEqualTo("2026-11_weekly");
        String spaced = SesTags.value("spring sale 2026");
        String underscored = SesTags.value("spring_sale_2026");
        assertThat(SesTags.isValid(spaced)).isTrue();
        assertThat(spaced).startsWith("spring_sale_2026-").isNotEqualTo(underscored);
        assertThat(SesTags.value("a.b@c")).matches("[A-Za-z0-9_-]+");
        assertThat(SesTags.value("x".repeat(300)).length()).isLessThanOrEqualTo(SesTags.MAX_VALUE);
        assertThat(SesTags.value("spring sale 2026")).as("the same id always maps to the same value").isEqualTo(spaced);
    }

    @Test
    void anUnknownPurposeIsQuotedInTheErrorCutToFortyCharacters() {
        String forty = "p".repeat(40);
        assertThatThrownBy(() -> Purpose.parse(forty)).hasMessageContaining("\"" + forty + "\"");
        assertThatThrownBy(() -> Purpose.parse(forty + "q")).hasMessageContaining("\"" + forty + "…\"")
                .hasMessageNotContaining("q");
    }

    @Test
    void onlyTagValuesOfTheSesCharsetAreValid() {
        assertThat(SesTags.isValid("2026-11_weekly")).isTrue();
        assertThat(SesTags.isValid("spring sale")).isFalse();
        assertThat(SesTags.isValid("")).isFalse();
        assertThat(SesTags.isValid(null)).isFalse();
        assertThat(SesTags.value(null)).isNull();
    }
}
