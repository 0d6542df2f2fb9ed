package dev.optout.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.localaws.LambdaLimits.InvocationType;
import org.junit.jupiter.api.Test;

class LambdaLimitsRulesTest {
    @Test
    void aSynchronousRequestOfSixMebibytesIsAcceptedAndOneByteMoreRefused() {
        assertThat(LambdaLimits.checkRequest(6_291_456, InvocationType.REQUEST_RESPONSE)).isEmpty();
        assertThat(LambdaLimits.checkRequest(6_291_457, InvocationType.REQUEST_RESPONSE)).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.errorType()).isEqualTo("RequestEntityTooLargeException");
            assertThat(r.message()).isEqualTo("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
        });
    }

    @Test
    void anEventRequestIsLimitedToOneMebibyteAndNamesItsSize() {
        assertThat(LambdaLimits.checkRequest(1_048_576, InvocationType.EVENT)).isEmpty();
        assertThat(LambdaLimits.checkRequest(1_048_577, InvocationType.EVENT)).hasValueSatisfying(r -> assertThat(r.message())
                .isEqualTo("1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"));
        assertThat(LambdaLimits.checkRequest(7_000_000, InvocationType.EVENT)).hasValueSatisfying(r -> assertThat(r.message())
                .startsWith("Request must be smaller than 6291456 bytes"));
    }

    @Test
    void aResponseIsTooLargeOnlyPastLambdasOwnFigure() {
        assertThat(LambdaLimits.responseTooLarge(6_291_556)).isFalse();
        assertThat(LambdaLimits.responseTooLarge(6_291_557)).isTrue();
        assertThat(new String(LambdaLimits.responseTooLargeError(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (6291556 bytes).\","
                        + "\"errorType\":\"Function.ResponseSizeTooLarge\"}");
    }

    @Test
    void aTimeoutNamesTheRequestAndTheTimeWithTwoDecimals() {
        assertThat(new String(LambdaLimits.timedOutError("abc", 3), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
                "{\"errorMessage\":\"RequestId: abc Error: Task timed out after 3.00 seconds\",\"errorType\":\"Sandbox.Timedout\"}");
    }

    @Test
    void theJvmIsSizedAsLambdasJavaRuntimeSizesIt() {
        // What Lambda's java runtime starts a 256 MB function with.
        assertThat(LambdaLimits.jvmMemoryOptions(256))
                .containsExactly("-XX:MaxHeapSize=222823k", "-XX:MaxMetaspaceSize=26214k", "-XX:ReservedCodeCacheSize=13107k");
    }

    @Test
    void anUnknownInvocationTypeIsRefusedAndNoneMeansRequestResponse() {
        assertThat(InvocationType.of(null)).isEqualTo(InvocationType.REQUEST_RESPONSE);
        assertThat(InvocationType.of("Event")).isEqualTo(InvocationType.EVENT);
        assertThatThrownBy(() -> InvocationType.of("event")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RequestResponse, Event or DryRun");
    }
}
