package dev.optout.address;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Derives the table key of an address: HMAC-SHA256 of the canonical address under the
 * long-lived address-hash key, base64url. The table never holds an address in its keys, so an
 * erased person leaves only this hash behind.
 *
 * <p>This key is separate from the link-signing keys and must never change: a new key would
 * give every address a new table key, which is a migration, not a rotation. In a deployment
 * {@code dev.optout.wiring.SecretKeys} still re-reads the secret after each SnapStart restore and
 * at each refresh, and if it ever holds another value, its guard makes {@link #keyOf} refuse (fail
 * closed) rather than look people up under the wrong key.
 */
public final class AddressKeys {
    private static final int MIN_KEY_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;
    private final Runnable guard;

    public AddressKeys(byte[] keyBytes) {
        this(keyBytes, () -> { });
    }

    /** @param guard runs before each use; it may refresh what it watches, and throws to refuse */
    public AddressKeys(byte[] keyBytes, Runnable guard) {
        if (keyBytes == null || keyBytes.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("address hash key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(keyBytes.clone(), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(this::newMac);
        this.guard = java.util.Objects.requireNonNull(guard);
        newMac(); // fail at init, not on the first request
    }

    /** Builds from a base64 (standard or url alphabet) key as stored in configuration. */
    public static AddressKeys fromBase64(String base64Key) {
        return new AddressKeys(decode(base64Key));
    }

    /** The key bytes of a base64 (standard or url alphabet) key as stored in configuration. */
    public static byte[] decode(String base64Key) {
        String s = base64Key.strip();
        return s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
    }

    /** Whether this is the key with these bytes. */
    public boolean hasKey(byte[] keyBytes) {
        return java.security.MessageDigest.isEqual(key.getEncoded(), keyBytes);
    }

    /** The partition key suffix for this address (43 characters). */
    public String keyOf(EmailAddress address) {
        guard.run();
        byte[] digest = mac.get().doFinal(address.value().getBytes(StandardCharsets.UTF_8));
        return B64.encodeToString(digest);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
