package dev.optout.links;

import dev.optout.address.AddressKeys;
import dev.optout.address.EmailAddress;
import dev.optout.check.AnswerSize;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.token.MailtoSealer;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The per-recipient mailto: unsubscribe addresses of the receiving domain
 * ({@code UNSUBSCRIBE_MAIL_DOMAIN}): {@code <token>@DOMAIN}, the token sealed by
 * {@link MailtoSealer} over the recipient's table key and the mail's topic, and the plain
 * {@code unsubscribe@DOMAIN} for people who write without one. Thread-safe.
 */
public final class MailtoAddresses {
    /** The local part of the plain address: a mail to it unsubscribes its (authenticated) sender from all marketing mail. */
    public static final String PLAIN_LOCAL_PART = "unsubscribe";
    private static final String QUERY = "?subject=unsubscribe";
    /** So that {@code mailto:} + token + {@code @} + domain + query stays within {@link AnswerSize#MAX_MAILTO_URI_BYTES}. */
    public static final int MAX_DOMAIN_CHARS = AnswerSize.MAX_MAILTO_URI_BYTES
            - "mailto:".length() - MailtoSealer.LENGTH - "@".length() - QUERY.length();
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");

    private final String domain;
    private final MailtoSealer sealer;
    private final AddressKeys addressKeys;

    public MailtoAddresses(String domain, MailtoSealer sealer, AddressKeys addressKeys) {
        this.domain = normalizeDomain(domain);
        this.sealer = Objects.requireNonNull(sealer);
        this.addressKeys = Objects.requireNonNull(addressKeys);
    }

    /** The receiving domain, lower case. */
    public String domain() {
        return domain;
    }

    public MailtoSealer sealer() {
        return sealer;
    }

    /** {@code mailto:<token>@DOMAIN?subject=unsubscribe} for one recipient and topic ({@code null}: all marketing mail). */
    public String uriFor(EmailAddress address, String topic) {
        return "mailto:" + sealer.seal(addressKeys.keyOf(address), topic) + "@" + domain + QUERY;
    }

    /** The plain address, {@code unsubscribe@DOMAIN}. */
    public String plainAddress() {
        return PLAIN_LOCAL_PART + "@" + domain;
    }

    static String normalizeDomain(String configured) {
        String d = configured == null ? "" : configured.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.length() > MAX_DOMAIN_CHARS) {
            throw new ConfigurationException(Settings.UNSUBSCRIBE_MAIL_DOMAIN + " is longer than " + MAX_DOMAIN_CHARS
                    + " characters (each recipient's mailto: address is in every List-Unsubscribe header the check answers), got '"
                    + configured + "'");
        }
        if (!DOMAIN.matcher(d).matches()) {
            throw new ConfigurationException(Settings.UNSUBSCRIBE_MAIL_DOMAIN
                    + " must be a domain name like unsubscribe.example.com (ASCII, punycode for IDN), got '" + configured + "'");
        }
        return d;
    }
}
