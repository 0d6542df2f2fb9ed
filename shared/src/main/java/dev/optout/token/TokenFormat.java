package dev.optout.token;

/**
 * The binary layout of a token, before base64url (RFC 4648 section 5, no padding):
 * <pre>
 *   header     version (1 byte, 0x01) | key id length (1 byte) | key id (ASCII)
 *   nonce      12 random bytes (AES-GCM IV)
 *   sealed     AES-256-GCM(plaintext), 16-byte tag appended; the header is the AAD, so the
 *              key id cannot be swapped without failing authentication
 *   plaintext  issuedAt (4 bytes, unsigned epoch seconds) | flags (1 byte: 1 = topic, 2 = campaign)
 *              | [topic length (1 byte) | topic] | [campaign length (varint) | campaign]
 *              | canonical address (UTF-8, the rest)
 * </pre>
 * About 80 bytes for a typical address, topic and campaign: some 110 base64url characters.
 */
final class TokenFormat {
    static final byte VERSION = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int TAG_BYTES = TAG_BITS / 8;
    static final int FLAG_TOPIC = 1;
    static final int FLAG_CAMPAIGN = 2;
    /** A token longer than this is not one of ours (addresses are at most 254 bytes). */
    static final int MAX_TOKEN_CHARS = 1024;

    private TokenFormat() {
    }
}
