package dev.optout.localaws;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The test-only keys the sample events in {@code events/} were made with, and the environment a
 * page function gets over a fresh table of a local AWS: what template.yaml sets, with the keys
 * inline ({@code LINK_KEYS}, {@code ADDRESS_HASH_KEY}, local runs only) instead of secret ARNs.
 * Never use these keys anywhere but tests and local runs.
 */
public final class SampleLinks {
    /** Link key {@code test1} = 32 bytes of 0x07 (events/unsubscribe/README.md). */
    public static final String LINK_KEYS_JSON =
            "{\"active\":\"test1\",\"keys\":{\"test1\":\"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\"}}";
    /** Address-hash key: 32 zero bytes, base64. */
    public static final String ADDRESS_HASH_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    public static final String BASE_URL = "https://optout.example.com";
    /** The receiving domain of the sample SES receipt events (events/inbound-unsubscribe/README.md). */
    public static final String MAIL_DOMAIN = "unsubscribe.example.com";

    private SampleLinks() {
    }

    /** AWS endpoint and credentials of {@code aws}, a fresh suppression table, the sample keys and base URL. */
    public static Map<String, String> functionEnvironment(LocalAws aws) {
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put("TABLE_NAME", aws.createSuppressionTable());
        env.put("ADDRESS_HASH_KEY", ADDRESS_HASH_KEY);
        env.put("LINK_KEYS", LINK_KEYS_JSON);
        env.put("PUBLIC_BASE_URL", BASE_URL);
        return env;
    }
}
