package dev.optout.function.subscribe;

import dev.optout.address.EmailAddress;
import dev.optout.optin.ConfirmationMailer;
import dev.optout.topic.TopicCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The confirmation mail, from the templates {@code mail_en.txt} and {@code mail_id.txt} next to
 * this class (first line the subject, then the body; {@code {sender}}, {@code {topics}},
 * {@code {link}}, {@code {days}} replaced), sent as a MIME message through Amazon SES v2
 * {@code SendEmail} with the stack's configuration set, so its sending events reach the
 * feedback flow like every other mail.
 */
final class SesConfirmationMailer implements ConfirmationMailer {
    enum Lang { EN, ID }

    /** The pages' texts: what a resume ({@code *}, all mail again) is called in the list. */
    private static final dev.optout.web.Messages MESSAGES = dev.optout.web.Messages.load("dev/optout/function/subscribe/messages");

    private final SesV2Client ses;
    private final String from;
    private final String senderName;
    /** Who is asking, under the signature: the brand's postal address and privacy policy link. */
    private final String footer;
    private final String configurationSet;
    private final TopicCatalog topics;
    private final Duration linkLifetime;
    private final Map<Lang, String> templates = new EnumMap<>(Lang.class);

    SesConfirmationMailer(SesV2Client ses, String from, dev.optout.web.Brand brand, String configurationSet, TopicCatalog topics,
                          Duration linkLifetime) {
        this.ses = Objects.requireNonNull(ses);
        this.from = from;
        this.senderName = brand.name() == null ? from : brand.name();
        this.footer = (brand.postalAddress() == null ? "" : "\n" + brand.postalAddress())
                + (brand.privacyUrl() == null ? "" : "\n" + brand.privacyUrl());
        this.configurationSet = configurationSet;
        this.topics = topics;
        this.linkLifetime = linkLifetime;
        for (Lang l : Lang.values()) {
            templates.put(l, read("mail_" + l.name().toLowerCase(Locale.ROOT) + ".txt"));
        }
    }

    private static String read(String name) {
        try (InputStream in = SesConfirmationMailer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no mail template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read mail template " + name, e);
        }
    }

    @Override
    public void send(EmailAddress to, List<String> topicIds, String language, String link) {
        if (from == null || from.isBlank()) {
            throw new MailNotSentException("CONFIRMATION_FROM is not set: no confirmation mail can be sent", null);
        }
        byte[] mime = message(to, topicIds, language, link);
        try {
            ses.sendEmail(r -> {
                r.fromEmailAddress(from).destination(d -> d.toAddresses(to.value()))
                        .content(c -> c.raw(raw -> raw.data(SdkBytes.fromByteArray(mime))));
                if (configurationSet != null && !configurationSet.isBlank()) {
                    r.configurationSetName(configurationSet);
                }
            });
        } catch (SdkException e) {
            throw new MailNotSentException("SES refused the confirmation mail: " + e.getMessage(), e);
        }
    }

    /** The whole message (RFC 5322, UTF-8 text in base64; the subject RFC 2047-encoded). */
    byte[] message(EmailAddress to, List<String> topicIds, String language, String link) {
        Lang l = "id".equals(language) ? Lang.ID : Lang.EN;
        String template = templates.get(l);
        int nl = template.indexOf('\n');
        String subject = template.substring(0, nl).strip();
        String code = l.name().toLowerCase(Locale.ROOT);
        String list = String.join("\n", topicIds.stream()
                .map(id -> "- " + (id.equals(dev.optout.optin.SubscribeService.ALL_MAIL)
                        ? MESSAGES.text(dev.optout.web.Language.of(code).orElseThrow(), "allMail")
                        : topics.find(id).map(t -> t.name(code)).orElse(id))).toList());
        String body = template.substring(nl + 1).replace("{sender}", senderName).replace("{topics}", list)
                .replace("{link}", link).replace("{days}", Long.toString(linkLifetime.toDays())).stripTrailing() + "\n" + footer + "\n";
        String headers = "From: " + displayName(senderName) + " <" + from + ">\r\n"
                + "To: <" + to.value() + ">\r\n"
                + "Subject: " + encodedWord(subject) + "\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Language: " + l.name().toLowerCase(Locale.ROOT) + "\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "Auto-Submitted: auto-generated\r\n\r\n";
        String encoded = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(body.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        return (headers + encoded + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An unstructured header value (the subject): printable ASCII as it is, anything else an RFC 2047 encoded-word. */
    static String encodedWord(String text) {
        if (text.chars().allMatch(c -> c >= 0x20 && c < 0x7F) && !text.contains("=?")) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** A display name (RFC 5322 phrase): a quoted string of printable ASCII, else an RFC 2047 encoded-word. */
    static String displayName(String name) {
        if (name.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"' && c != '\\') && !name.contains("=?")) {
            return "\"" + name + "\"";
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
