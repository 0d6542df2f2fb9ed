package dev.optout.links;

import dev.optout.address.EmailAddress;
import dev.optout.check.AnswerSize;
import dev.optout.check.LinkProvider;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.token.TokenSealer;
import dev.optout.topic.Topic;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The unsubscribe headers and preference link for one recipient of one mail: the public API for
 * pipelines that embed the library, and the {@link LinkProvider} of the pre-send check.
 *
 * <pre>
 * List-Unsubscribe: &lt;https://HOST/u/TOKEN&gt;[, &lt;mailto:ADDRESS?subject=unsubscribe&gt;]   (RFC 2369)
 *   ADDRESS: MAILTOKEN@DOMAIN, one per recipient, when a receiving domain is configured
 *   ({@link MailtoAddresses}); else the fixed UNSUBSCRIBE_MAILTO mailbox, if any
 * List-Unsubscribe-Post: List-Unsubscribe=One-Click                                  (RFC 8058)
 * Feedback-ID: CAMPAIGN:TOPIC:SENDERID    with a campaign, when a sender id is configured ({@link FeedbackId})
 * preferences: https://HOST/p/TOKEN
 * </pre>
 * RFC 8058 asks that the https URI come first and that both headers be covered by the DKIM
 * signature. One token per recipient serves both links. Thread-safe.
 */
public final class ListUnsubscribeHeaders implements LinkProvider {
    public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
    /** The only value RFC 8058 allows. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";
    /** Path prefixes of the two routes (template.yaml: GET/POST /u/{token}, GET/POST/PUT /p/{token}). */
    public static final String UNSUBSCRIBE_PATH = "/u/";
    public static final String PREFERENCES_PATH = "/p/";
    /**
     * Where a person, from a page that refused a link-only resume after a complaint, asks for the
     * confirmation mail (the same token as {@link #UNSUBSCRIBE_PATH}'s; served by the subscribe function).
     */
    public static final String RESUME_PATH = "/r/";

    private static final Pattern MAILBOX = Pattern.compile("[^\\s<>,\"()\\[\\]\\\\;:@]+@[A-Za-z0-9.-]+");

    private final TokenSealer sealer;
    private final String baseUrl;
    private final String mailtoSuffix;
    private final MailtoAddresses mailtoAddresses;
    private final FeedbackId feedbackId;

    /**
     * @param publicBaseUrl e.g. {@code https://optout.example.com} (a trailing slash is dropped)
     * @param mailto        optional mailbox ({@code unsubscribe@example.com}) for a second, mailto: URI
     */
    public ListUnsubscribeHeaders(TokenSealer sealer, String publicBaseUrl, String mailto) {
        this.sealer = Objects.requireNonNull(sealer);
        this.baseUrl = normalizeBaseUrl(publicBaseUrl);
        this.mailtoSuffix = mailto == null || mailto.isBlank() ? "" : ", <" + mailtoUri(mailto.strip()) + ">";
        this.mailtoAddresses = null;
        this.feedbackId = null;
    }

    /**
     * With a receiving domain: each recipient's {@code List-Unsubscribe} gets their own sealed
     * mailto: address after the https URI (this replaces a fixed {@code UNSUBSCRIBE_MAILTO}).
     */
    public static ListUnsubscribeHeaders withMailto(TokenSealer sealer, String publicBaseUrl, MailtoAddresses mailtoAddresses) {
        return new ListUnsubscribeHeaders(sealer, normalizeBaseUrl(publicBaseUrl), Objects.requireNonNull(mailtoAddresses));
    }

    private ListUnsubscribeHeaders(TokenSealer sealer, String normalizedBaseUrl, MailtoAddresses mailtoAddresses) {
        this.sealer = Objects.requireNonNull(sealer);
        this.baseUrl = normalizedBaseUrl;
        this.mailtoSuffix = "";
        this.mailtoAddresses = mailtoAddresses;
        this.feedbackId = null;
    }

    private ListUnsubscribeHeaders(ListUnsubscribeHeaders links, FeedbackId feedbackId) {
        this.sealer = links.sealer;
        this.baseUrl = links.baseUrl;
        this.mailtoSuffix = links.mailtoSuffix;
        this.mailtoAddresses = links.mailtoAddresses;
        this.feedbackId = feedbackId;
    }

    /** These links, with a {@code Feedback-ID} header whenever a campaign is given ({@code null}: none). */
    public ListUnsubscribeHeaders withFeedbackId(FeedbackId feedbackId) {
        return new ListUnsubscribeHeaders(this, feedbackId);
    }

    /** From {@code PUBLIC_BASE_URL} and the optional {@code UNSUBSCRIBE_MAILTO}. */
    public static ListUnsubscribeHeaders fromSettings(Settings settings, TokenSealer sealer) {
        return new ListUnsubscribeHeaders(sealer, settings.required(Settings.PUBLIC_BASE_URL),
                settings.optional(Settings.UNSUBSCRIBE_MAILTO).orElse(null));
    }

    /** The links for one recipient; {@code topic} null means the link covers all marketing mail. */
    public RecipientLinks forRecipient(EmailAddress address, String topic, String campaignId) {
        String token = sealer.seal(address, topic, campaignId);
        String unsubscribeUrl = baseUrl + UNSUBSCRIBE_PATH + token;
        Map<String, String> headers = new LinkedHashMap<>(4);
        String mailto = mailtoAddresses == null ? mailtoSuffix : ", <" + mailtoAddresses.uriFor(address, topic) + ">";
        headers.put(LIST_UNSUBSCRIBE, "<" + unsubscribeUrl + ">" + mailto);
        headers.put(LIST_UNSUBSCRIBE_POST, ONE_CLICK);
        String feedback = feedbackId == null ? null : feedbackId.value(campaignId, topic);
        if (feedback != null) {
            headers.put(FeedbackId.HEADER, feedback);
        }
        return new RecipientLinks(Collections.unmodifiableMap(headers), unsubscribeUrl, baseUrl + PREFERENCES_PATH + token);
    }

    @Override
    public Links linksFor(EmailAddress address, Topic topic, String campaignId) {
        RecipientLinks l = forRecipient(address, topic == null ? null : topic.id(), campaignId);
        return new Links(l.headers(), l.preferencesUrl());
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * @param headers         the two header fields, in order, ready to add to the message
     * @param unsubscribeUrl  the https unsubscribe link (also usable in the message body)
     * @param preferencesUrl  the preference center link
     */
    public record RecipientLinks(Map<String, String> headers, String unsubscribeUrl, String preferencesUrl) {
    }

    /** {@code url} without a trailing slash (the form every link is built from). */
    public static String normalizeBaseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new ConfigurationException(Settings.PUBLIC_BASE_URL + " is not set");
        }
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(Settings.PUBLIC_BASE_URL + " is not a URL: " + url);
        }
        boolean loopback = Optional.ofNullable(uri.getHost()).map(h -> h.equals("localhost") || h.equals("127.0.0.1")).orElse(false);
        // RFC 8058: the one-click URI must be https; plain http only for local runs on this machine.
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && loopback)) {
            throw new ConfigurationException(Settings.PUBLIC_BASE_URL + " must be an https:// URL, got " + url);
        }
        if (uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException(Settings.PUBLIC_BASE_URL + " must be scheme://host[:port][/path] only, got " + url);
        }
        // The check's maximum recipients per call is computed from this bound (AnswerSize).
        if (AnswerSize.jsonStringBytes(u) > AnswerSize.MAX_BASE_URL_BYTES) {
            throw new ConfigurationException(Settings.PUBLIC_BASE_URL + " is longer than " + AnswerSize.MAX_BASE_URL_BYTES
                    + " bytes (it is in every link the check answers): use a shorter host or path, got " + url);
        }
        return u;
    }

    private static String mailtoUri(String configured) {
        String m = configured.regionMatches(true, 0, "mailto:", 0, 7) ? configured.substring(7) : configured;
        String mailbox = m.contains("?") ? m.substring(0, m.indexOf('?')) : m;
        if (!MAILBOX.matcher(mailbox).matches() || m.contains(">") || m.contains(",") || m.contains(" ")) {
            throw new ConfigurationException(Settings.UNSUBSCRIBE_MAILTO + " must be a plain mailbox like unsubscribe@example.com, got " + configured);
        }
        String uri = "mailto:" + (m.contains("?") ? m : m + "?subject=unsubscribe");
        if (AnswerSize.jsonStringBytes(uri) > AnswerSize.MAX_MAILTO_URI_BYTES) {
            throw new ConfigurationException(Settings.UNSUBSCRIBE_MAILTO + " makes a mailto: URI longer than " + AnswerSize.MAX_MAILTO_URI_BYTES
                    + " bytes (it is in every List-Unsubscribe header the check answers): shorten it, got " + configured);
        }
        return uri;
    }
}
