package dev.optout.token;

import dev.optout.token.InvalidTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the local part of a mailto: unsubscribe address ({@code <token>@DOMAIN}).
 *
 * <p><b>Constraints.</b> RFC 5321 section 4.5.3.1.1 limits a local part to 64 octets, and mail
 * systems may change its case, so the token is 64 characters of lower-case base32 (RFC 4648
 * section 6; no base64, whose case carries information): exactly 40 bytes. An address can take 254
 * bytes, so the token cannot carry it. It carries the address's table key instead (HMAC-SHA256 of
 * the canonical address under the address-hash key, 32 bytes): the partition key under which the
 * suppression table records the opt-out and which every check reads. So the token alone names
 * whose opt-out it is, whoever forwards it; nothing is stored per recipient when it is handed out.
 *
 * <p><b>Layout</b> (40 bytes, 64 base32 characters):
 * <pre>
 *   byte 0      version (3 high bits, 001) | key tag (5 low bits: SHA-256(key id)[0] mod 32)
 *   bytes 1-5   tag: HMAC-SHA256(K_mac, "optout-mailto-v1" 0x00 | byte 0 | table key | day | scope), first 40 bits
 *                    scope = 0x00 (all marketing mail) or 0x01 | topic id (UTF-8)
 *   bytes 6-39  AES-256-CTR(K_enc, IV = byte 0 | tag | zeros) of: table key (32) | issue day (2: days since 1970, UTC)
 * </pre>
 * A synthetic-IV construction (deterministic authenticated encryption, as in RFC 5297 SIV) with a
 * 40-bit tag: no nonce, so nothing random (safe to build at SnapStart init), and the same person,
 * topic and day always get the same address. The topic is not carried: it is recovered by
 * checking the tag against "all mail" and each catalog topic. {@code K_mac} and {@code K_enc} are
 * derived from each link key with HMAC-SHA256 (labels below), so no new secret is deployed, the
 * AES key that seals https links is never used for anything else, and rotating the link keys
 * rotates these; the key tag lets an address handed out before a rotation open after it.
 *
 * <p><b>Forgery resistance.</b> Any change to the 40 bytes, or a made-up token, opens only if a
 * 40-bit tag matches: at most (live keys with that tag) x (1 + catalog topics) tries of 2^-40
 * each, i.e. about 37 bits with one key and five topics. Every try costs the attacker a mail that
 * SES accepted as not spam and authenticated. And a forgery that did open would name a
 * pseudo-random table key: to aim at a given person the attacker also needs that person's table
 * key, a 256-bit HMAC under the address-hash key, which no mail reveals (it travels encrypted).
 * If two tokens share a tag (birthday bound, ~2^20 tokens) their encrypted parts XOR to the XOR of
 * two keyed hashes: that reveals no address and helps no forgery.
 *
 * <p>Thread-safe. Reads the link keys at each call (so keys refreshed in {@link LinkKeys} apply).
 */
public final class MailtoSealer {
    /** Characters in a token: the whole 64-octet local part. */
    public static final int LENGTH = 64;
    private static final int BYTES = 40;
    private static final int VERSION = 1;
    private static final int TAG_OFFSET = 1;
    private static final int TAG_BYTES = 5;
    private static final int BODY_OFFSET = TAG_OFFSET + TAG_BYTES;
    private static final int KEY_BYTES = 32;
    private static final int BODY_BYTES = KEY_BYTES + 2;
    private static final byte[] PURPOSE = "optout-mailto-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC_LABEL = "optout mailto mac key v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENC_LABEL = "optout mailto enc key v1".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_IN = Base64.getUrlDecoder();

    /** The live link keys (they follow the secret: SnapStart restores and rotations). */
    private final LinkKeySource keys;
    private final List<String> topics;
    private final Set<String> topicSet;
    private final long lifetimeDays;
    private final Clock clock;
    private final Map<String, Derived> derived = new ConcurrentHashMap<>();
    /** Per thread, one ready HMAC per derived key: a Mac returns to its keyed state after doFinal, so no init per token. */
    private final ThreadLocal<Map<Derived, Mac>> macs = ThreadLocal.withInitial(java.util.IdentityHashMap::new);
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(MailtoSealer::newCipher);

    /**
     * @param topics   every topic id a token may name (the catalog's); a token for another topic cannot be made
     * @param lifetime how long a token opens after its issue day (the link lifetime)
     */
    public MailtoSealer(LinkKeySource keys, Collection<String> topics, Duration lifetime, Clock clock) {
        this.keys = Objects.requireNonNull(keys);
        this.topics = List.copyOf(topics);
        this.topicSet = Set.copyOf(topics);
        this.lifetimeDays = Objects.requireNonNull(lifetime).toDays();
        this.clock = Objects.requireNonNull(clock);
        if (lifetimeDays <= 0) {
            throw new IllegalArgumentException("mailto lifetime must be at least a day");
        }
    }

    /** The local part for this table key and topic ({@code null}: all marketing mail), issued today. */
    public String seal(String addressKey, String topic) {
        return seal(new MailtoToken(addressKey, topic, today()));
    }

    /** The local part for exactly this content. */
    public String seal(MailtoToken token) {
        if (token.topic() != null && !topicSet.contains(token.topic())) {
            throw new IllegalArgumentException("topic '" + token.topic() + "' is not in the catalog");
        }
        long day = token.issuedOn().toEpochDay();
        if (day < 0 || day > 0xFFFF) {
            throw new IllegalArgumentException("issue day out of range: " + token.issuedOn());
        }
        byte[] body = new byte[BODY_BYTES];
        byte[] tableKey = tableKeyBytes(token.addressKey());
        System.arraycopy(tableKey, 0, body, 0, KEY_BYTES);
        body[KEY_BYTES] = (byte) (day >>> 8);
        body[KEY_BYTES + 1] = (byte) day;
        LinkKeys current = keys.current();
        Derived d = derive(current, current.activeId());
        byte[] out = new byte[BYTES];
        out[0] = (byte) ((VERSION << 5) | d.keyTag);
        System.arraycopy(tag(d, out[0], body, token.topic()), 0, out, TAG_OFFSET, TAG_BYTES);
        crypt(d, out, body, out, BODY_OFFSET);
        return Base32.encode(out);
    }

    /** What the local part stands for, or why it cannot be honoured (malformed, unknown key, altered or forged, expired). */
    public MailtoToken open(String localPart) throws InvalidTokenException {
        if (localPart == null || localPart.length() != LENGTH) {
            throw new InvalidTokenException(Reason.MALFORMED, "not " + LENGTH + " characters");
        }
        byte[] raw = Base32.decode(localPart);
        if (raw == null) {
            throw new InvalidTokenException(Reason.MALFORMED, "not base32");
        }
        if ((raw[0] & 0xFF) >>> 5 != VERSION) {
            throw new InvalidTokenException(Reason.MALFORMED, "unknown mailto token format");
        }
        LinkKeys current = keys.current();
        List<String> candidates = candidates(current, raw[0]);
        if (candidates.isEmpty()) {
            // A key added since the keys were last read: read them again now (rate-limited by the source).
            current = keys.afterUnknownKey("mailto-tag-" + (raw[0] & 0x1F));
            candidates = candidates(current, raw[0]);
        }
        if (candidates.isEmpty()) {
            throw new InvalidTokenException(Reason.UNKNOWN_KEY, "sealed with a key this service does not hold");
        }
        byte[] given = Arrays.copyOfRange(raw, TAG_OFFSET, TAG_OFFSET + TAG_BYTES);
        for (String id : candidates) {
            Derived d = derive(current, id);
            byte[] body = new byte[BODY_BYTES];
            crypt(d, raw, Arrays.copyOfRange(raw, BODY_OFFSET, BYTES), body, 0);
            String topic = matchingScope(d, raw[0], body, given);
            if (topic != null) {
                LocalDate issuedOn = LocalDate.ofEpochDay(((body[KEY_BYTES] & 0xFF) << 8) | (body[KEY_BYTES + 1] & 0xFF));
                if (issuedOn.plusDays(lifetimeDays).isBefore(today())) {
                    throw new InvalidTokenException(Reason.EXPIRED, "issued " + issuedOn + ", older than " + lifetimeDays + " days");
                }
                return new MailtoToken(B64.encodeToString(Arrays.copyOf(body, KEY_BYTES)), topic.isEmpty() ? null : topic, issuedOn);
            }
        }
        throw new InvalidTokenException(Reason.TAMPERED, "mailto token fails authentication");
    }

    /** The matching topic, "" for all marketing mail, or {@code null} when no scope authenticates. */
    private String matchingScope(Derived d, byte header, byte[] body, byte[] given) {
        if (MessageDigest.isEqual(tag(d, header, body, null), given)) {
            return "";
        }
        for (String topic : topics) {
            if (MessageDigest.isEqual(tag(d, header, body, topic), given)) {
                return topic;
            }
        }
        return null;
    }

    private byte[] tag(Derived d, byte header, byte[] body, String topic) {
        Mac m = macs.get().computeIfAbsent(d, MailtoSealer::newMac);
        m.update(PURPOSE);
        m.update(header);
        m.update(body);
        if (topic == null) {
            m.update((byte) 0);
        } else {
            m.update((byte) 1);
            m.update(topic.getBytes(StandardCharsets.UTF_8));
        }
        return Arrays.copyOf(m.doFinal(), TAG_BYTES);
    }

    /** AES-256-CTR with the IV taken from the token's header and tag (the synthetic IV). */
    private void crypt(Derived d, byte[] token, byte[] in, byte[] out, int outOffset) {
        byte[] iv = new byte[16];
        System.arraycopy(token, 0, iv, 0, BODY_OFFSET);
        try {
            Cipher c = cipher.get();
            c.init(Cipher.ENCRYPT_MODE, d.enc, new IvParameterSpec(iv));
            c.doFinal(in, 0, BODY_BYTES, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static byte[] tableKeyBytes(String addressKey) {
        byte[] b;
        try {
            b = B64_IN.decode(addressKey);
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || b.length != KEY_BYTES) {
            throw new IllegalArgumentException("not a table key (43 base64url characters of HMAC-SHA256)");
        }
        return b;
    }

    static int keyTag(String keyId) {
        return dev.optout.text.Sha256.of(LinkKeys.idBytes(keyId))[0] & 0x1F;
    }

    /** The keys derived from this link key; derived again when LinkKeys holds a new key object under the id (a refresh). */
    private List<String> candidates(LinkKeys current, byte header) {
        List<String> candidates = new ArrayList<>(1);
        for (String id : current.ids()) {
            if (derive(current, id).keyTag == (header & 0x1F)) {
                candidates.add(id);
            }
        }
        return candidates;
    }

    private Derived derive(LinkKeys current, String keyId) {
        SecretKey linkKey = current.key(keyId);
        Derived d = derived.get(keyId);
        if (d == null || d.source != linkKey) {
            byte[] raw = linkKey.getEncoded();
            d = new Derived(linkKey, new SecretKeySpec(hmac(raw, MAC_LABEL), "HmacSHA256"),
                    new SecretKeySpec(hmac(raw, ENC_LABEL), "AES"), keyTag(keyId));
            derived.put(keyId, d);
        }
        return d;
    }

    /** Identity semantics on purpose (per-thread Mac cache): one instance per derivation. */
    private static final class Derived {
        final SecretKey source;
        final SecretKeySpec mac;
        final SecretKeySpec enc;
        final int keyTag;

        Derived(SecretKey source, SecretKeySpec mac, SecretKeySpec enc, int keyTag) {
            this.source = source;
            this.mac = mac;
            this.enc = enc;
            this.keyTag = keyTag;
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static Mac newMac(Derived d) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(d.mac);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR unavailable", e);
        }
    }
}
