package dev.optout.formtoken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.token.LinkKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class FormTokensTest {
    private static byte[] key(int b) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) b);
        return k;
    }

    private final LinkKeys before = new LinkKeys("k1", Map.of("k1", key(1)));
    private final LinkKeys rotated = new LinkKeys("k2", Map.of("k1", key(1), "k2", key(2)));

    @Test
    void aFormTokenIsAcceptedOnlyForItsOwnLink() {
        FormTokens t = new FormTokens(before);
        String form = t.form("linkA");
        assertThat(form).startsWith("k1.");
        assertThat(t.verify("linkA", form)).isTrue();
        assertThat(t.verify("linkB", form)).isFalse();
        assertThat(t.verify("linkA", null)).isFalse();
        assertThat(t.verify("linkA", "")).isFalse();
        assertThat(t.verify("linkA", "k1.not*base64")).isFalse();
        assertThat(t.verify("linkA", "k9." + form.substring(3))).as("unknown key id").isFalse();
    }

    @Test
    void aPageRenderedBeforeAKeyRotationCanStillBeSavedAfterIt() {
        String old = new FormTokens(before).form("linkA");
        FormTokens after = new FormTokens(rotated);
        assertThat(after.verify("linkA", old)).isTrue();
        assertThat(after.form("linkA")).startsWith("k2.").isNotEqualTo(old);
        assertThat(new FormTokens(new LinkKeys("k2", Map.of("k2", key(2)))).verify("linkA", old))
                .as("once the old key is retired").isFalse();
    }

    /**
     * A fixed test vector for the construction FormTokens documents (and the README states):
     * {@code keyId "." base64url(HMAC-SHA256(K_form, "optout-form-v1" 0x00 linkToken))} with
     * {@code K_form = HMAC-SHA256(linkKey, "optout form token key v1")}. The expected value was
     * computed outside this code base (Python's hmac module) and is recomputed here with
     * javax.crypto directly, so a change of label, separator, encoding or key derivation fails.
     */
    @Test
    void aFormTokenIsTheDocumentedHmacConstructionPinnedByATestVector() throws Exception {
        byte[] linkKey = new byte[32];
        for (int i = 0; i < 32; i++) {
            linkKey[i] = (byte) (i + 1); // 0x01 .. 0x20
        }
        String linkToken = "AQJrMW-sample_link";
        String expected = "k7.RmunqYBJKfbkCKU6EhsveqW1dF4-d9K9V1Xbpktq6Jw";

        byte[] formKey = hmacSha256(linkKey, "optout form token key v1".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(formKey))
                .isEqualTo("123df0ae103abcdec3ee87aff336ce6139063c9aa528d04aa16202d620ba9232");
        byte[] tag = hmacSha256(formKey, ("optout-form-v1\u0000" + linkToken).getBytes(StandardCharsets.US_ASCII));
        assertThat("k7." + Base64.getUrlEncoder().withoutPadding().encodeToString(tag)).isEqualTo(expected);

        FormTokens tokens = new FormTokens(new LinkKeys("k7", Map.of("k7", linkKey)));
        assertThat(tokens.form(linkToken)).isEqualTo(expected);
        assertThat(tokens.verify(linkToken, expected)).isTrue();
    }

    private static byte[] hmacSha256(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }
}
