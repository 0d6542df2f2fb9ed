package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeedbackTimestampsTest {
    @ParameterizedTest
    @CsvSource({
            "2026-03-02T10:15:38.237Z, 2026-03-02T10:15:38.237Z",
            "2026-03-02T10:15:38Z, 2026-03-02T10:15:38Z",
            "2026-03-02T10:15:38.237z, 2026-03-02T10:15:38.237Z",
            "2026-03-02T05:15:38.000-05:00, 2026-03-02T10:15:38Z",
            "2026-03-02T17:15:38+07:00, 2026-03-02T10:15:38Z",
            "2026-03-02T10:15:38 +0000, 2026-03-02T10:15:38Z",
            "2026-03-02T12:15:38+0200, 2026-03-02T10:15:38Z",
            "2026-03-02T10:15:38, 2026-03-02T10:15:38Z",
    })
    void everyFormSesWritesIsRead(String text, String expected) {
        assertThat(FeedbackTimestamps.parseOrNull(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-13-02T10:15:38Z", "Mon, 08 Oct 2018 14:05:45 +0000"})
    void somethingElseIsNoTimestamp(String text) {
        assertThat(FeedbackTimestamps.parseOrNull(text)).isNull();
    }
}
