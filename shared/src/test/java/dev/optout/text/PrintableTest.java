package dev.optout.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a terminal is given of third-party text. */
class PrintableTest {
    @Test
    void plainTextIsPrintedAsItIs() {
        String text = "550 5.1.1 <ana@example.com>: user unknown (Bücher, 日本)";
        assertThat(Printable.line(text)).isSameAs(text);
        assertThat(Printable.line(null)).isNull();
    }

    @Test
    void escapeSequencesLoseTheirControlCharactersSoTheTerminalRunsNone() {
        assertThat(Printable.line("\u001b]0;owned\u0007\u001b[31mred\u001b[0m")).isEqualTo("]0;owned[31mred[0m");
        assertThat(Printable.line("a\u009b2Jb\u0085c\u007fd")).isEqualTo("a2Jb cd");
    }

    @Test
    void aValueCannotForgeALineOfItsOwn() {
        assertThat(Printable.line("ok\r\nforged line\tx\u000bz\fy")).isEqualTo("ok  forged line x z y");
    }

    @Test
    void bidirectionalOverridesAreRemovedSoTheTextReadsInTheOrderItIsStored() {
        assertThat(Printable.line("invoice\u202Efdp.exe\u2066x\u2069")).isEqualTo("invoicefdp.exex");
    }
}
