package dev.optout.token;

import dev.optout.config.ConfigurationException;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The link keys: several AES-256 keys live at once, one of them active for sealing. Old keys stay
 * listed so that links already sent keep working while new links use the active key.
 *
 * <p>Format (Secrets Manager secret named by {@code LINK_KEYS_SECRET_ARN}, or inline
 * {@code LINK_KEYS} for local runs; read and refreshed by {@code dev.optout.wiring.SecretKeys}): {@code {"active":"k2","keys":{"k1":"<base64 32 bytes>","k2":"..."}}}.
 */
public final class LinkKeys implements LinkKeySource {
    /** Key ids travel in every token's clear header: keep them short and plain. */
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final int KEY_BYTES = 32;

    private final String activeId;
    private final Map<String, SecretKey> keys;
    private final byte[] header;

    public LinkKeys(String activeId, Map<String, byte[]> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new ConfigurationException("link keys: no keys listed");
        }
        Map<String, SecretKey> m = new LinkedHashMap<>();
        keys.forEach((id, bytes) -> {
            if (!KEY_ID.matcher(id).matches()) {
                throw new ConfigurationException("link key id '" + id + "' must match " + KEY_ID.pattern());
            }
            if (bytes == null || bytes.length != KEY_BYTES) {
                throw new ConfigurationException("link key '" + id + "' must be " + KEY_BYTES + " bytes (AES-256), got "
                        + (bytes == null ? 0 : bytes.length));
            }
            m.put(id, new SecretKeySpec(bytes.clone(), "AES"));
        });
        if (activeId == null || !m.containsKey(activeId)) {
            throw new ConfigurationException("link keys: active key '" + activeId + "' is not among " + m.keySet());
        }
        this.activeId = activeId;
        this.keys = Collections.unmodifiableMap(m);
        byte[] id = idBytes(activeId);
        this.header = new byte[2 + id.length];
        header[0] = TokenFormat.VERSION;
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
    }

    /** Fixed keys are their own source. */
    @Override
    public LinkKeys current() {
        return this;
    }

    /** The clear header of a token sealed under the active key (see {@link TokenFormat}); do not modify. */
    byte[] activeHeader() {
        return header;
    }

    /** Whether these are the same keys, with the same one active (a reload that changed nothing). */
    public boolean sameAs(LinkKeys other) {
        if (other == null || !activeId.equals(other.activeId) || !keys.keySet().equals(other.keys.keySet())) {
            return false;
        }
        for (Map.Entry<String, SecretKey> e : keys.entrySet()) {
            if (!java.security.MessageDigest.isEqual(e.getValue().getEncoded(), other.keys.get(e.getKey()).getEncoded())) {
                return false;
            }
        }
        return true;
    }

    /** Parses the JSON format above. */
    public static LinkKeys parse(String json) {
        Object root;
        try {
            root = LightJson.parse(json);
        } catch (IOException e) {
            throw new ConfigurationException("link keys are not valid JSON (expected {\"active\":..,\"keys\":{..}})");
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("active") instanceof String active) || !(m.get("keys") instanceof Map<?, ?> listed)) {
            throw new ConfigurationException("link keys must be {\"active\":\"id\",\"keys\":{\"id\":\"<base64 32 bytes>\"}}");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        listed.forEach((id, value) -> keys.put((String) id, decode((String) id, value instanceof String v ? v : "")));
        return new LinkKeys(active, keys);
    }

    private static byte[] decode(String id, String text) {
        String s = text.strip();
        try {
            return s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("link key '" + id + "' is not base64");
        }
    }

    public String activeId() {
        return activeId;
    }

    SecretKey active() {
        return keys.get(activeId);
    }

    /** The key with this id, or {@code null}. */
    SecretKey key(String id) {
        return keys.get(id);
    }

    /**
     * A key for another purpose derived from the link key with this id: HMAC-SHA256 of the label
     * under it (RFC 2104), so a page's form key is independent of the link key and the link key
     * itself never leaves this class. {@code null} when there is no key with this id.
     */
    public byte[] derive(String id, byte[] label) {
        SecretKey key = keys.get(id);
        if (key == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(label);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether this could be a key id at all (a key id is 1 to 16 of A-Z, a-z, 0-9, _ and -). */
    public static boolean isKeyId(String id) {
        return KEY_ID.matcher(id).matches();
    }

    public java.util.Set<String> ids() {
        return keys.keySet();
    }

    static byte[] idBytes(String id) {
        return id.getBytes(StandardCharsets.US_ASCII);
    }
}
