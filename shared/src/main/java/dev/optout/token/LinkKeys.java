package dev.optout.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Keys;
import dev.optout.config.Settings;
import dev.optout.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The link keys: several AES-256 keys live at once, one of them active for sealing. Old keys stay
 * listed so that links already sent keep working while new links use the active key.
 *
 * <p>Format (Secrets Manager secret named by {@code LINK_KEYS_SECRET_ARN}, or inline
 * {@code LINK_KEYS} for local runs): {@code {"active":"k2","keys":{"k1":"<base64 32 bytes>","k2":"..."}}}.
 */
public final class LinkKeys {
    /** Key ids travel in every token's clear header: keep them short and plain. */
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    private static final int KEY_BYTES = 32;

    private final String activeId;
    private final Map<String, SecretKey> keys;

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
    }

    /** Parses the JSON format above. */
    public static LinkKeys parse(String json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ConfigurationException("link keys are not valid JSON (expected {\"active\":..,\"keys\":{..}})");
        }
        if (root == null || !root.path("active").isTextual() || !root.path("keys").isObject()) {
            throw new ConfigurationException("link keys must be {\"active\":\"id\",\"keys\":{\"id\":\"<base64 32 bytes>\"}}");
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            keys.put(e.getKey(), decode(e.getKey(), e.getValue().asText("")));
        }
        return new LinkKeys(root.get("active").asText(), keys);
    }

    /** From {@code LINK_KEYS_SECRET_ARN} (Secrets Manager) or, for local runs, {@code LINK_KEYS}. */
    public static LinkKeys load(Settings settings, Supplier<SecretsManagerClient> secrets) {
        return parse(Keys.secretValue(settings, Settings.LINK_KEYS_SECRET_ARN, Settings.LINK_KEYS, secrets));
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

    public java.util.Set<String> ids() {
        return keys.keySet();
    }

    static byte[] idBytes(String id) {
        return id.getBytes(StandardCharsets.US_ASCII);
    }
}
