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
public final class TokenFormat {
    static final byte VERSION = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int TAG_BYTES = TAG_BITS / 8;
    static final int FLAG_TOPIC = 1;
    static final int FLAG_CAMPAIGN = 2;
    /** A token longer than this is not one of ours: the opener refuses it unread. */
    static final int MAX_TOKEN_CHARS = 1024;

    /*
     * Every token the sealer accepts must open (issue 10): the inputs are bounded so that the
     * longest possible token fits MAX_TOKEN_CHARS, checked below when the class loads.
     *   key id          <= 16 ASCII bytes (LinkKeys.KEY_ID)
     *   topic id        <= 48 ASCII bytes (TopicCatalog ids; the sealer refuses longer)
     *   address         <= 446 UTF-8 bytes: local part <= 64 UTF-16 units of at most 3 bytes each
     *                      (AddressParser), '@', domain <= 253 ASCII (punycode)
     *   campaign id     <= MAX_CAMPAIGN_BYTES UTF-8 bytes, with a 2-byte length
     */
    static final int MAX_KEY_ID_BYTES = 16;
    static final int MAX_TOPIC_BYTES = 48;
    /** The longest topic id a link carries (the catalog's ids are ASCII). */
    public static final int MAX_TOPIC_ID_BYTES = MAX_TOPIC_BYTES;
    static final int MAX_ADDRESS_BYTES = 64 * 3 + 1 + 253;
    /** The longest campaign id a link can carry, in UTF-8 bytes (not characters). */
    public static final int MAX_CAMPAIGN_BYTES = 200;

    /**
     * The longest token the sealer makes, in characters: the longest key id, topic id and campaign
     * id and the longest canonical address ({@link dev.optout.address.AddressParser#MAX_UTF8_BYTES}).
     * The check's maximum recipients per call is computed from it.
     */
    public static final int LONGEST_TOKEN_CHARS = base64Chars(2 + MAX_KEY_ID_BYTES + NONCE_BYTES
            + 5 + 1 + MAX_TOPIC_BYTES + 2 + MAX_CAMPAIGN_BYTES + dev.optout.address.AddressParser.MAX_UTF8_BYTES + TAG_BYTES);

    static {
        int header = 2 + MAX_KEY_ID_BYTES;
        int plaintext = 5 + 1 + MAX_TOPIC_BYTES + 2 + MAX_CAMPAIGN_BYTES + MAX_ADDRESS_BYTES;
        int raw = header + NONCE_BYTES + plaintext + TAG_BYTES;
        int chars = (raw * 8 + 5) / 6; // base64url without padding
        if (chars > MAX_TOKEN_CHARS) {
            throw new ExceptionInInitializerError("the longest token (" + chars + " characters) exceeds " + MAX_TOKEN_CHARS);
        }
    }

    /** base64url without padding: 4 characters per 3 bytes, a partial group of n bytes takes n + 1. */
    static int base64Chars(int bytes) {
        return (bytes * 8 + 5) / 6;
    }

    private TokenFormat() {
    }
}
