package dev.optout.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressParserTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "jane@example.com                 | jane@example.com",
            "  Jane@Example.COM               | jane@example.com",
            "Jane Doe <Jane@Example.COM>      | jane@example.com",
            "\"Doe, Jane\" <jane@example.com> | jane@example.com",
            "<jane@example.com>               | jane@example.com",
            "Budi <budi@example.co.id>        | budi@example.co.id",
            "jane@example.com.                | jane@example.com",
            "siti@bücher.example              | siti@xn--bcher-kva.example",
            "siti@XN--BCHER-KVA.example       | siti@xn--bcher-kva.example",
            "siti@BÜCHER.example              | siti@xn--bcher-kva.example",
            "a.b+news@gmail.com               | a.b+news@gmail.com",
            "o'brien@example.ie               | o'brien@example.ie",
    })
    void canonicalizesEveryWayOfWritingOneAddress(String raw, String canonical) throws Exception {
        assertThat(AddressParser.parse(raw).value()).isEqualTo(canonical);
    }

    @Test
    void noGmailDotOrPlusFoldingByDefault() throws Exception {
        assertThat(AddressParser.parse("a.b+x@gmail.com")).isNotEqualTo(AddressParser.parse("ab@gmail.com"));
    }

    @Test
    void displayNameSpellingsAreThePersonItself() throws Exception {
        assertThat(AddressParser.parse("Jane Doe <Jane@Example.COM>"))
                .isEqualTo(AddressParser.parse("\"Doe, Jane\" <jane@example.com>"))
                .isEqualTo(AddressParser.parse("jane@example.com"));
    }

    @ParameterizedTest(name = "[{0}] is rejected")
    @ValueSource(strings = {
            "", "   ", "jane", "jane@", "@example.com", "jane@@example.com", "ja ne@example.com",
            "jane@example", "jane@-example.com", "jane@exa_mple.com", "jane@[192.0.2.1]",
            "\"jane\"@example.com", "jane..doe@example.com", ".jane@example.com", "jane@example..com",
            "Jane <jane@example.com", "jane@example.com>", "Doe, Jane <jane@example.com>",
            "a@b.com, c@d.com", "jane@example.123", "jane@exam ple.com", "<a@b.com> <c@d.com>"
    })
    void rejectsWhatIsNotAnAddress(String raw) {
        assertThatThrownBy(() -> AddressParser.parse(raw))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageNotContaining("null");
    }

    @Test
    void rejectionSaysWhy() {
        assertThatThrownBy(() -> AddressParser.parse("jane.example.com")).hasMessage("missing '@'");
        assertThatThrownBy(() -> AddressParser.parse("jane@example")).hasMessage("domain has no '.'");
        assertThatThrownBy(() -> AddressParser.parse("ja ne@example.com")).hasMessageContaining("U+0020");
        assertThatThrownBy(() -> AddressParser.parse(null)).hasMessage("no address given");
    }

    @Test
    void rejectsOverlongParts() {
        String local65 = "a".repeat(65);
        assertThatThrownBy(() -> AddressParser.parse(local65 + "@example.com")).hasMessageContaining("64");
        String longDomain = ("a".repeat(60) + ".").repeat(5) + "com";
        assertThatThrownBy(() -> AddressParser.parse("x@" + longDomain)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void maskedFormHidesTheLocalPart() throws Exception {
        assertThat(AddressParser.parse("jane.doe@example.com").masked()).isEqualTo("j***e@example.com");
        assertThat(AddressParser.parse("jo@example.com").masked()).isEqualTo("j***@example.com");
    }
}
