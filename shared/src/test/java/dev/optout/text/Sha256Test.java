package dev.optout.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    // FIPS 180-2, appendix B.1: SHA-256("abc")
    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void textStreamAndBytesGiveTheStandardDigest() throws IOException {
        assertThat(Sha256.hex(Sha256.of("abc"))).isEqualTo(ABC);
        assertThat(Sha256.hex(Sha256.of("abc".getBytes(StandardCharsets.UTF_8)))).isEqualTo(ABC);
        assertThat(Sha256.hex(Sha256.of(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8))))).isEqualTo(ABC);
    }

    @Test
    void aStreamLargerThanOneBlockIsReadToTheEnd() throws IOException {
        byte[] big = new byte[200_000];
        big[big.length - 1] = 1;
        assertThat(Sha256.of(new ByteArrayInputStream(big))).isEqualTo(Sha256.of(big)).isNotEqualTo(Sha256.of(new byte[200_000]));
    }

    @Test
    void encodingsForKeysAndHeaders() {
        byte[] d = Sha256.of("abc");
        assertThat(Sha256.base64(d)).isEqualTo("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assertThat(Sha256.base64Url(d)).isEqualTo("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assertThat(Sha256.hexPrefix(d, 4)).isEqualTo(ABC.substring(0, 8));
    }
}
