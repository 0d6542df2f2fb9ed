package dev.optout.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AddressKeysTest {
    private static byte[] key(int fill) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) fill);
        return k;
    }

    @Test
    void theKeyDependsOnTheCanonicalAddressOnlyAndNeverContainsIt() throws Exception {
        AddressKeys keys = new AddressKeys(key(1));
        String a = keys.keyOf(AddressParser.parse("Jane <JANE@example.com>"));
        assertThat(a).isEqualTo(keys.keyOf(AddressParser.parse("jane@example.com")));
        assertThat(a).hasSize(43).doesNotContain("jane").doesNotContain("example");
        assertThat(a).isNotEqualTo(keys.keyOf(AddressParser.parse("john@example.com")));
    }

    @Test
    void anotherHashKeyGivesAnotherTableKey() throws Exception {
        EmailAddress jane = AddressParser.parse("jane@example.com");
        assertThat(new AddressKeys(key(1)).keyOf(jane)).isNotEqualTo(new AddressKeys(key(2)).keyOf(jane));
    }

    @Test
    void refusesShortKeys() {
        assertThatThrownBy(() -> new AddressKeys(new byte[16])).hasMessageContaining("32 bytes");
    }
}
