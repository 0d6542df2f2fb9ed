package dev.optout.wiring;

import dev.optout.address.AddressKeys;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.observability.EventLog;
import dev.optout.token.LinkKeySource;
import dev.optout.token.LinkKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.BatchGetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretValueEntry;

/**
 * The function's key material, following the Secrets Manager secrets rather than frozen at init
 * (where SnapStart would keep it in every published version's snapshot):
 * <ul>
 *   <li>read on first use, again in the {@code afterRestore} hook of each SnapStart restore
 *       ({@link #reload()}), and again on use once older than {@code SECRETS_REFRESH_SECONDS}
 *       (default {@link #DEFAULT_REFRESH}): a rotation reaches every running environment within that;</li>
 *   <li>when a token names a key id not held, read again at once, at most once per
 *       {@link #UNKNOWN_KEY_RELOAD_SPACING} (a flood of made-up key ids cannot hammer the secret);</li>
 *   <li>both secrets in one {@code BatchGetSecretValue} call where the function has both (one
 *       {@code GetSecretValue} where it has one); inline {@code LINK_KEYS} / {@code ADDRESS_HASH_KEY}
 *       (local runs) are read from the settings the same way.</li>
 * </ul>
 * A refresh that fails keeps the keys held and is retried after {@link #RETRY_AFTER_FAILURE}, so a
 * Secrets Manager outage does not stop the service; the first read and the read after a restore
 * must succeed (fail closed: a restored environment never serves the snapshot's keys unchecked).
 *
 * <p>The address-hash key must never change (it is every address's table key). It is re-read with
 * the link keys so that a snapshot cannot hide a difference; if the secret ever holds another value
 * than the one this environment started with, every address lookup refuses with a
 * {@link ConfigurationException} until the secret holds the original value again. Looking people
 * up under another key would find no suppression for anyone.
 */
public final class SecretKeys implements LinkKeySource {
    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
    public static final Duration UNKNOWN_KEY_RELOAD_SPACING = Duration.ofSeconds(10);
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);

    private final Settings settings;
    private final boolean linkKeysWanted;
    private final Supplier<SecretsManagerClient> secrets;
    private final Clock clock;
    private final long refreshMillis;
    /** Refresh failures and a changed address-hash key are logged: what an operator watches during a rotation. */
    private final EventLog log = EventLog.stdout("secrets");

    private volatile LinkKeys linkKeys;
    private volatile AddressKeys addressKeys;
    private volatile String addressKeyConflict;
    private volatile long refreshDueAt = Long.MIN_VALUE;
    private long unknownKeyReloadAllowedAt = Long.MIN_VALUE;

    public SecretKeys(Settings settings, Supplier<SecretsManagerClient> secrets, Clock clock) {
        this(settings, secrets, clock, true);
    }

    /** @param linkKeys false: only the address-hash key is read (a function that handles no links) */
    public SecretKeys(Settings settings, Supplier<SecretsManagerClient> secrets, Clock clock, boolean linkKeys) {
        this.linkKeysWanted = linkKeys;
        this.settings = settings;
        this.secrets = secrets;
        this.clock = clock;
        int seconds = settings.integer(Settings.SECRETS_REFRESH_SECONDS, (int) DEFAULT_REFRESH.toSeconds());
        if (seconds < 1) {
            throw new ConfigurationException(Settings.SECRETS_REFRESH_SECONDS + " must be at least 1, got " + seconds);
        }
        this.refreshMillis = seconds * 1000L;
    }

    /** The link keys, refreshed first when older than the refresh age. */
    @Override
    public LinkKeys current() {
        refreshIfDue();
        LinkKeys k = linkKeys;
        if (k == null) {
            throw new ConfigurationException("neither " + Settings.LINK_KEYS_SECRET_ARN + " nor " + Settings.LINK_KEYS + " is set");
        }
        return k;
    }

    @Override
    public LinkKeys afterUnknownKey(String keyId) {
        synchronized (this) {
            long now = clock.millis();
            if (now >= unknownKeyReloadAllowedAt) {
                unknownKeyReloadAllowedAt = now + UNKNOWN_KEY_RELOAD_SPACING.toMillis();
                refreshDueAt = Long.MIN_VALUE;
            }
        }
        return current();
    }

    /** The address-hash key; each use checks that the secret still holds it (see the class comment). */
    public AddressKeys addressKeys() {
        refreshIfDue();
        AddressKeys k = addressKeys;
        if (k == null) {
            throw new ConfigurationException("neither " + Settings.ADDRESS_HASH_KEY_SECRET_ARN + " nor "
                    + Settings.ADDRESS_HASH_KEY + " is set");
        }
        return k;
    }

    /** Reads the secrets now (SnapStart {@code afterRestore}); throws if they cannot be read. */
    public synchronized void reload() {
        Map<String, String> wanted = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        source(Settings.ADDRESS_HASH_KEY_SECRET_ARN, Settings.ADDRESS_HASH_KEY, wanted, values);
        if (linkKeysWanted) {
            source(Settings.LINK_KEYS_SECRET_ARN, Settings.LINK_KEYS, wanted, values);
        }
        values.putAll(fetch(wanted));

        String addressKey = values.get(Settings.ADDRESS_HASH_KEY_SECRET_ARN);
        LinkKeys newLinks = Optional.ofNullable(values.get(Settings.LINK_KEYS_SECRET_ARN)).map(LinkKeys::parse).orElse(null);
        if (addressKey != null) {
            byte[] bytes = decodeAddressKey(addressKey);
            if (addressKeys == null) {
                addressKeys = new AddressKeys(bytes, this::guardAddressKey);
            } else {
                addressKeyConflict = addressKeys.hasKey(bytes) ? null
                        : "the address-hash key secret no longer holds the key this environment started with: refusing to look"
                        + " addresses up under another key (a new key is a migration, not a rotation; restore the secret's value)";
                if (addressKeyConflict != null) {
                    log.error(null, "address-hash-key-changed", Map.of("error", addressKeyConflict));
                }
            }
        }
        if (newLinks != null && (linkKeys == null || !linkKeys.sameAs(newLinks))) {
            linkKeys = newLinks;
        }
        refreshDueAt = clock.millis() + refreshMillis;
    }

    private void refreshIfDue() {
        if (clock.millis() < refreshDueAt) {
            return;
        }
        synchronized (this) {
            if (clock.millis() < refreshDueAt) {
                return;
            }
            boolean first = linkKeys == null && addressKeys == null;
            try {
                reload();
            } catch (RuntimeException e) {
                if (first) {
                    throw e;
                }
                // Keep serving with the keys held; try again shortly.
                refreshDueAt = clock.millis() + RETRY_AFTER_FAILURE.toMillis();
                log.warn(null, "secrets-refresh-failed", Map.of("error", String.valueOf(e.getMessage()),
                        "retryInSeconds", RETRY_AFTER_FAILURE.toSeconds()));
            }
        }
    }

    /**
     * The address-hash key read once, without refresh: for the operator command line, whose run is
     * short and never snapshotted (a function uses {@link #addressKeys()}, which follows the secret).
     */
    public static AddressKeys addressKeysOnce(Settings settings, Supplier<SecretsManagerClient> secrets) {
        SecretKeys keys = new SecretKeys(settings, secrets, Clock.systemUTC(), false);
        Map<String, String> wanted = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        keys.source(Settings.ADDRESS_HASH_KEY_SECRET_ARN, Settings.ADDRESS_HASH_KEY, wanted, values);
        values.putAll(keys.fetch(wanted));
        String value = values.get(Settings.ADDRESS_HASH_KEY_SECRET_ARN);
        if (value == null) {
            throw new ConfigurationException("neither " + Settings.ADDRESS_HASH_KEY_SECRET_ARN + " nor "
                    + Settings.ADDRESS_HASH_KEY + " is set");
        }
        return new AddressKeys(decodeAddressKey(value));
    }

    private void guardAddressKey() {
        refreshIfDue();
        String conflict = addressKeyConflict;
        if (conflict != null) {
            throw new ConfigurationException(conflict);
        }
    }

    /** Puts the secret id to fetch in {@code wanted}, or the inline value in {@code values}, under {@code arnVariable}. */
    private void source(String arnVariable, String inlineVariable, Map<String, String> wanted, Map<String, String> values) {
        Optional<String> arn = settings.optional(arnVariable);
        if (arn.isPresent()) {
            wanted.put(arnVariable, arn.get());
        } else {
            settings.optional(inlineVariable).ifPresent(v -> values.put(arnVariable, v));
        }
    }

    /** The values of the wanted secrets, by the variable naming each: one call for all of them. */
    private Map<String, String> fetch(Map<String, String> wanted) {
        Map<String, String> out = new LinkedHashMap<>();
        if (wanted.isEmpty()) {
            return out;
        }
        try {
            SecretsManagerClient client = secrets.get();
            if (wanted.size() == 1) {
                Map.Entry<String, String> only = wanted.entrySet().iterator().next();
                out.put(only.getKey(), client.getSecretValue(r -> r.secretId(only.getValue())).secretString());
                return out;
            }
            List<String> ids = new ArrayList<>(wanted.values());
            BatchGetSecretValueResponse response = client.batchGetSecretValue(r -> r.secretIdList(ids));
            if (response.hasErrors() && !response.errors().isEmpty()) {
                var e = response.errors().get(0);
                throw new ConfigurationException("cannot read secret " + e.secretId() + ": " + e.errorCode() + " " + e.message());
            }
            wanted.forEach((variable, id) -> {
                SecretValueEntry entry = response.secretValues().stream()
                        .filter(v -> id.equals(v.arn()) || id.equals(v.name())).findFirst()
                        .orElseThrow(() -> new ConfigurationException("cannot read secret " + id + " (" + variable + "): not returned"));
                out.put(variable, entry.secretString());
            });
            return out;
        } catch (SdkException e) {
            throw new ConfigurationException("cannot read secrets " + wanted + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decodeAddressKey(String value) {
        try {
            return AddressKeys.decode(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the address-hash key is not base64");
        }
    }
}
