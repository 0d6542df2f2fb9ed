package dev.optout.inbound;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One mail Amazon SES received for the unsubscribe domain, as its receipt event for a Lambda
 * action describes it (no body: SES never passes it to a Lambda action, and none is needed).
 *
 * @param messageId      SES's id of the received message ({@code mail.messageId})
 * @param timestamp      when SES received it
 * @param envelopeSender the SMTP MAIL FROM ({@code mail.source}), which SPF checks
 * @param from           the From header's addresses ({@code mail.commonHeaders.from}), as written
 * @param recipients     the recipients the receipt rule matched ({@code receipt.recipients})
 */
public record ReceivedMail(String messageId, Instant timestamp, String envelopeSender, List<String> from,
                           List<String> recipients, Verdicts verdicts) {
    public ReceivedMail {
        Objects.requireNonNull(messageId, "messageId");
        from = List.copyOf(from);
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(verdicts, "verdicts");
    }

    /** SES's verdicts ({@code receipt.*Verdict.status}). */
    public record Verdicts(Verdict spam, Verdict virus, Verdict spf, Verdict dkim, Verdict dmarc) {
        /** Not spam, no virus (both an explicit PASS). */
        public boolean clean() {
            return spam == Verdict.PASS && virus == Verdict.PASS;
        }

        /** SPF, DKIM or DMARC passed: the mail comes from where it says, as far as any of them can tell. */
        public boolean authenticated() {
            return spf == Verdict.PASS || dkim == Verdict.PASS || dmarc == Verdict.PASS;
        }

        /** As kept in the history: {@code spam}, {@code virus}, {@code spf}, {@code dkim}, {@code dmarc}. */
        public Map<String, String> asEvidence() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("spam", spam.name());
            m.put("virus", virus.name());
            m.put("spf", spf.name());
            m.put("dkim", dkim.name());
            m.put("dmarc", dmarc.name());
            return m;
        }
    }
}
