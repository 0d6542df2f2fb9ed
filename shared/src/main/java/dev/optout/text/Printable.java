package dev.optout.text;

/**
 * Text from third parties (bounce diagnostic codes, complaint user agents, feedback ids, campaign
 * ids, addresses) made safe to print on an operator's terminal: a terminal runs the control
 * characters it receives (ECMA-48: ESC and the C1 CSI start sequences that can recolour, retitle
 * or rewrite the screen, or in some terminals answer back), so none of them is printed as received.
 */
public final class Printable {
    private Printable() {
    }

    /**
     * One line of text with no control characters: C0 (U+0000..U+001F), DEL and C1
     * (U+0080..U+009F) are removed, those that break a line or a field (tab, line feed, vertical
     * tab, form feed, carriage return, next line) become one space, so a value cannot forge a
     * line of its own; the Unicode bidirectional overrides and isolates (U+202A..U+202E,
     * U+2066..U+2069) are removed too, because they reorder what the operator reads
     * (CVE-2021-42574). {@code null} stays {@code null}.
     */
    public static String line(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && !unsafe(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length()).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c)) {
                b.append(c);
            } else if (c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == 0x85) {
                b.append(' ');
            }
        }
        return b.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
    }
}
