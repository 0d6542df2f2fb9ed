package dev.optout.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
}
