package dev.optout.token;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.token.InvalidTokenException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Opens link tokens sealed by {@link TokenSealer} under any of the live link keys, and refuses
 * anything else with an {@link InvalidTokenException} naming the reason. Thread-safe.
 */
public final class TokenOpener {
    /** The default link lifetime: CAN-SPAM asks for at least 30 days; a year and a bit covers annual mail. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(400);
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();
    private static final Base64.Encoder B64_OUT = Base64.getUrlEncoder().withoutPadding();

    private final LinkKeySource keys;
    private final Duration lifetime;
    private final Clock clock;
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(TokenOpener::newCipher);

    public TokenOpener(LinkKeySource keys, Duration lifetime, Clock clock) {
        this.keys = Objects.requireNonNull(keys);
        this.lifetime = Objects.requireNonNull(lifetime);
        this.clock = Objects.requireNonNull(clock);
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("link lifetime must be positive");
        }
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** The token's content, or why it cannot be honoured. */
    public LinkToken open(String token) throws InvalidTokenException {
        if (token == null || token.isEmpty() || token.length() > TokenFormat.MAX_TOKEN_CHARS) {
            throw new InvalidTokenException(Reason.MALFORMED, "no token, or far too long");
        }
        byte[] raw;
        try {
            raw = B64.decode(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "not base64url");
        }
        // One spelling per token: refuse variants that decode to the same bytes (unused trailing bits, padding).
        if (!B64_OUT.encodeToString(raw).equals(token)) {
            throw new InvalidTokenException(Reason.MALFORMED, "not in canonical base64url form");
        }
        if (raw.length < 2 || raw[0] != TokenFormat.VERSION) {
            throw new InvalidTokenException(Reason.MALFORMED, "unknown token format");
        }
        int idLength = raw[1] & 0xFF;
        int headerLength = 2 + idLength;
        if (idLength == 0 || raw.length < headerLength + TokenFormat.NONCE_BYTES + TokenFormat.TAG_BYTES + 5) {
            throw new InvalidTokenException(Reason.MALFORMED, "token too short");
        }
        String keyId = new String(raw, 2, idLength, StandardCharsets.US_ASCII);
        SecretKey key = null;
        if (LinkKeys.KEY_ID.matcher(keyId).matches()) {
            key = keys.current().key(keyId);
            if (key == null) {
                // Perhaps a key added to the secret since the last refresh: look again (rate-limited).
                key = keys.afterUnknownKey(keyId).key(keyId);
            }
        }
        if (key == null) {
            throw new InvalidTokenException(Reason.UNKNOWN_KEY, "sealed with a key this service does not hold");
        }
        byte[] plain;
        try {
            Cipher c = cipher.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TokenFormat.TAG_BITS, raw, headerLength, TokenFormat.NONCE_BYTES));
            c.updateAAD(raw, 0, headerLength);
            int offset = headerLength + TokenFormat.NONCE_BYTES;
            plain = c.doFinal(raw, offset, raw.length - offset);
        } catch (AEADBadTagException e) {
            throw new InvalidTokenException(Reason.TAMPERED, "fails authentication");
        } catch (GeneralSecurityException e) {
            throw new InvalidTokenException(Reason.TAMPERED, "cannot be opened: " + e.getClass().getSimpleName());
        }
        LinkToken t = parse(plain);
        if (t.issuedAt().plus(lifetime).isBefore(clock.instant())) {
            throw new InvalidTokenException(Reason.EXPIRED, "issued " + t.issuedAt() + ", older than " + lifetime.toDays() + " days");
        }
        return t;
    }

    private static LinkToken parse(byte[] p) throws InvalidTokenException {
        try {
            int i = 0;
            long seconds = ((p[i++] & 0xFFL) << 24) | ((p[i++] & 0xFFL) << 16) | ((p[i++] & 0xFFL) << 8) | (p[i++] & 0xFFL);
            int flags = p[i++] & 0xFF;
            String topic = null;
            String campaign = null;
            if ((flags & TokenFormat.FLAG_TOPIC) != 0) {
                int n = p[i++] & 0xFF;
                topic = new String(p, i, n, StandardCharsets.UTF_8);
                i += n;
            }
            if ((flags & TokenFormat.FLAG_CAMPAIGN) != 0) {
                int n = 0;
                int shift = 0;
                int b;
                do {
                    b = p[i++] & 0xFF;
                    n |= (b & 0x7F) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0 && shift < 28);
                campaign = new String(Arrays.copyOfRange(p, i, i + n), StandardCharsets.UTF_8);
                i += n;
            }
            if (i >= p.length) {
                throw new InvalidTokenException(Reason.MALFORMED, "no address in token");
            }
            EmailAddress address = AddressParser.parse(new String(p, i, p.length - i, StandardCharsets.UTF_8));
            return new LinkToken(address, topic, campaign, Instant.ofEpochSecond(seconds));
        } catch (IndexOutOfBoundsException | InvalidAddressException e) {
            // Authentic but unreadable: only a sealer bug could produce it.
            throw new InvalidTokenException(Reason.MALFORMED, "token content unreadable");
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    }
}
