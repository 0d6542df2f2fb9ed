package dev.optout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemSizeTest {
    @Test
    void namesAndStringValuesCountTheirUtf8Bytes() {
        // "pk" 2 + "a#x" 3, "é" 2 bytes + "ü" 2 bytes
        assertThat(ItemSize.of(Map.of("pk", AttributeValue.fromS("a#x"), "é", AttributeValue.fromS("ü")))).isEqualTo(9);
    }

    @Test
    void numbersCountOneBytePerTwoSignificantDigitsPlusOne() {
        assertThat(ItemSize.of(Map.of("n", AttributeValue.fromN("12345")))).isEqualTo(1 + 3 + 1);
        assertThat(ItemSize.of(Map.of("n", AttributeValue.fromN("1000")))).isEqualTo(1 + 1 + 1);
    }

    @Test
    void mapsAndListsAddThreeBytesAndOneAnElement() {
        AttributeValue mark = AttributeValue.fromM(Map.of("at", AttributeValue.fromS("2026"), "ok", AttributeValue.fromBool(true)));
        // "m" 1 + 3 + (1 + "at" 2 + "2026" 4) + (1 + "ok" 2 + 1)
        assertThat(ItemSize.of(Map.of("m", mark))).isEqualTo(1 + 3 + 7 + 4);
        assertThat(ItemSize.of(Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromS("ab")))))).isEqualTo(1 + 3 + 1 + 2);
    }

    @Test
    void aStronglyConsistentReadCostsOneUnitPer4KbRoundedUpAndAtLeastOne() {
        assertThat(ItemSize.readUnits(0, true)).isEqualTo(1);
        assertThat(ItemSize.readUnits(3_500, true)).isEqualTo(1);
        assertThat(ItemSize.readUnits(4_097, true)).isEqualTo(2);
        assertThat(ItemSize.readUnits(3_500, false)).isEqualTo(0.5);
    }

    @Test
    void aWriteCostsOneUnitPerKbRoundedUpAndTwiceThatInATransaction() {
        assertThat(ItemSize.writeUnits(200, false)).isEqualTo(1);
        assertThat(ItemSize.writeUnits(1_025, false)).isEqualTo(2);
        assertThat(ItemSize.writeUnits(1_025, true)).isEqualTo(4);
    }
}
