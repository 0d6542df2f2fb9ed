package dev.optout.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.token.InvalidTokenException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MailtoSealerTest {
    private static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");
    private static final Clock AT_ISSUE = Clock.fixed(ISSUED, ZoneOffset.UTC);
    private static final List<String> TOPICS = List.of("newsletter", "promotions", "product-updates", "events", "tips");
    private static final LinkKeys ONLY_K1 = keys("k1", "k1");
    private static final LinkKeys ROTATED = keys("k2", "k1", "k2");
    private static final String JANE = new AddressKeys(fill(9)).keyOf(AddressParser.parseOrNull("jane.doe@example.com"));

    private static byte[] fill(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }

    private static LinkKeys keys(String active, String... ids) {
        StringBuilder json = new StringBuilder("{\"active\":\"" + active + "\",\"keys\":{");
        for (int i = 0; i < ids.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(ids[i]).append("\":\"")
                    .append(Base64.getEncoder().encodeToString(fill(ids[i].hashCode()))).append('"');
        }
        return LinkKeys.parse(json.append("}}").toString());
    }

    private static MailtoSealer sealer(LinkKeys keys, Clock clock) {
        return new MailtoSealer(keys, TOPICS, TokenOpener.DEFAULT_LIFETIME, clock);
    }

    @Test
    void aTokenOpensToTheTableKeyTopicAndIssueDay() throws Exception {
        String token = sealer(ONLY_K1, AT_ISSUE).seal(JANE, "promotions");
        assertThat(sealer(ONLY_K1, AT_ISSUE).open(token))
                .isEqualTo(new MailtoToken(JANE, "promotions", LocalDate.of(2026, 11, 1)));
    }

    @Test
    void aTokenWithoutTopicCoversAllMarketingMail() throws Exception {
        MailtoToken t = sealer(ONLY_K1, AT_ISSUE).open(sealer(ONLY_K1, AT_ISSUE).seal(JANE, null));
        assertThat(t.allMarketingMail()).isTrue();
        assertThat(t.addressKey()).isEqualTo(JANE);
    }

    @Test
    void aTokenIsAWholeLocalPartOfLowerCaseBase32() {
        String token = sealer(ONLY_K1, AT_ISSUE).seal(JANE, "newsletter");
        assertThat(token).hasSize(64).matches("[a-z2-7]{64}");
    }

    @Test
    void aTokenStillOpensAfterAMailSystemChangedItsCase() throws Exception {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        String token = s.seal(JANE, "newsletter");
        assertThat(s.open(token.toUpperCase(Locale.ROOT))).isEqualTo(s.open(token));
        String mixed = token.substring(0, 20).toUpperCase(Locale.ROOT) + token.substring(20);
        assertThat(s.open(mixed)).isEqualTo(s.open(token));
    }

    @Test
    void everyFlippedBitOfEveryByteIsRefused() {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        byte[] raw = Base32.decode(s.seal(JANE, "newsletter"));
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] altered = raw.clone();
                altered[i] ^= (byte) (1 << bit);
                String forged = Base32.encode(altered);
                InvalidTokenException e = catchThrowableOfType(() -> s.open(forged), InvalidTokenException.class);
                assertThat(e).as("byte %d bit %d", i, bit).isNotNull();
            }
        }
    }

    @Test
    void theTopicCannotBeWidenedToAllMailByReSealingTheSameBody() throws Exception {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        byte[] topical = Base32.decode(s.seal(JANE, "newsletter"));
        byte[] all = Base32.decode(s.seal(JANE, null));
        assertThat(Arrays.copyOfRange(topical, 1, 6)).isNotEqualTo(Arrays.copyOfRange(all, 1, 6));
        assertThat(s.open(Base32.encode(topical)).topic()).isEqualTo("newsletter");
    }

    @Test
    void tooLongTooShortOrNotBase32IsMalformed() {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        String token = s.seal(JANE, null);
        for (String bad : List.of(token + "a", token.substring(1), "", "unsubscribe", token.substring(1) + "1",
                token.substring(1) + "=", token.substring(1) + "-")) {
            InvalidTokenException e = catchThrowableOfType(() -> s.open(bad), InvalidTokenException.class);
            assertThat(e).as(bad).isNotNull();
            assertThat(e.reason()).as(bad).isEqualTo(Reason.MALFORMED);
        }
    }

    @Test
    void aTokenOfAnotherKeyIsRefused() {
        String token = sealer(keys("other", "other"), AT_ISSUE).seal(JANE, "newsletter");
        InvalidTokenException e = catchThrowableOfType(() -> sealer(ONLY_K1, AT_ISSUE).open(token), InvalidTokenException.class);
        assertThat(e.reason()).isIn(Reason.UNKNOWN_KEY, Reason.TAMPERED);
    }

    @Test
    void aTokenHandedOutBeforeARotationStillOpensAfterIt() throws Exception {
        String beforeRotation = sealer(ONLY_K1, AT_ISSUE).seal(JANE, "events");
        assertThat(sealer(ROTATED, AT_ISSUE).open(beforeRotation).topic()).isEqualTo("events");
        String afterRotation = sealer(ROTATED, AT_ISSUE).seal(JANE, "events");
        assertThat(afterRotation).isNotEqualTo(beforeRotation);
        assertThat(catchThrowableOfType(() -> sealer(ONLY_K1, AT_ISSUE).open(afterRotation), InvalidTokenException.class))
                .isNotNull();
    }

    @Test
    void aTokenOlderThanTheLinkLifetimeIsExpired() {
        String token = sealer(ONLY_K1, AT_ISSUE).seal(JANE, null);
        Clock later = Clock.fixed(ISSUED.plus(Duration.ofDays(402)), ZoneOffset.UTC);
        InvalidTokenException e = catchThrowableOfType(() -> sealer(ONLY_K1, later).open(token), InvalidTokenException.class);
        assertThat(e.reason()).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void onlyCatalogTopicsCanBeSealed() {
        assertThatThrownBy(() -> sealer(ONLY_K1, AT_ISSUE).seal(JANE, "no-such-topic"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sealer(ONLY_K1, AT_ISSUE).seal("jane@example.com", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoPeopleGetDifferentTokensAndOnePersonTheSameOnTheSameDay() {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        String other = new AddressKeys(fill(9)).keyOf(AddressParser.parseOrNull("john@example.com"));
        assertThat(s.seal(JANE, "newsletter")).isEqualTo(s.seal(JANE, "newsletter"))
                .isNotEqualTo(s.seal(other, "newsletter"))
                .isNotEqualTo(s.seal(JANE, "promotions"));
    }

    /**
     * A fixed vector for the layout in MailtoSealer's Javadoc, computed outside Java (Python's hmac
     * and hashlib, AES-CTR from the cryptography package): link key k1 = 32 bytes of 0x11, table key
     * = HMAC-SHA256(32 bytes of 0x09, "jane.doe@example.com"), issued on 2026-11-01 (day 20758).
     */
    @Test
    void theTokenIsExactlyTheDocumentedConstruction() throws Exception {
        LinkKeys k1 = new LinkKeys("k1", java.util.Map.of("k1", fill(0x11)));
        MailtoSealer s = sealer(k1, AT_ISSUE);
        assertThat(JANE).isEqualTo("OsuQPIqJPjhzFZoTCpA_mkJWM29BrOsHIP3fQ0pstoI");
        assertThat(s.seal(JANE, null)).isEqualTo("fjyce2qo7qtqcpq64ihdau6blgsdxvk7eg224orckn64qbol54wleo5qlfeiqqnq");
        assertThat(s.seal(JANE, "newsletter")).isEqualTo("fjnxwtimdh6vyfj3mirq2loysmtz6ttotfqmmvonpuneacoz2np7t35ynffbvcjd");
        assertThat(s.open("fjnxwtimdh6vyfj3mirq2loysmtz6ttotfqmmvonpuneacoz2np7t35ynffbvcjd"))
                .isEqualTo(new MailtoToken(JANE, "newsletter", LocalDate.of(2026, 11, 1)));
    }

    @Test
    void aTopicTokenDoesNotCoverAllMarketingMail() throws Exception {
        MailtoSealer s = sealer(ONLY_K1, AT_ISSUE);
        assertThat(s.open(s.seal(JANE, "tips")).allMarketingMail()).isFalse();
    }

    @Test
    void aLifetimeShorterThanADayIsRefused() {
        assertThatThrownBy(() -> new MailtoSealer(ONLY_K1, TOPICS, Duration.ofHours(23), AT_ISSUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least a day");
        assertThat(new MailtoSealer(ONLY_K1, TOPICS, Duration.ofDays(1), AT_ISSUE).seal(JANE, null)).hasSize(64);
    }

    /** The issue day travels as two bytes of days since 1970: 1970-01-01 up to 2149-06-06. */
    @Test
    void issueDaysAtBothEndsOfTheFieldOpenAndBeyondThemCannotBeSealed() throws Exception {
        for (LocalDate edge : List.of(LocalDate.EPOCH, LocalDate.ofEpochDay(0xFFFF))) {
            MailtoSealer s = sealer(ONLY_K1, Clock.fixed(edge.atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC));
            assertThat(s.open(s.seal(new MailtoToken(JANE, null, edge))).issuedOn()).isEqualTo(edge);
        }
        for (LocalDate beyond : List.of(LocalDate.EPOCH.minusDays(1), LocalDate.ofEpochDay(0x10000))) {
            assertThatThrownBy(() -> sealer(ONLY_K1, AT_ISSUE).seal(new MailtoToken(JANE, null, beyond)))
                    .as(beyond.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issue day");
        }
    }

    @Test
    void anAddressSealedUnderAKeyAddedSinceTheKeysWereLastReadOpensAfterOneReRead() throws Exception {
        String sealedUnderK2 = sealer(ROTATED, AT_ISSUE).seal(JANE, "newsletter");
        List<String> reReads = new java.util.ArrayList<>();
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
        MailtoSealer s = new MailtoSealer(staleUntilAsked, TOPICS, TokenOpener.DEFAULT_LIFETIME, AT_ISSUE);
        assertThat(s.open(sealedUnderK2).topic()).isEqualTo("newsletter");
        assertThat(reReads).hasSize(1);
        assertThat(s.open(sealer(ONLY_K1, AT_ISSUE).seal(JANE, null)).addressKey()).isEqualTo(JANE);
        assertThat(reReads).as("a key already held costs no re-read").hasSize(1);
    }

    /** A secret rotated in place (new bytes under the same id) applies to the next address, without a restart. */
    @Test
    void aKeyReplacedUnderTheSameIdSealsTheNextAddress() throws Exception {
        java.util.concurrent.atomic.AtomicReference<LinkKeys> live = new java.util.concurrent.atomic.AtomicReference<>(ONLY_K1);
        MailtoSealer s = new MailtoSealer(live::get, TOPICS, TokenOpener.DEFAULT_LIFETIME, AT_ISSUE);
        String before = s.seal(JANE, null);
        LinkKeys replaced = new LinkKeys("k1", java.util.Map.of("k1", fill(0x22)));
        live.set(replaced);
        String after = s.seal(JANE, null);

        assertThat(sealer(replaced, AT_ISSUE).open(after).addressKey()).isEqualTo(JANE);
        assertThat(s.open(after).addressKey()).isEqualTo(JANE);
        assertThat(catchThrowableOfType(() -> s.open(before), InvalidTokenException.class).reason()).isEqualTo(Reason.TAMPERED);
    }
}
