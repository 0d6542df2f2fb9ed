package dev.optout.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.InvalidCheckRequestException;
import dev.optout.json.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 point 7, as a property over random inputs: any campaign id the check accepts, with any
 * address the parser accepts and any catalog-shaped topic, seals into a token within the opener's
 * limit that opens to exactly what was sealed. Seeded, so a failure names its case and repeats.
 */
class EveryTokenOpensPropertyTest {
    private static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(ISSUED, ZoneOffset.UTC);
    /** The longest key id there can be (16 characters): the longest header. */
    private static final LinkKeys KEYS = LinkKeys.parse("{\"active\":\"abcdefghijklmnop\",\"keys\":{\"abcdefghijklmnop\":\""
            + Base64.getEncoder().encodeToString(new byte[32]) + "\"}}");
    private static final String TOPIC_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-";
    /** Scripts whose characters take 1, 2, 3 and 4 bytes in UTF-8. */
    private static final int[][] RANGES = {{'a', 'z'}, {0x00E0, 0x00FF}, {0x0400, 0x04FF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3},
            {0x1F300, 0x1F5FF}, {0x20000, 0x2A6DF}};

    private final TokenSealer sealer = new TokenSealer(KEYS, CLOCK);
    private final TokenOpener opener = new TokenOpener(KEYS, TokenOpener.DEFAULT_LIFETIME, CLOCK);

    @Test
    void everyInputTheCheckAcceptsGivesALinkThatOpens() throws Exception {
        Random random = new Random(20261129L);
        int sealed = 0;
        int refusedCampaigns = 0;
        int longestToken = 0;
        for (int i = 0; i < 20_000; i++) {
            String campaign = random.nextInt(10) == 0 ? null : text(random, random.nextInt(260));
            EmailAddress address = AddressParser.parseOrNull(address(random));
            if (address == null) {
                continue;
            }
            String topic = random.nextInt(4) == 0 ? null : topic(random);
            ObjectNode request = Json.MAPPER.createObjectNode().put("topic", topic == null ? "newsletter" : topic);
            request.put("campaignId", campaign);
            request.putArray("recipients").add(address.value());
            try {
                CheckRequest.parse(new ByteArrayInputStream(request.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (InvalidCheckRequestException e) {
                assertThat(e.getMessage()).contains("campaignId", "bytes");
                refusedCampaigns++;
                continue;
            }
            String token = sealer.seal(address, topic, campaign);
            String what = "campaign " + campaign + " (" + (campaign == null ? 0 : campaign.getBytes(StandardCharsets.UTF_8).length)
                    + " bytes), address " + address.value() + " (" + address.value().getBytes(StandardCharsets.UTF_8).length
                    + " bytes), topic " + topic + ": a " + token.length() + "-character token";
            assertThat(token.length()).as(what).isLessThanOrEqualTo(TokenFormat.MAX_TOKEN_CHARS);
            assertThat(opener.open(token)).as(what).isEqualTo(new LinkToken(address, topic, campaign, ISSUED));
            longestToken = Math.max(longestToken, token.length());
            sealed++;
        }
        System.out.printf("every token opens: %d sealed and opened (longest %d characters), %d campaign ids refused by the check%n",
                sealed, longestToken, refusedCampaigns);
        assertThat(sealed).isGreaterThan(3_000);
        assertThat(refusedCampaigns).isPositive();
    }

    @Test
    void theLongestInputsTheCheckAcceptsStillOpen() throws Exception {
        // 64 three-byte characters before '@', a 189-character domain (254 in all), a 48-character topic, 200 bytes of campaign
        EmailAddress longest = AddressParser.parse("\u4e2d".repeat(64) + "@" + ("a".repeat(61) + ".").repeat(3) + "com");
        String campaign = "\u4e2d".repeat(66) + "ab"; // 200 bytes
        String topic = "t".repeat(48);

        String token = sealer.seal(longest, topic, campaign);

        assertThat(token.length()).isLessThanOrEqualTo(TokenFormat.MAX_TOKEN_CHARS);
        assertThat(opener.open(token).campaignId()).isEqualTo(campaign);
    }

    @Test
    void theCheckRefusesACampaignIdTooLongForALinkSayingSo() {
        String json = "{\"topic\":\"newsletter\",\"campaignId\":\"" + "\u4e2d".repeat(67) + "\",\"recipients\":[\"a@example.com\"]}";

        assertThatThrownBy(() -> CheckRequest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageContaining("\"campaignId\" is 201 bytes in UTF-8; at most 200");
        assertThatThrownBy(() -> sealer.seal(AddressParser.parseOrNull("a@example.com"), null, "\u4e2d".repeat(67)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("campaign id too long");
    }

    private static String text(Random random, int codePoints) {
        int[] range = RANGES[random.nextInt(RANGES.length)];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int[] r = random.nextInt(3) == 0 ? RANGES[random.nextInt(RANGES.length)] : range;
            b.appendCodePoint(r[0] + random.nextInt(r[1] - r[0] + 1));
        }
        return b.toString();
    }

    private static String address(Random random) {
        String local = text(random, 1 + random.nextInt(64));
        StringBuilder domain = new StringBuilder();
        int labels = 1 + random.nextInt(4);
        for (int i = 0; i < labels; i++) {
            domain.append(random.nextBoolean() ? "a".repeat(1 + random.nextInt(63)) : text(random, 1 + random.nextInt(20))).append('.');
        }
        return local + "@" + domain + "com";
    }

    private static String topic(Random random) {
        StringBuilder b = new StringBuilder().append(TOPIC_CHARS.charAt(random.nextInt(36)));
        int more = random.nextInt(48);
        for (int i = 0; i < more; i++) {
            b.append(TOPIC_CHARS.charAt(random.nextInt(TOPIC_CHARS.length())));
        }
        return b.toString();
    }
}
