package dev.optout.token;

/**
 * RFC 4648 section 6 base32 in lower case, without padding, for whole 5-byte groups only. Mail
 * systems may change the case of a local part (RFC 5321 section 2.4 lets them treat it as they
 * like), so the decoder accepts either case; base64 would lose information when case-folded.
 */
final class Base32 {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Base32() {
    }

    static String encode(byte[] data) {
        if (data.length % 5 != 0) {
            throw new IllegalArgumentException("whole 5-byte groups only");
        }
        StringBuilder out = new StringBuilder(data.length / 5 * 8);
        for (int i = 0; i < data.length; i += 5) {
            long group = 0;
            for (int j = 0; j < 5; j++) {
                group = (group << 8) | (data[i + j] & 0xFF);
            }
            for (int shift = 35; shift >= 0; shift -= 5) {
                out.append(ALPHABET[(int) (group >>> shift) & 31]);
            }
        }
        return out.toString();
    }

    /** The bytes, or {@code null} when {@code text} is not whole groups of the alphabet (either case). */
    static byte[] decode(String text) {
        if (text.length() % 8 != 0) {
            return null;
        }
        byte[] out = new byte[text.length() / 8 * 5];
        for (int i = 0, o = 0; i < text.length(); i += 8, o += 5) {
            long group = 0;
            for (int j = 0; j < 8; j++) {
                int v = value(text.charAt(i + j));
                if (v < 0) {
                    return null;
                }
                group = (group << 5) | v;
            }
            for (int j = 4; j >= 0; j--) {
                out[o + j] = (byte) group;
                group >>>= 8;
            }
        }
        return out;
    }

    private static int value(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        return -1;
    }
}
