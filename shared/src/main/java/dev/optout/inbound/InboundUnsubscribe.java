package dev.optout.inbound;

import dev.optout.address.EmailAddress;
import dev.optout.address.AddressParser;
import dev.optout.links.MailtoAddresses;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.MailtoSealer;
import dev.optout.token.MailtoToken;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The rules for a mail to the unsubscribe domain: who may unsubscribe whom by mail.
 *
 * <ol>
 *   <li><b>Gate.</b> Nothing changes unless SES's spam and virus verdicts are PASS and at least
 *       one of SPF, DKIM or DMARC is PASS.</li>
 *   <li><b>{@code <token>@DOMAIN}</b> (the per-recipient address the check hands out): the token is
 *       the authority. It opens to the table key and topic it was sealed for, and that scope is
 *       applied to that key, whatever the From says. We sent that address only in that person's
 *       mail, so whoever writes to it got it from their mailbox: a forward, an alias or a shared
 *       mailbox has the same power as the https link in the same mail (which also works for anyone
 *       holding it). The From is neither trusted nor unsubscribed itself; when it is the token's own
 *       address the history says so ({@code fromMatchesLink}). An altered, forged, expired or
 *       unknown-key token changes nothing.</li>
 *   <li><b>{@code unsubscribe@DOMAIN}</b> without a token ("please remove me"): the only authority is
 *       the sender, so the From must be authenticated itself: exactly one From address, and DMARC
 *       PASS, or SPF PASS for an envelope sender in the From's domain (or a parent or subdomain of
 *       it: relaxed alignment, RFC 7489 section 3.1). A DKIM pass alone does not say which domain
 *       signed, so it is not enough. Then that sender is unsubscribed from all marketing mail.</li>
 *   <li>Any other local part at the domain changes nothing.</li>
 * </ol>
 * Changes are recorded with source {@code MAILTO}, SES's message id and the verdicts as evidence,
 * once per message and recipient (a redelivered event changes nothing). No reply is ever sent
 * (no backscatter to forged senders). Store failures surface as
 * {@link dev.optout.suppression.StoreUnavailableException} for Lambda to retry.
 */
public final class InboundUnsubscribe {
    /** What became of one recipient of one mail. */
    public enum Kind {
        /** The token's scope was applied. */
        TOKEN_APPLIED,
        /** The authenticated sender was unsubscribed from all marketing mail. */
        SENDER_UNSUBSCRIBED,
        /** The same message was already applied (event delivered again). */
        DUPLICATE,
        /** Spam, virus or authentication verdicts did not pass: nothing changed. */
        VERDICTS_FAILED,
        /** The token did not open (see {@link Outcome#detail()}): nothing changed. */
        INVALID_TOKEN,
        /** A plain mail whose From is not authenticated, or not one address: nothing changed. */
        SENDER_NOT_AUTHENTICATED,
        /** A local part that is neither a token nor the plain address, or another domain: nothing changed. */
        NOT_AN_UNSUBSCRIBE_ADDRESS
    }

    /**
     * @param kind   what happened
     * @param scope  the topic unsubscribed, {@code "*"} for all marketing mail, or {@code null} when nothing changed
     * @param detail why nothing changed (token refusal reason, failed verdict), never an address
     */
    public record Outcome(Kind kind, String scope, String detail) {
        public boolean changed() {
            return kind == Kind.TOKEN_APPLIED || kind == Kind.SENDER_UNSUBSCRIBED;
        }
    }

    private final SuppressionStore store;
    private final MailtoSealer sealer;
    private final String domain;
    private final Clock clock;

    public InboundUnsubscribe(SuppressionStore store, MailtoAddresses addresses, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.sealer = addresses.sealer();
        this.domain = addresses.domain();
        this.clock = Objects.requireNonNull(clock);
    }

    /** One outcome per recipient of the mail, in the receipt's order. */
    public List<Outcome> process(ReceivedMail mail) {
        List<Outcome> outcomes = new ArrayList<>();
        boolean passed = mail.verdicts().clean() && mail.verdicts().authenticated();
        for (String recipient : mail.recipients()) {
            String localPart = localPartAtOurDomain(recipient);
            if (localPart == null) {
                outcomes.add(new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "another domain"));
            } else if (!passed) {
                outcomes.add(new Outcome(Kind.VERDICTS_FAILED, null, failedVerdicts(mail.verdicts())));
            } else if (localPart.length() == MailtoSealer.LENGTH) {
                outcomes.add(byToken(mail, localPart));
            } else if (localPart.equalsIgnoreCase(MailtoAddresses.PLAIN_LOCAL_PART)) {
                outcomes.add(bySender(mail));
            } else {
                outcomes.add(new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "unknown local part"));
            }
        }
        return outcomes;
    }

    private Outcome byToken(ReceivedMail mail, String localPart) {
        MailtoToken token;
        try {
            token = sealer.open(localPart);
        } catch (InvalidTokenException e) {
            return new Outcome(Kind.INVALID_TOKEN, null, e.reason().name());
        }
        EmailAddress from = singleFrom(mail);
        boolean fromMatches = from != null && store.addressKeys().keyOf(from).equals(token.addressKey());
        Map<String, String> evidence = evidence(mail);
        evidence.put("fromMatchesLink", Boolean.toString(fromMatches));
        Provenance p = new Provenance(Source.MAILTO, clock.instant(), null,
                token.issuedOn().atStartOfDay(ZoneOffset.UTC).toInstant(), null).withEvidence(evidence);
        Change change = (token.allMarketingMail() ? Change.unsubscribeAll(p) : Change.unsubscribeTopic(token.topic(), p))
                .once("MAILTO#" + mail.messageId() + "#" + token.addressKey() + "#" + token.topic());
        // With the From proven to be the token's address, the state item also learns the address (as a link does).
        ApplyResult r = fromMatches ? store.apply(from, change) : store.applyToKey(token.addressKey(), change);
        String scope = token.allMarketingMail() ? "*" : token.topic();
        return new Outcome(r == ApplyResult.DUPLICATE ? Kind.DUPLICATE : Kind.TOKEN_APPLIED, scope, null);
    }

    private Outcome bySender(ReceivedMail mail) {
        EmailAddress from = singleFrom(mail);
        if (from == null) {
            return new Outcome(Kind.SENDER_NOT_AUTHENTICATED, null, "From is not exactly one address");
        }
        boolean aligned = mail.verdicts().dmarc() == Verdict.PASS
                || (mail.verdicts().spf() == Verdict.PASS && aligned(domainOf(mail.envelopeSender()), from.domain()));
        if (!aligned) {
            return new Outcome(Kind.SENDER_NOT_AUTHENTICATED, null, "From not authenticated by DMARC or aligned SPF");
        }
        Provenance p = Provenance.of(Source.MAILTO, clock.instant()).withEvidence(evidence(mail));
        ApplyResult r = store.apply(from, Change.unsubscribeAll(p).once("MAILTO#" + mail.messageId() + "#plain"));
        return new Outcome(r == ApplyResult.DUPLICATE ? Kind.DUPLICATE : Kind.SENDER_UNSUBSCRIBED, "*", null);
    }

    private static Map<String, String> evidence(ReceivedMail mail) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("sesMessageId", mail.messageId());
        mail.verdicts().asEvidence().forEach(e::put);
        return e;
    }

    private static EmailAddress singleFrom(ReceivedMail mail) {
        return mail.from().size() == 1 ? AddressParser.parseOrNull(mail.from().get(0)) : null;
    }

    /** The local part when the recipient is at our domain, else {@code null}. */
    private String localPartAtOurDomain(String recipient) {
        int at = recipient.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        String d = recipient.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return d.equals(domain) || d.equals(domain + ".") ? recipient.substring(0, at).strip() : null;
    }

    private static String domainOf(String envelopeSender) {
        int at = envelopeSender == null ? -1 : envelopeSender.lastIndexOf('@');
        return at < 0 ? "" : envelopeSender.substring(at + 1).replace(">", "").strip().toLowerCase(Locale.ROOT);
    }

    /** Relaxed alignment without a public-suffix list: the same domain, or one a subdomain of the other. */
    static boolean aligned(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        return a.equals(b) || a.endsWith("." + b) || b.endsWith("." + a);
    }

    private static String failedVerdicts(ReceivedMail.Verdicts v) {
        List<String> failed = new ArrayList<>();
        if (v.spam() != Verdict.PASS) {
            failed.add("spam=" + v.spam());
        }
        if (v.virus() != Verdict.PASS) {
            failed.add("virus=" + v.virus());
        }
        if (!v.authenticated()) {
            failed.add("spf/dkim/dmarc=" + v.spf() + "/" + v.dkim() + "/" + v.dmarc());
        }
        return String.join(",", failed);
    }
}
