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

    @Test
    void aKeyFromConfigurationReadsTheSameInEitherBase64Alphabet() throws Exception {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) 0xFB); // "+/v7..." in the standard alphabet, "-_v7..." in the url one
        String standard = java.util.Base64.getEncoder().encodeToString(bytes);
        String url = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThat(standard).contains("+").contains("/");
        assertThat(AddressKeys.decode(" " + standard + "\n")).isEqualTo(bytes);
        assertThat(AddressKeys.decode(url)).isEqualTo(bytes);
        EmailAddress jane = AddressParser.parse("jane@example.com");
        assertThat(AddressKeys.fromBase64(url).keyOf(jane)).isEqualTo(new AddressKeys(bytes).keyOf(jane));
    }

    @Test
    void hasKeyTellsWhetherTheseAreTheKeyBytes() {
        AddressKeys keys = new AddressKeys(key(1));
        assertThat(keys.hasKey(key(1))).isTrue();
        assertThat(keys.hasKey(key(2))).isFalse();
    }

    @Test
    void aGuardThatRefusesStopsEveryLookUp() throws Exception {
        AddressKeys keys = new AddressKeys(key(1), () -> {
            throw new IllegalStateException("address hash key changed");
        });
        EmailAddress jane = AddressParser.parse("jane@example.com");
        assertThatThrownBy(() -> keys.keyOf(jane)).isInstanceOf(IllegalStateException.class).hasMessageContaining("changed");
    }
}
