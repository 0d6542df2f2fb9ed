package dev.optout.feedback;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a bounce says about the recipient, judged by its cause: SES's {@code bounceType} and
 * {@code bounceSubType} together with the enhanced status code (RFC 3463) of the recipient's
 * {@code status} or, failing that, of its {@code diagnosticCode}. A permanent bounce is not always
 * a dead mailbox: since 2024-2025 Gmail, Yahoo and Microsoft reject unauthenticated or
 * unwanted mail with permanent 5.7.x codes, which say the sender has a problem. Suppressing the
 * recipient for those would stop mail to healthy people for good.
 *
 * <p>The rules, first match wins ({@link #RULES}; docs/rules/bounces.md prints the same table):
 * <pre>
 * SES subtype Suppressed, OnAccountSuppressionList -> SES_SUPPRESSED (SES already holds it)
 * Transient or Undetermined bounce                 -> SOFT
 * SES subtype NoEmail                              -> HARD
 * 5.1.x (bad mailbox or domain)                    -> HARD
 * 5.2.1 (mailbox disabled)                         -> HARD
 * 5.2.x other (mailbox full 5.2.2, too large 5.2.3) -> SOFT
 * 5.7.x (policy, authentication, reputation, rate) -> SENDER_REJECTION
 * 5.6.x (message content)                          -> SENDER_REJECTION
 * 5.4.1, 5.4.4 (recipient rejected, no route)      -> HARD
 * 4.x.x                                            -> SOFT
 * no usable code, but the text says the mailbox does not exist -> HARD
 * anything else, or unreadable                     -> SOFT (never hard when unsure)
 * </pre>
 */
public final class BounceClassifier {
    private BounceClassifier() {
    }

    /** What a bounced recipient's bounce means. */
    public enum Kind {
        /** The mailbox or domain does not exist or refuses all mail: suppress for good. */
        HARD,
        /** Temporary, or not known to be permanent: counted towards the soft-bounce threshold. */
        SOFT,
        /** The receiver refused the sender (authentication, policy, reputation, rate, content): suppresses no one. */
        SENDER_REJECTION,
        /** SES itself did not send (its suppression lists): recorded as a hard bounce, not mirrored back. */
        SES_SUPPRESSED
    }

    /**
     * One row of the table.
     *
     * @param code   the enhanced status code prefix it matches ({@code "5.1."}, {@code "5.2.1"}), or {@code null}
     * @param source where the meaning of the code is defined or observed
     */
    public record Rule(String code, Kind kind, String meaning, String source) {
        boolean matches(String status) {
            return status != null && (code.endsWith(".") ? status.startsWith(code) : status.equals(code));
        }
    }

    /** The status-code rules, for permanent bounces, in order. */
    public static final List<Rule> RULES = List.of(
            new Rule("5.1.", Kind.HARD, "bad destination mailbox or domain (5.1.1 no such user, 5.1.2 bad domain, 5.1.10 null MX)",
                    "RFC 3463 3.2; RFC 7505"),
            new Rule("5.2.1", Kind.HARD, "mailbox disabled, not accepting messages", "RFC 3463 3.3"),
            new Rule("5.2.", Kind.SOFT, "mailbox full (5.2.2) or message too large for it (5.2.3): the mailbox exists",
                    "RFC 3463 3.3"),
            new Rule("5.7.", Kind.SENDER_REJECTION, "security or policy: unauthenticated (Gmail 5.7.26), SPF (5.7.27), "
                    + "rate or reputation (5.7.28, 5.7.1), Microsoft high-volume sender rules (5.7.515)",
                    "RFC 3463 3.8; Gmail SMTP error reference; Microsoft Outlook.com sender requirements (2025)"),
            new Rule("5.6.", Kind.SENDER_REJECTION, "the message's content or media was refused", "RFC 3463 3.7"),
            new Rule("5.4.1", Kind.HARD, "recipient address rejected (Exchange Online: no such recipient)",
                    "RFC 3463 3.5; Microsoft Exchange Online NDR 5.4.1"),
            new Rule("5.4.4", Kind.HARD, "unable to route: the domain has no mail host", "RFC 3463 3.5"),
            new Rule("4.", Kind.SOFT, "persistent transient failure", "RFC 3463 2"));

    /** RFC 3463 enhanced status code: class.subject.detail. */
    private static final Pattern CODE = Pattern.compile("(?<![0-9.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![0-9])");
    /** Words receivers use for a mailbox that does not exist, when they give no usable code. */
    private static final Pattern NO_SUCH_MAILBOX = Pattern.compile(
            "user unknown|unknown user|no such user|no such (mailbox|recipient)|does not exist|doesn't exist|"
                    + "mailbox (unavailable|not found)|recipient (address )?rejected|invalid (recipient|mailbox|address)|"
                    + "address not found|(account|mailbox) (has been |is )?disabled");

    /** The classification of one recipient, with the code it was judged by (or null) and why. */
    public record Classified(Kind kind, String code, String why) {
    }

    public static Classified classify(String bounceType, String bounceSubType, String status, String diagnosticCode) {
        String subtype = bounceSubType == null ? "" : bounceSubType;
        if (subtype.equals("Suppressed") || subtype.equals("OnAccountSuppressionList")) {
            return new Classified(Kind.SES_SUPPRESSED, null, "SES subtype " + subtype);
        }
        String code = code(status);
        if (code == null || code.equals("5.0.0")) {
            // 5.0.0 is "other": look for a more precise code in the receiver's own words
            String fromText = code(diagnosticCode);
            code = fromText != null ? fromText : code;
        }
        if (!"Permanent".equals(bounceType)) {
            return new Classified(Kind.SOFT, code, "SES bounce type " + bounceType);
        }
        if (subtype.equals("NoEmail")) {
            return new Classified(Kind.HARD, code, "SES subtype NoEmail");
        }
        for (Rule r : RULES) {
            if (r.matches(code)) {
                return new Classified(r.kind(), code, code + ": " + r.meaning());
            }
        }
        if (diagnosticCode != null && NO_SUCH_MAILBOX.matcher(diagnosticCode.toLowerCase(Locale.ROOT)).find()) {
            return new Classified(Kind.HARD, code, "the receiver says the mailbox does not exist");
        }
        return new Classified(Kind.SOFT, code, code == null ? "no status code could be read: soft, never hard when unsure"
                : code + ": not known to mean a dead mailbox: soft, never hard when unsure");
    }

    /** The first enhanced status code in {@code text}, or null. */
    static String code(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = CODE.matcher(text);
        return m.find() ? m.group(1) + "." + Integer.parseInt(m.group(2)) + "." + Integer.parseInt(m.group(3)) : null;
    }
}
