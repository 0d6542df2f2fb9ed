package dev.optout.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.MovableClock;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.InvalidTokenException.Reason;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Key rotation as an operator does it (README "Rotating the link keys"), against Secrets Manager
 * in the local AWS: the secret is changed while the function's collaborators keep running; time
 * is driven by a clock, never slept.
 */
@ExtendWith(LocalAwsExtension.class)
class KeyRotationIT {
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private static final Duration REFRESH = Duration.ofSeconds(300);

    private SecretsManagerClient secretsManager;
    private String linkKeysArn;
    private String addressKeyArn;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-02T09:00:00Z"));
    private Wiring wiring;

    @BeforeEach
    void secretsAndAFunction(LocalAws aws) {
        secretsManager = aws.client(SecretsManagerClient.builder());
        String run = UUID.randomUUID().toString().substring(0, 8);
        linkKeysArn = secretsManager.createSecret(r -> r.name("optout/link-keys-" + run).secretString(linkKeys("k1", "k1"))).arn();
        addressKeyArn = secretsManager.createSecret(r -> r.name("optout/address-hash-key-" + run).secretString(key(9))).arn();
        Map<String, String> env = new LinkedHashMap<>(aws.environment());
        env.put(Settings.LINK_KEYS_SECRET_ARN, linkKeysArn);
        env.put(Settings.ADDRESS_HASH_KEY_SECRET_ARN, addressKeyArn);
        env.put(Settings.SECRETS_REFRESH_SECONDS, Long.toString(REFRESH.toSeconds()));
        wiring = new Wiring(Settings.of(env), clock);
    }

    @Test
    void newLinksUseTheNewKeyAfterTheRefreshAndOldLinksKeepWorkingUntilTheirKeyIsRemoved() throws Exception {
        TokenSealer sealer = wiring.tokenSealer();
        TokenOpener opener = wiring.tokenOpener();
        String before = sealer.seal(ANA, "newsletter", null);
        assertThat(keyIdOf(before)).isEqualTo("k1");

        // Step 1: add k2 and make it active.
        putLinkKeys(linkKeys("k2", "k1", "k2"));
        clock.advance(REFRESH.minusSeconds(1));
        assertThat(keyIdOf(sealer.seal(ANA, "newsletter", null))).as("within the refresh age").isEqualTo("k1");
        clock.advance(Duration.ofSeconds(2));
        String after = sealer.seal(ANA, "newsletter", null);
        assertThat(keyIdOf(after)).as("once the keys are older than the refresh age").isEqualTo("k2");
        assertThat(opener.open(before).address()).isEqualTo(ANA);
        assertThat(opener.open(after).address()).isEqualTo(ANA);

        // Step 2, once links under k1 may go: remove k1.
        putLinkKeys(linkKeys("k2", "k2"));
        clock.advance(REFRESH.plusSeconds(1));
        assertThatThrownBy(() -> opener.open(before)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
        assertThat(opener.open(after).address()).isEqualTo(ANA);
    }

    @Test
    void aLinkUnderAKeyAddedSinceTheLastRefreshOpensAtOnce() throws Exception {
        TokenOpener opener = wiring.tokenOpener();
        opener.open(wiring.tokenSealer().seal(ANA, null, null));
        putLinkKeys(linkKeys("k3", "k1", "k3"));
        // Another function (or a newer environment) already seals with k3; this one has not refreshed yet.
        String fromElsewhere = new TokenSealer(LinkKeys.parse(linkKeys("k3", "k1", "k3")), clock).seal(ANA, null, null);

        assertThat(opener.open(fromElsewhere).address()).isEqualTo(ANA);
    }

    @Test
    void aKeyIdNoSecretHoldsIsRefused() {
        TokenOpener opener = wiring.tokenOpener();
        String forged = new TokenSealer(new LinkKeys("k9", Map.of("k9", new byte[32])), clock).seal(ANA, null, null);

        assertThatThrownBy(() -> opener.open(forged)).isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    }

    @Test
    void afterARestoreTheKeysAreReadAsTheSecretHoldsThemNow() {
        TokenSealer sealer = wiring.tokenSealer();
        assertThat(keyIdOf(sealer.seal(ANA, null, null))).isEqualTo("k1");
        putLinkKeys(linkKeys("k2", "k1", "k2"));

        wiring.afterRestore();

        assertThat(keyIdOf(sealer.seal(ANA, null, null))).isEqualTo("k2");
    }

    @Test
    void aChangedAddressHashKeyIsRefusedRatherThanUsedUntilTheOriginalIsBack() {
        String ana = wiring.addressKeys().keyOf(ANA);
        secretsManager.putSecretValue(r -> r.secretId(addressKeyArn).secretString(key(10)));
        clock.advance(REFRESH.plusSeconds(1));

        assertThatThrownBy(() -> wiring.addressKeys().keyOf(ANA)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("address-hash key");

        secretsManager.putSecretValue(r -> r.secretId(addressKeyArn).secretString(key(9)));
        clock.advance(REFRESH.plusSeconds(1));
        assertThat(wiring.addressKeys().keyOf(ANA)).isEqualTo(ana);
    }

    private void putLinkKeys(String json) {
        secretsManager.putSecretValue(r -> r.secretId(linkKeysArn).secretString(json));
    }

    /** {"active": active, "keys": {id: 32 bytes derived from the id}}. */
    private static String linkKeys(String active, String... ids) {
        StringBuilder keys = new StringBuilder();
        for (String id : ids) {
            keys.append(keys.length() == 0 ? "" : ",").append('"').append(id).append("\":\"").append(key(id.charAt(1))).append('"');
        }
        return "{\"active\":\"" + active + "\",\"keys\":{" + keys + "}}";
    }

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The key id in a token's clear header (TokenFormat). */
    private static String keyIdOf(String token) {
        byte[] raw = Base64.getUrlDecoder().decode(token);
        return new String(raw, 2, raw[1], StandardCharsets.US_ASCII);
    }
}
