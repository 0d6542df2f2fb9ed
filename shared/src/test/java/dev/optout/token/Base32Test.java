package dev.optout.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 4648 section 10 test vectors, in the lower case the mailto tokens use. */
class Base32Test {
    @Test
    void encodesTheRfc4648VectorsInLowerCase() {
        assertThat(Base32.encode("fooba".getBytes(StandardCharsets.US_ASCII))).isEqualTo("mzxw6ytb");
        assertThat(Base32.encode(new byte[5])).isEqualTo("aaaaaaaa");
        assertThat(Base32.encode(new byte[] {-1, -1, -1, -1, -1, 0, 0, 0, 0, 0})).isEqualTo("77777777aaaaaaaa");
    }

    @Test
    void decodesEitherCase() {
        assertThat(Base32.decode("MZXW6YTB")).isEqualTo("fooba".getBytes(StandardCharsets.US_ASCII));
        assertThat(Base32.decode("mzxw6ytb")).isEqualTo("fooba".getBytes(StandardCharsets.US_ASCII));
        assertThat(Base32.decode("AAAAAAAA")).isEqualTo(new byte[5]);
        assertThat(Base32.decode("ZZZZ7777")).isEqualTo(Base32.decode("zzzz7777"));
    }

    @Test
    void anythingOutsideTheAlphabetOrPartialGroupsIsNotBase32() {
        for (String bad : new String[] {"mzxw6yt1", "mzxw6yt8", "mzxw6yt0", "mzxw6yt=", "mzxw6yt@", "mzxw6yt[", "mzxw6yt`", "mzxw6yt{",
                "mzxw6y", "mzxw6ytbm"}) {
            assertThat(Base32.decode(bad)).as(bad).isNull();
        }
    }
}
