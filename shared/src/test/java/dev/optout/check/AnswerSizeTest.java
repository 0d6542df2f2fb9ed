package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.links.ListUnsubscribeHeaders;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The arithmetic behind the check's maximum recipients per call. */
class AnswerSizeTest {
    @ParameterizedTest
    @ValueSource(strings = {"ana@example.com", "Jane \"JJ\" <j@x.com>", "tab\there", "bell\u0007", "siti@bücher.example",
            "中文@例子.example", "emoji😀@example.com", "back\\slash", "del\u007f"})
    void theJsonBytesOfAStringAreWhatTheAnswerWrites(String text) throws Exception {
        assertThat(AnswerSize.jsonStringBytes(text)).isEqualTo(echoed(text) - echoed(""));
    }

    private static int echoed(String recipient) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        CheckResponse.of(java.util.List.of(new CheckResult(recipient, null, false, null, null, null, null, null, null)))
                .writeJson(out, EnumSet.of(ResultField.RECIPIENT));
        return out.size();
    }

    @Test
    void everyFieldTogetherAllowsFewerRecipientsThanTheHeadersAlone() {
        int all = AnswerSize.maxRecipients(ResultField.ALL);
        int headers = AnswerSize.maxRecipients(EnumSet.of(ResultField.HEADERS));
        assertThat(all).isLessThan(headers).isLessThan(AnswerSize.CEILING).isPositive();
        assertThat(all % 100).isZero();
        assertThat(CheckRequest.MAX_RECIPIENTS).isEqualTo(all);
    }

    @Test
    void aSmallChoiceOfFieldsKeepsTheCeiling() {
        assertThat(AnswerSize.maxRecipients(EnumSet.of(ResultField.REASON))).isEqualTo(AnswerSize.CEILING);
        assertThat(AnswerSize.maxRecipients(EnumSet.noneOf(ResultField.class))).isEqualTo(AnswerSize.CEILING);
    }

    @Test
    void theDocumentedMaximaHold() {
        // docs/api/check.md: every field 1,400 (detail and headers never meet), headers 4,000, headers and tags 3,300
        assertThat(AnswerSize.maxRecipients(ResultField.ALL)).isEqualTo(1400);
        assertThat(AnswerSize.maxRecipients(EnumSet.of(ResultField.HEADERS))).isEqualTo(4000);
        assertThat(AnswerSize.maxRecipients(EnumSet.of(ResultField.HEADERS, ResultField.TAGS))).isEqualTo(3300);
        assertThat(AnswerSize.worstResult(EnumSet.of(ResultField.HEADERS, ResultField.DETAIL)))
                .isEqualTo(AnswerSize.worstResult(EnumSet.of(ResultField.HEADERS)));
    }

    @Test
    void theMaximumIsTheWorstResultDividedIntoTheLimitLessTheMargin() {
        int worst = AnswerSize.worstResult(ResultField.ALL);
        int expected = (AnswerSize.LAMBDA_RESPONSE_LIMIT - AnswerSize.MARGIN - AnswerSize.ENVELOPE) / worst / 100 * 100;
        assertThat(AnswerSize.maxRecipients(ResultField.ALL)).isEqualTo(expected);
        assertThat((long) expected * worst).isLessThan(AnswerSize.LAMBDA_RESPONSE_LIMIT - AnswerSize.MARGIN);
    }

    @Test
    void theLinkPathsAreTheLengthTheArithmeticCounts() {
        assertThat(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH).hasSize(AnswerSize.LINK_PATH_BYTES);
        assertThat(ListUnsubscribeHeaders.PREFERENCES_PATH).hasSize(AnswerSize.LINK_PATH_BYTES);
    }

    @Test
    void aLongExplanationOfAnInvalidAddressIsCutToTheBound() {
        String cut = PresendCheck.detail("é".repeat(80));
        assertThat(AnswerSize.jsonStringBytes(cut)).isLessThanOrEqualTo(AnswerSize.MAX_DETAIL_BYTES);
        assertThat(PresendCheck.detail("missing '@'")).isEqualTo("missing '@'");
    }
}
