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

    /** RFC 5321/1035 limits, each exactly at the limit (accepted) and one over it (rejected). */
    @Test
    void lengthLimitsHoldExactlyAtTheLimit() throws Exception {
        String local64 = "a".repeat(64);
        assertThat(AddressParser.parse(local64 + "@example.com").value()).isEqualTo(local64 + "@example.com");
        assertThatThrownBy(() -> AddressParser.parse("a" + local64 + "@example.com"))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("64");

        String label63 = "b".repeat(63);
        assertThat(AddressParser.parse("x@" + label63 + ".com").value()).isEqualTo("x@" + label63 + ".com");
        assertThatThrownBy(() -> AddressParser.parse("x@b" + label63 + ".com")) // IDN.toASCII refuses it first
                .isInstanceOf(InvalidAddressException.class);

        // a domain over 253 characters is refused as such (one of exactly 253 can never fit the
        // 254-character path with its '@' and a local part, so the path limit is the one that binds)
        String domain254 = label63 + "." + label63 + "." + label63 + "." + "c".repeat(62);
        assertThatThrownBy(() -> AddressParser.parse("x@" + domain254))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("253");

        // the whole address: 254 characters at most
        String domain189 = label63 + "." + label63 + "." + "d".repeat(61);
        assertThat(AddressParser.parse(local64 + "@" + domain189).value()).hasSize(254);
        assertThatThrownBy(() -> AddressParser.parse(local64 + "@" + domain189 + "d"))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("254");
    }

    /** The first and last character of each allowed range (RFC 5322 atext, RFC 1035 labels). */
    @Test
    void theEdgesOfEachAllowedCharacterRangeAreAccepted() throws Exception {
        assertThat(AddressParser.parse("az09AZ@a-z.09.example").value()).isEqualTo("az09az@a-z.09.example");
        assertThat(AddressParser.parse("Z@example.com").value()).isEqualTo("z@example.com");
        for (String outside : new String[] {"x[y@example.com", "x:y@example.com", "x\\y@example.com", "x@exam:ple.com",
                "x@exam/ple.com", "x@exam{ple.com"}) {
            assertThatThrownBy(() -> AddressParser.parse(outside)).as(outside).isInstanceOf(InvalidAddressException.class);
        }
    }

    @Test
    void maskingShowsTheFirstAndLastCharacterOnlyWhenThereAreMoreThanThree() throws Exception {
        assertThat(AddressParser.parse("abc@example.com").masked()).isEqualTo("a***@example.com");
        assertThat(AddressParser.parse("abcd@example.com").masked()).isEqualTo("a***d@example.com");
    }

    @Test
    void parseOrNullAnswersTheAddressOrNothing() {
        assertThat(AddressParser.parseOrNull("Jane <Jane@Example.com>").value()).isEqualTo("jane@example.com");
        assertThat(AddressParser.parseOrNull("not an address")).isNull();
        assertThat(AddressParser.parseOrNull(null)).isNull();
    }

    @Test
    void theCanonicalAddressKeepsItsPartsAndIsOnePersonAsAKey() throws Exception {
        EmailAddress a = AddressParser.parse("Siti <Siti@BÜCHER.example>");
        assertThat(a.localPart()).isEqualTo("siti");
        assertThat(a.domain()).isEqualTo("xn--bcher-kva.example");
        assertThat(a).hasToString("siti@xn--bcher-kva.example");
        assertThat(new java.util.HashSet<>(java.util.List.of(a, AddressParser.parse("siti@xn--bcher-kva.example")))).hasSize(1);
        assertThat(a.hashCode()).isEqualTo(AddressParser.parse("SITI@bücher.example").hashCode());
    }

    /** RFC 6532: non-ASCII letters, digits and combining marks are allowed before '@'; other non-ASCII is not. */
    @Test
    void internationalLocalPartsAreAcceptedAndNonAsciiPunctuationIsNot() throws Exception {
        assertThat(AddressParser.parse("José@example.com").value()).isEqualTo("josé@example.com");
        assertThat(AddressParser.parse("用户@例子.example").value()).isEqualTo("用户@xn--fsqu00a.example");
        assertThat(AddressParser.parse("x\u0301y@example.com").value()).isEqualTo("x\u0301y@example.com"); // no precomposed form
        assertThat(AddressParser.parse("\uD83D\uDE00@example.com").value()).isEqualTo("\uD83D\uDE00@example.com");
        for (String bad : new String[] {"x\u00A0y@example.com", "x\u00ABy@example.com", "x\u2014y@example.com", "x\u007Fy@example.com"}) {
            assertThatThrownBy(() -> AddressParser.parse(bad)).as(bad).isInstanceOf(InvalidAddressException.class)
                    .hasMessageContaining("is not allowed before '@'");
        }
    }

    @Test
    void theFirstSpecialCharacterOfAtextIsAccepted() throws Exception {
        assertThat(AddressParser.parse("!x~@example.com").value()).isEqualTo("!x~@example.com");
    }

    @Test
    void quotedDisplayNamesMayBeEmptyOrHoldEscapedQuotesAndBrackets() throws Exception {
        assertThat(AddressParser.parse("\"\" <jane@example.com>").value()).isEqualTo("jane@example.com");
        assertThat(AddressParser.parse("\"Jane \\\"JJ\\\" <Doe>\" <jane@example.com>").value()).isEqualTo("jane@example.com");
    }

    @Test
    void anUnterminatedQuoteInTheDisplayNameIsRefused() {
        assertThatThrownBy(() -> AddressParser.parse("x \"<jane@example.com>")).isInstanceOf(InvalidAddressException.class);
        assertThatThrownBy(() -> AddressParser.parse("\"Jane <jane@example.com>")).isInstanceOf(InvalidAddressException.class);
    }

    /** What a person reads when an address is refused, for each kind of mistake at the first position. */
    @Test
    void aMistakeAtTheFirstCharacterIsNamedAsSuch() {
        assertThatThrownBy(() -> AddressParser.parse("@example.com")).hasMessage("nothing before '@'");
        assertThatThrownBy(() -> AddressParser.parse("<jane@example.com")).hasMessage("unbalanced angle brackets");
        assertThatThrownBy(() -> AddressParser.parse(">jane@example.com")).hasMessage("unbalanced angle brackets");
        assertThatThrownBy(() -> AddressParser.parse("Jane <>jane@example.com>")).hasMessage("nested angle brackets");
        assertThatThrownBy(() -> AddressParser.parse("x[y@example.com")).hasMessage("character '[' is not allowed before '@'");
        assertThatThrownBy(() -> AddressParser.parse("x\ty@example.com")).hasMessage("character 'U+0009' is not allowed before '@'");
    }
}
