package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class TableLayoutTest {
    private static final Instant T1 = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-03T10:00:00Z");

    @Test
    void countedSoftBouncesAreReadOldestFirstWhateverOrderTheSetComesInAndInBothForms() {
        // DynamoDB gives a string set in no particular order; items older than the bounce id hold bare times.
        Map<String, AttributeValue> item = Map.of(TableLayout.UPDATED_AT, TableLayout.s(T3.toString()),
                TableLayout.SOFT_BOUNCE_TIMES, AttributeValue.fromSs(List.of(
                        TableLayout.softBounceEntry(T3, "b3"), T1.toString(), TableLayout.softBounceEntry(T2, "b2"))));

        AddressState state = TableLayout.decodeState("k", item);

        assertThat(state.softBounceTimes()).containsExactly(T1, T2, T3);
        assertThat(state.updatedAt()).isEqualTo(T3);
    }

    @Test
    void anItemWithoutAnUpdateTimeStillExists() {
        AddressState state = TableLayout.decodeState("k", Map.of(TableLayout.FREQUENCY, TableLayout.s("WEEKLY")));
        assertThat(state.exists()).isTrue();
        assertThat(state.updatedAt()).isEqualTo(Instant.EPOCH);
        assertThat(state.frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(TableLayout.decodeState("k", Map.of()).exists()).isFalse();
    }
}
