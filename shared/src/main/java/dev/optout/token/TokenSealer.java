package dev.optout.token;

import dev.optout.address.EmailAddress;
import dev.optout.snapstart.RenewableRandom;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals {@link LinkToken}s into compact link tokens with AES-256-GCM under the active link key
 * (see {@link TokenFormat} for the layout). Thread-safe; one instance per function, built at init.
 *
 * <p>Nonces are 96 random bits per token: NIST SP 800-38D bounds random-nonce use to 2^32
 * messages per key, so rotate the active key well before that (the README says how). They come
 * from a {@link RenewableRandom} that the function renews in its SnapStart {@code afterRestore}
 * hook, so environments restored from one snapshot never draw the same nonces. The active key is
 * read from the {@link LinkKeySource} at each seal, so a rotation applies without a restart.
 */
public final class TokenSealer {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final LinkKeySource keys;
    private final Clock clock;
    private final RenewableRandom random;
    private final ThreadLocal<Cipher> cipher = ThreadLocal.withInitial(TokenSealer::newCipher);

    public TokenSealer(LinkKeySource keys, Clock clock) {
        this(keys, clock, new RenewableRandom());
    }

    /** @param random the nonce source; the function renews it after a SnapStart restore */
    public TokenSealer(LinkKeySource keys, Clock clock, RenewableRandom random) {
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
        // Fail at init, not on the first recipient, if the JDK lacks AES-GCM or the key is unusable.
        seal(new LinkToken(dev.optout.address.AddressParser.parseOrNull("init@example.com"), null, null, clock.instant()));
    }

    /**
     * A token for this recipient and mail, issued now.
     *
     * @throws IllegalArgumentException for a campaign id over {@link TokenFormat#MAX_CAMPAIGN_BYTES}
     *                                  UTF-8 bytes or a topic id over 48 bytes: a longer link could not be opened
     */
    public String seal(EmailAddress address, String topic, String campaignId) {
        return seal(new LinkToken(address, topic, campaignId, clock.instant()));
    }

    /** The token for exactly this content (issue time kept to the second). */
    public String seal(LinkToken token) {
        LinkKeys live = keys.current();
        byte[] header = live.activeHeader();
        byte[] plain = plaintext(token);
        int sealedLength = plain.length + TokenFormat.TAG_BYTES;
        byte[] out = new byte[header.length + TokenFormat.NONCE_BYTES + sealedLength];
        System.arraycopy(header, 0, out, 0, header.length);
        byte[] nonce = new byte[TokenFormat.NONCE_BYTES];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, header.length, nonce.length);
        try {
            Cipher c = cipher.get();
            c.init(Cipher.ENCRYPT_MODE, live.active(),
                    new GCMParameterSpec(TokenFormat.TAG_BITS, out, header.length, TokenFormat.NONCE_BYTES));
            c.updateAAD(header);
            c.doFinal(plain, 0, plain.length, out, header.length + TokenFormat.NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
        return B64.encodeToString(out);
    }

    private static byte[] plaintext(LinkToken t) {
        byte[] address = t.address().value().getBytes(StandardCharsets.UTF_8);
        byte[] topic = t.topic() == null ? null : t.topic().getBytes(StandardCharsets.UTF_8);
        byte[] campaign = t.campaignId() == null ? null : t.campaignId().getBytes(StandardCharsets.UTF_8);
        if (topic != null && topic.length > TokenFormat.MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic id too long for a link: " + topic.length + " bytes, at most "
                    + TokenFormat.MAX_TOPIC_BYTES);
        }
        if (campaign != null && campaign.length > TokenFormat.MAX_CAMPAIGN_BYTES) {
            throw new IllegalArgumentException("campaign id too long for a link: " + campaign.length + " bytes in UTF-8, at most "
                    + TokenFormat.MAX_CAMPAIGN_BYTES);
        }
        if (address.length > TokenFormat.MAX_ADDRESS_BYTES) {
            throw new IllegalArgumentException("address too long for a link: " + address.length + " bytes");
        }
        int size = 5 + address.length + (topic == null ? 0 : 1 + topic.length)
                + (campaign == null ? 0 : varintSize(campaign.length) + campaign.length);
        byte[] p = new byte[size];
        long seconds = t.issuedAt().getEpochSecond();
        if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("issue time out of range: " + t.issuedAt());
        }
        int i = 0;
        p[i++] = (byte) (seconds >>> 24);
        p[i++] = (byte) (seconds >>> 16);
        p[i++] = (byte) (seconds >>> 8);
        p[i++] = (byte) seconds;
        p[i++] = (byte) ((topic != null ? TokenFormat.FLAG_TOPIC : 0) | (campaign != null ? TokenFormat.FLAG_CAMPAIGN : 0));
        if (topic != null) {
            p[i++] = (byte) topic.length;
            System.arraycopy(topic, 0, p, i, topic.length);
            i += topic.length;
        }
        if (campaign != null) {
            int n = campaign.length;
            while (n >= 0x80) {
                p[i++] = (byte) ((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            p[i++] = (byte) n;
            System.arraycopy(campaign, 0, p, i, campaign.length);
            i += campaign.length;
        }
        System.arraycopy(address, 0, p, i, address.length);
        return p;
    }

    private static int varintSize(int n) {
        int size = 1;
        while (n >= 0x80) {
            n >>>= 7;
            size++;
        }
        return size;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
    }
}
