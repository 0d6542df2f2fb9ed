package dev.optout.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.config.ConfigurationException;
import dev.optout.token.InvalidTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenTest {
    private static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");
    private static final Clock AT_ISSUE = Clock.fixed(ISSUED, ZoneOffset.UTC);
    private static final String K1 = Base64.getEncoder().encodeToString(bytes(1));
    private static final String K2 = Base64.getEncoder().encodeToString(bytes(2));
    private static final LinkKeys ONLY_K1 = LinkKeys.parse("{\"active\":\"k1\",\"keys\":{\"k1\":\"" + K1 + "\"}}");
    private static final LinkKeys ROTATED = LinkKeys.parse("{\"active\":\"k2\",\"keys\":{\"k1\":\"" + K1 + "\",\"k2\":\"" + K2 + "\"}}");
    private static final EmailAddress JANE = AddressParser.parseOrNull("Jane.Doe@Example.com");

    private static byte[] bytes(int fill) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    private static TokenOpener opener(LinkKeys keys, Clock clock) {
        return new TokenOpener(keys, TokenOpener.DEFAULT_LIFETIME, clock);
    }

    @Test
    void aSealedTokenOpensToWhatWasSealed() throws Exception {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", "2026-11-weekly");
        LinkToken t = opener(ONLY_K1, AT_ISSUE).open(token);
        assertThat(t).isEqualTo(new LinkToken(JANE, "newsletter", "2026-11-weekly", ISSUED));
        assertThat(t.allMarketingMail()).isFalse();
    }

    @Test
    void aTokenWithoutTopicOrCampaignMeansAllMarketingMail() throws Exception {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, null, null);
        LinkToken t = opener(ONLY_K1, AT_ISSUE).open(token);
        assertThat(t.topic()).isNull();
        assertThat(t.campaignId()).isNull();
        assertThat(t.allMarketingMail()).isTrue();
    }

    @Test
    void nonAsciiAndLongCampaignIdsSurvive() throws Exception {
        String campaign = "kampanye-ñ-".repeat(11); // > 127 bytes: two-byte length
        EmailAddress idn = AddressParser.parseOrNull("siti@bücher.example");
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(idn, "promotions", campaign);
        assertThat(opener(ONLY_K1, AT_ISSUE).open(token)).isEqualTo(new LinkToken(idn, "promotions", campaign, ISSUED));
    }

    @Test
    void theTokenDoesNotShowTheAddressTopicOrCampaign() {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", "2026-11-weekly");
        String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.ISO_8859_1);
        assertThat(decoded).doesNotContain("jane", "example", "newsletter", "2026");
        assertThat(token.toLowerCase()).doesNotContain("jane");
    }

    @Test
    void twoTokensForTheSameRecipientDiffer() {
        TokenSealer sealer = new TokenSealer(ONLY_K1, AT_ISSUE);
        assertThat(sealer.seal(JANE, "newsletter", null)).isNotEqualTo(sealer.seal(JANE, "newsletter", null));
    }

    @Test
    void theWholeLinkFitsInTwoHundredCharacters() {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(
                AddressParser.parseOrNull("firstname.lastname@company-example.co.id"), "product-updates", "2026-11-weekly-digest");
        String url = "https://optout.example.com/u/" + token;
        assertThat(url).hasSizeLessThanOrEqualTo(200);
        assertThat(token).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void flippingAnyBitOfAnyByteIsRefused() {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", "c1");
        byte[] raw = Base64.getUrlDecoder().decode(token);
        TokenOpener opener = opener(ONLY_K1, AT_ISSUE);
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] altered = raw.clone();
                altered[i] ^= (byte) (1 << bit);
                String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
                InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> opener.open(forged));
                assertThat(e).as("byte %d bit %d", i, bit).isNotNull();
                seen.add(e.reason());
            }
        }
        // Header bytes fail as format or key errors; everything after them fails authentication.
        assertThat(seen).contains(Reason.MALFORMED, Reason.UNKNOWN_KEY, Reason.TAMPERED);
    }

    @Test
    void changingAnyCharacterOfTheTokenTextIsRefused() {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", "c1");
        TokenOpener opener = opener(ONLY_K1, AT_ISSUE);
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThatThrownBy(() -> opener.open(altered)).as("character %d", i).isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    void truncatedExtendedAndGarbageTokensAreMalformed() {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", null);
        TokenOpener opener = opener(ONLY_K1, AT_ISSUE);
        for (String bad : new String[] {"", "x", "not a token", token.substring(0, 10), token + "==", "%2F" + token}) {
            InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> opener.open(bad));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.reason()).as(bad).isEqualTo(Reason.MALFORMED);
        }
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> opener.open(token.substring(0, token.length() - 4))))
                .isNotNull();
    }

    @Test
    void aTokenSealedWithAnotherServicesKeyIsRefused() {
        LinkKeys otherK1 = new LinkKeys("k1", java.util.Map.of("k1", bytes(9)));
        String foreign = new TokenSealer(otherK1, AT_ISSUE).seal(JANE, "newsletter", null);
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> opener(ONLY_K1, AT_ISSUE).open(foreign));
        assertThat(e.reason()).isEqualTo(Reason.TAMPERED);
    }

    @Test
    void aTokenNamingAKeyWeDoNotHoldIsUnknownKey() {
        String newer = new TokenSealer(ROTATED, AT_ISSUE).seal(JANE, "newsletter", null);
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> opener(ONLY_K1, AT_ISSUE).open(newer));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void afterRotationOldLinksStillOpenAndNewOnesUseTheActiveKey() throws Exception {
        String old = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", null);
        String fresh = new TokenSealer(ROTATED, AT_ISSUE).seal(JANE, "promotions", null);
        TokenOpener opener = opener(ROTATED, AT_ISSUE);
        assertThat(opener.open(old).topic()).isEqualTo("newsletter");
        assertThat(opener.open(fresh).topic()).isEqualTo("promotions");
        byte[] raw = Base64.getUrlDecoder().decode(fresh);
        assertThat(new String(raw, 2, raw[1], StandardCharsets.US_ASCII)).isEqualTo("k2");
        // Once k1 is retired, its links stop working.
        LinkKeys retired = new LinkKeys("k2", java.util.Map.of("k2", bytes(2)));
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> opener(retired, AT_ISSUE).open(old)).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void aTokenOlderThanItsLifetimeIsExpired() throws Exception {
        String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", null);
        Clock lastDay = Clock.fixed(ISSUED.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        Clock dayAfter = Clock.fixed(ISSUED.plus(Duration.ofDays(400)).plusSeconds(1), ZoneOffset.UTC);
        assertThat(opener(ONLY_K1, lastDay).open(token).address()).isEqualTo(JANE);
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> opener(ONLY_K1, dayAfter).open(token));
        assertThat(e.reason()).isEqualTo(Reason.EXPIRED);
        TokenOpener shortLived = new TokenOpener(ONLY_K1, Duration.ofDays(30), Clock.fixed(ISSUED.plus(Duration.ofDays(31)), ZoneOffset.UTC));
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> shortLived.open(token)).reason()).isEqualTo(Reason.EXPIRED);
        assertThat(shortLived.lifetime()).isEqualTo(Duration.ofDays(30)); // what the pages tell people about their links
    }

    @Test
    void keyConfigurationMistakesAreReportedAtLoad() {
        assertThatThrownBy(() -> LinkKeys.parse("{\"active\":\"k3\",\"keys\":{\"k1\":\"" + K1 + "\"}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("k3");
        assertThatThrownBy(() -> LinkKeys.parse("{\"active\":\"k1\",\"keys\":{\"k1\":\"c2hvcnQ=\"}}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("32 bytes").hasMessageContaining("got 5");
        assertThatThrownBy(() -> LinkKeys.parse("not json")).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> LinkKeys.parse("{\"active\":\"bad id!\",\"keys\":{\"bad id!\":\"" + K1 + "\"}}"))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void keysWrittenInTheUrlSafeBase64AlphabetAreTheSameKeys() throws Exception {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) 0xFB); // "+/v7..." in the standard alphabet, "-_v7..." in the url-safe one
        LinkKeys standard = LinkKeys.parse("{\"active\":\"k1\",\"keys\":{\"k1\":\"" + Base64.getEncoder().encodeToString(b) + "\"}}");
        LinkKeys urlSafe = LinkKeys.parse("{\"active\":\"k1\",\"keys\":{\"k1\":\"" + Base64.getUrlEncoder().encodeToString(b) + "\"}}");
        assertThat(urlSafe.sameAs(standard)).isTrue();
        String token = new TokenSealer(urlSafe, AT_ISSUE).seal(JANE, null, null);
        assertThat(opener(standard, AT_ISSUE).open(token).address()).isEqualTo(JANE);
    }

    /** A reload of the secret that changed nothing keeps the keys; any other change replaces them. */
    @Test
    void reloadedKeysAreTheSameOnlyWithTheSameActiveIdAndBytes() {
        assertThat(ROTATED.sameAs(LinkKeys.parse("{\"active\":\"k2\",\"keys\":{\"k2\":\"" + K2 + "\",\"k1\":\"" + K1 + "\"}}"))).isTrue();
        assertThat(ROTATED.sameAs(null)).isFalse();
        assertThat(ROTATED.sameAs(new LinkKeys("k1", java.util.Map.of("k1", bytes(1), "k2", bytes(2))))).as("another active key").isFalse();
        assertThat(ROTATED.sameAs(new LinkKeys("k2", java.util.Map.of("k2", bytes(2))))).as("k1 retired").isFalse();
        assertThat(ROTATED.sameAs(new LinkKeys("k2", java.util.Map.of("k1", bytes(1), "k2", bytes(2), "k3", bytes(3))))).as("k3 added").isFalse();
        assertThat(ROTATED.sameAs(new LinkKeys("k2", java.util.Map.of("k1", bytes(1), "k2", bytes(3))))).as("k2 replaced").isFalse();
    }

    @Test
    void aKeyAddedSinceTheKeysWereLastReadOpensItsLinksAfterOneReRead() throws Exception {
        String sealedUnderK2 = new TokenSealer(ROTATED, AT_ISSUE).seal(JANE, "newsletter", null);
        java.util.List<String> reReads = new java.util.ArrayList<>();
        LinkKeySource staleUntilAsked = new LinkKeySource() {
            @Override
            public LinkKeys current() {
                return reReads.isEmpty() ? ONLY_K1 : ROTATED;
            }

            @Override
            public LinkKeys afterUnknownKey(String keyId) {
                reReads.add(keyId);
                return ROTATED;
            }
        };
        TokenOpener opener = new TokenOpener(staleUntilAsked, TokenOpener.DEFAULT_LIFETIME, AT_ISSUE);
        assertThat(opener.open(sealedUnderK2).topic()).isEqualTo("newsletter");
        assertThat(reReads).containsExactly("k2");
        assertThat(opener.open(new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, null, null)).address()).isEqualTo(JANE);
        assertThat(reReads).as("a key already held costs no re-read").hasSize(1);
    }

    @Test
    void aChangeMadeThroughALinkRecordsItsCampaignAndWhenItWasIssued() throws Exception {
        LinkToken t = opener(ONLY_K1, AT_ISSUE).open(new TokenSealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter", "2026-11-weekly"));
        Instant at = ISSUED.plusSeconds(3600);
        dev.optout.suppression.Provenance p = t.provenance(dev.optout.suppression.Source.ONE_CLICK, at);
        assertThat(p.source()).isEqualTo(dev.optout.suppression.Source.ONE_CLICK);
        assertThat(p.at()).isEqualTo(at);
        assertThat(p.campaignId()).isEqualTo("2026-11-weekly");
        assertThat(p.tokenIssuedAt()).isEqualTo(ISSUED);
    }

    /** The issue time travels as four unsigned bytes of epoch seconds: 1970 up to 2106-02-07T06:28:15Z. */
    @Test
    void issueTimesAtBothEndsOfTheFieldOpenAndBeyondThemCannotBeSealed() throws Exception {
        for (Instant edge : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(0xFFFF_FFFFL)}) {
            String token = new TokenSealer(ONLY_K1, AT_ISSUE).seal(new LinkToken(JANE, null, null, edge));
            assertThat(opener(ONLY_K1, Clock.fixed(edge, ZoneOffset.UTC)).open(token).issuedAt()).isEqualTo(edge);
        }
        for (Instant beyond : new Instant[] {Instant.ofEpochSecond(-1), Instant.ofEpochSecond(0x1_0000_0000L)}) {
            assertThatThrownBy(() -> new TokenSealer(ONLY_K1, AT_ISSUE).seal(new LinkToken(JANE, null, null, beyond)))
                    .as(beyond.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issue time");
        }
    }

    /**
     * The shortest token that could be one of ours (header, nonce, tag, five bytes of content) is
     * judged by its tag; anything shorter is malformed without trying the key.
     */
    @Test
    void aForgedTokenOfTheShortestPossibleLengthIsTamperedAndOneByteShorterMalformed() {
        byte[] header = {1, 2, 'k', '1'};
        byte[] shortest = new byte[header.length + 12 + 16 + 5];
        java.util.Arrays.fill(shortest, (byte) 0x5A);
        System.arraycopy(header, 0, shortest, 0, header.length);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        TokenOpener opener = opener(ONLY_K1, AT_ISSUE);
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> opener.open(b64.encodeToString(shortest))).reason())
                .isEqualTo(Reason.TAMPERED);
        byte[] shorter = java.util.Arrays.copyOf(shortest, shortest.length - 1);
        assertThat(catchThrowableOfType(InvalidTokenException.class, () -> opener.open(b64.encodeToString(shorter))).reason())
                .isEqualTo(Reason.MALFORMED);
    }
}
