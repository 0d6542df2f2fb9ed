package dev.optout.preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.suppression.Frequency;
import org.junit.jupiter.api.Test;

class PreferenceJsonTest {
    private static PreferenceUpdate parse(String json) {
        return PreferenceJson.parseUpdate(json);
    }

    @Test
    void aNullTopicFrequencyMeansSameAsOverall() {
        PreferenceUpdate u = parse("{\"topicFrequency\":{\"newsletter\":null,\"promotions\":\"monthly\"},\"frequency\":\"WEEKLY\"}");
        assertThat(u.sameAsOverall()).containsExactly("newsletter");
        assertThat(u.topicFrequency()).containsEntry("promotions", Frequency.MONTHLY).doesNotContainKey("newsletter");
        assertThat(u.frequency()).isEqualTo(Frequency.WEEKLY);
    }

    @Test
    void anUnknownFrequencyHasItsOwnCode() {
        assertThatThrownBy(() -> parse("{\"topicFrequency\":{\"newsletter\":\"HOURLY\"}}"))
                .isInstanceOf(PreferenceException.class)
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.UNKNOWN_FREQUENCY);
    }

    @Test
    void aTopicChoiceOrAResumeThatIsNotABooleanIsMalformed() {
        assertThatThrownBy(() -> parse("{\"topics\":{\"newsletter\":\"no\"}}")).isInstanceOf(PreferenceException.class)
                .hasMessageContaining("topics.newsletter must be true or false")
                .extracting(e -> ((PreferenceException) e).code()).isEqualTo(PreferenceException.Code.MALFORMED);
        assertThatThrownBy(() -> parse("{\"receiveMarketing\":\"yes\"}")).isInstanceOf(PreferenceException.class)
                .hasMessageContaining("receiveMarketing must be true or false");
        assertThat(parse("{\"topics\":{\"newsletter\":false},\"receiveMarketing\":true}").topics()).containsEntry("newsletter", false);
    }
}
