package dev.optout.token;

/**
 * Where the live link keys come from. A fixed {@link LinkKeys} is its own source (tests, local
 * runs); in a deployment {@code dev.optout.wiring.SecretKeys} follows the Secrets Manager secret,
 * so that a rotation takes effect without publishing a new function version.
 */
public interface LinkKeySource {
    /** The keys to use now (may reload them first when they are older than the refresh age). */
    LinkKeys current();

    /**
     * A token names {@code keyId}, which {@link #current()} does not hold: a source that can reload
     * does so now (rate-limited, so a flood of forged key ids cannot hammer the secret) and answers
     * the keys it then holds.
     */
    default LinkKeys afterUnknownKey(String keyId) {
        return current();
    }
}
