package dev.optout.report;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * How long after an opt-out mail may still go out, by rule. The compliance clock holds the
 * longest opt-out-to-send delay of the period against each.
 */
public enum ComplianceDeadline {
    /** Gmail's email sender guidelines: honour unsubscribes within 48 hours. */
    GMAIL("Gmail", "48 hours", "Gmail email sender guidelines (bulk senders)") {
        @Override
        public Instant deadline(Instant optOut) {
            return optOut.plus(Duration.ofHours(48));
        }
    },
    /** Yahoo's sender best practices: honour unsubscribes within 2 days. */
    YAHOO("Yahoo", "2 days", "Yahoo sender best practices (bulk senders)") {
        @Override
        public Instant deadline(Instant optOut) {
            return optOut.plus(Duration.ofDays(2));
        }
    },
    /** Indonesia's Personal Data Protection Law (UU PDP, Law 27/2022): stop processing within 3×24 hours. */
    UU_PDP("UU PDP", "3\u00d724 hours", "Indonesia UU No. 27/2022 (Pelindungan Data Pribadi)") {
        @Override
        public Instant deadline(Instant optOut) {
            return optOut.plus(Duration.ofHours(72));
        }
    },
    /**
     * CAN-SPAM (15 U.S.C. 7704(a)(4), 16 CFR 316.5): within 10 business days. Counted Monday to
     * Friday in UTC; public holidays are not skipped, which can only make the deadline earlier (stricter).
     */
    CAN_SPAM("CAN-SPAM", "10 business days", "US CAN-SPAM Act, 15 U.S.C. 7704(a)(4)") {
        @Override
        public Instant deadline(Instant optOut) {
            ZonedDateTime t = optOut.atZone(ZoneOffset.UTC);
            int added = 0;
            while (added < 10) {
                t = t.plusDays(1);
                if (t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY) {
                    added++;
                }
            }
            return t.toInstant();
        }
    };

    private final String label;
    private final String limit;
    private final String rule;

    ComplianceDeadline(String label, String limit, String rule) {
        this.label = label;
        this.limit = limit;
        this.rule = rule;
    }

    public String label() {
        return label;
    }

    /** The limit in words, e.g. "48 hours". */
    public String limit() {
        return limit;
    }

    /** Where the rule comes from. */
    public String rule() {
        return rule;
    }

    /** The latest moment mail may still go out after an opt-out at {@code optOut}. */
    public abstract Instant deadline(Instant optOut);

    /** The limit as a duration from {@code optOut} (business days depend on the weekday). */
    public Duration allowance(Instant optOut) {
        return Duration.between(optOut, deadline(optOut));
    }
}
