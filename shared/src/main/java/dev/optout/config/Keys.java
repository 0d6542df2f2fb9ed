package dev.optout.config;

import dev.optout.address.AddressKeys;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Loads key material at init: from AWS Secrets Manager in a deployment (the secret ARN is in the
 * environment, the key never is), or from the local runtime's own configuration. Never from the
 * repository.
 */
public final class Keys {
    private Keys() {
    }

    /** The address-hash key: {@code ADDRESS_HASH_KEY_SECRET_ARN}, else {@code ADDRESS_HASH_KEY} (local). */
    public static AddressKeys addressKeys(Settings settings, java.util.function.Supplier<SecretsManagerClient> secrets) {
        return AddressKeys.fromBase64(secretValue(settings, Settings.ADDRESS_HASH_KEY_SECRET_ARN,
                Settings.ADDRESS_HASH_KEY, secrets));
    }

    /**
     * The value of a secret named by {@code arnVariable}, or the inline value of
     * {@code inlineVariable} where no secret is configured (local runs and tests).
     */
    public static String secretValue(Settings settings, String arnVariable, String inlineVariable,
                                     java.util.function.Supplier<SecretsManagerClient> secrets) {
        Optional<String> arn = settings.optional(arnVariable);
        if (arn.isPresent()) {
            try {
                return secrets.get().getSecretValue(r -> r.secretId(arn.get())).secretString();
            } catch (SdkException e) {
                throw new ConfigurationException("cannot read secret " + arn.get() + " (" + arnVariable + "): " + e.getMessage(), e);
            }
        }
        return settings.optional(inlineVariable).orElseThrow(() -> new ConfigurationException(
                "neither " + arnVariable + " nor " + inlineVariable + " is set"));
    }
}
