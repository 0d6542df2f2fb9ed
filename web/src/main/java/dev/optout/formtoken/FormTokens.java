package dev.optout.formtoken;

import dev.optout.http.FormData;
import dev.optout.http.HttpRequest;
import dev.optout.token.LinkKeySource;
import dev.optout.token.LinkKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cross-site request forgery tokens for the forms of a link's pages: a stateless synchronizer
 * token bound to the link. The page embeds {@code form(linkToken)}; a POST is honoured only when
 * it carries that value back, so a form hosted anywhere else (which cannot read our page, and
 * cannot guess the value without the key) is refused.
 *
 * <p>Value: {@code keyId "." base64url(HMAC-SHA256(K_form(keyId), "optout-form-v1" 0x00 linkToken))}.
 * {@code K_form} is derived from each link key by HMAC-SHA256(linkKey, "optout form token key v1"),
 * so the AES key that seals links is never itself used as a MAC key (domain separation), no new
 * secret has to be deployed, and rotating the link keys rotates these too. The key id in the value
 * lets a page rendered just before a rotation still be submitted after it, while the old key is
 * listed. No cookie and no server-side session are needed (the pages set no cookies).
 */
public final class FormTokens {
    /** The pages' hidden form field that carries the form token. */
    public static final String FIELD = "form-token";

    private static final byte[] DERIVATION_LABEL = "optout form token key v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PURPOSE = "optout-form-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final LinkKeySource linkKeys;
    /** The form keys derived from the link keys last seen; derived again when those change. */
    private volatile Derived derived;

    private record Derived(LinkKeys from, Map<String, byte[]> keys) {
        static Derived of(LinkKeys linkKeys) {
            Map<String, byte[]> keys = new LinkedHashMap<>();
            for (String id : linkKeys.ids()) {
                keys.put(id, linkKeys.derive(id, DERIVATION_LABEL));
            }
            return new Derived(linkKeys, Map.copyOf(keys));
        }
    }

    public FormTokens(LinkKeySource linkKeys) {
        this.linkKeys = Objects.requireNonNull(linkKeys);
        this.derived = Derived.of(linkKeys.current());
    }

    private Derived derived(LinkKeys current) {
        Derived d = derived;
        if (d.from() != current) {
            d = Derived.of(current);
            derived = d;
        }
        return d;
    }

    /** The form token for the page of this link (the raw token as it stands in the URL). */
    public String form(String linkToken) {
        LinkKeys current = linkKeys.current();
        String activeId = current.activeId();
        return activeId + "." + B64.encodeToString(mac(derived(current).keys().get(activeId), linkToken));
    }

    /**
     * Whether a page's {@code POST} may change anything: it carries our page's form token for
     * this link ({@link #FIELD}) and the browser does not mark it as coming from another site
     * ({@link HttpRequest#fromOtherSite}). Every page form of a link goes through this one check.
     */
    public boolean acceptsPost(HttpRequest request, FormData form, String linkToken, String publicBaseUrl) {
        return !request.fromOtherSite(publicBaseUrl) && verify(linkToken, form.first(FIELD).orElse(null));
    }

    /** Whether {@code submitted} is a form token this service issued for this link; constant-time compare. */
    public boolean verify(String linkToken, String submitted) {
        if (submitted == null || linkToken == null) {
            return false;
        }
        int dot = submitted.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String keyId = submitted.substring(0, dot);
        byte[] key = derived(linkKeys.current()).keys().get(keyId);
        if (key == null && LinkKeys.isKeyId(keyId)) {
            key = derived(linkKeys.afterUnknownKey(keyId)).keys().get(keyId);
        }
        if (key == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(submitted.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(key, linkToken), given);
    }

    private static byte[] mac(byte[] key, String linkToken) {
        byte[] token = linkToken.getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[PURPOSE.length + token.length];
        System.arraycopy(PURPOSE, 0, message, 0, PURPOSE.length);
        System.arraycopy(token, 0, message, PURPOSE.length, token.length);
        return hmac(key, message);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
