package dev.optout.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How long after an opt-out mail may still go out, by rule, each with its source. The compliance
 * clock holds every send after an opt-out of the period against each rule that applies
 * ({@link #parse}: configuration chooses them; default all, each judged).
 *
 * <p>Times are counted in UTC. Business days skip Saturdays, Sundays and the public holidays of the
 * rule's jurisdiction ({@link HolidayCalendars}); a deadline of N business days falls at the same
 * time of day on the Nth business day after the opt-out.
 */
public enum ComplianceDeadline {
    /** Gmail's email sender guidelines: honour unsubscribes within 48 hours. */
    GMAIL("Gmail", "48 hours", "Gmail email sender guidelines: bulk senders honour unsubscribes within 48 hours",
            "https://support.google.com/a/answer/81126", null, 0, null, Count.HOURS, 48),
    /** Yahoo's sender best practices: honour unsubscribes within 2 days. */
    YAHOO("Yahoo", "2 days", "Yahoo sender best practices: honour unsubscribe requests within 2 days",
            "https://senders.yahooinc.com/best-practices/", null, 0, null, Count.HOURS, 48),
    /** Indonesia's Personal Data Protection Law: stop processing within 3×24 hours of a withdrawal of consent. */
    UU_PDP("UU PDP", "3\u00d724 hours", "Indonesia UU No. 27/2022 (Pelindungan Data Pribadi) Pasal 40(2): processing stops "
            + "within 3\u00d724 hours of the withdrawal of consent", "https://peraturan.bpk.go.id/Details/229798/uu-no-27-tahun-2022",
            null, 0, null, Count.HOURS, 72),
    /** CAN-SPAM: within 10 business days; the opt-out works for at least 30 days after the message. */
    CAN_SPAM("CAN-SPAM", "10 business days", "US CAN-SPAM Act, 15 U.S.C. 7704(a)(4)(A) (10 business days; business day: "
            + "16 CFR 316.2) and 7704(a)(3)(A)(ii) (the opt-out works for 30 days after the message)",
            "https://www.law.cornell.edu/uscode/text/15/7704", "US", 30, null, Count.BUSINESS_DAYS, 10),
    /** Australia's Spam Act 2003: consent is withdrawn 5 business days after the unsubscribe request; the facility works 30 days. */
    AU_SPAM_ACT("Spam Act (AU)", "5 business days", "Australia Spam Act 2003 (Cth) Schedule 2 cl 6 (an unsubscribe request "
            + "takes effect within 5 business days) and s 18(1)(d) (the facility works for at least 30 days after the message)",
            "https://www.legislation.gov.au/C2004A01214/latest/text", "AU", 30, null, Count.BUSINESS_DAYS, 5),
    /** Canada's anti-spam law: without delay, no later than 10 business days; the mechanism stays valid 60 days. */
    CASL("CASL (CA)", "10 business days", "Canada's Anti-Spam Legislation, S.C. 2010 c. 23, s 11(3) (without delay, no later "
            + "than 10 business days) and s 11(2) (the unsubscribe mechanism stays valid for at least 60 days after the message)",
            "https://laws-lois.justice.gc.ca/eng/acts/E-1.6/", "CA", 60, null, Count.BUSINESS_DAYS, 10),
    /** GDPR Art. 21(3): after an objection to direct marketing, no further processing for it: the same day. */
    GDPR("GDPR (EU)", "same day", "EU GDPR (Regulation 2016/679) Art. 21(2)-(3): after an objection to direct marketing the "
            + "data shall no longer be processed for it", "https://eur-lex.europa.eu/eli/reg/2016/679/oj", null, 0,
            "Art. 21(3) sets no period: the objection takes effect when it is made. Counted as the same UTC day, so that a "
                    + "send already under way when the person objected is not a breach, and any send on a later day is.",
            Count.SAME_DAY, 0),
    /** UK PECR with the Data (Use and Access) Act 2025: no day count ("promptly"); judged as 2 days. */
    UK_PECR("PECR (UK)", "2 days (promptly)", "UK Privacy and Electronic Communications Regulations 2003 reg 22 with UK GDPR "
            + "Art. 21(3), as amended by the Data (Use and Access) Act 2025: an opt-out is honoured promptly",
            "https://ico.org.uk/for-organisations/direct-marketing-and-privacy-and-electronic-communications/", null, 0,
            "The law gives no day count. Judged as 2 days, the strictest figure mailbox providers set (Gmail 48 hours, "
                    + "Yahoo 2 days): a later send is hard to call prompt.", Count.HOURS, 48);

    private enum Count { HOURS, BUSINESS_DAYS, SAME_DAY }

    private final String label;
    private final String limit;
    private final String rule;
    private final String url;
    private final String jurisdiction;
    private final int facilityDays;
    private final String note;
    private final Count count;
    private final int amount;

    ComplianceDeadline(String label, String limit, String rule, String url, String jurisdiction, int facilityDays, String note,
                       Count count, int amount) {
        this.label = label;
        this.limit = limit;
        this.rule = rule;
        this.url = url;
        this.jurisdiction = jurisdiction;
        this.facilityDays = facilityDays;
        this.note = note;
        this.count = count;
        this.amount = amount;
    }

    public String label() {
        return label;
    }

    /** The limit in words, e.g. "48 hours". */
    public String limit() {
        return limit;
    }

    /** Where the rule comes from: the legal citation or the provider's guideline. */
    public String rule() {
        return rule;
    }

    /** Where to read it. */
    public String url() {
        return url;
    }

    /** The calendar its business days skip the holidays of ({@code US}, {@code AU}, {@code CA}), or null. */
    public String jurisdiction() {
        return jurisdiction;
    }

    /** How many days after a message its unsubscribe link must keep working (0: the rule sets none). */
    public int facilityDays() {
        return facilityDays;
    }

    /** Why the limit is read as it is, where the rule gives no number; or null. */
    public String note() {
        return note;
    }

    /** The latest moment mail may still go out after an opt-out at {@code optOut}, with the bundled calendars. */
    public Instant deadline(Instant optOut) {
        return deadline(optOut, HolidayCalendars.bundled());
    }

    /** The latest moment mail may still go out after an opt-out at {@code optOut}. */
    public Instant deadline(Instant optOut, HolidayCalendars calendars) {
        return switch (count) {
            case HOURS -> optOut.plus(Duration.ofHours(amount));
            case SAME_DAY -> optOut.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1);
            case BUSINESS_DAYS -> {
                ZonedDateTime t = optOut.atZone(ZoneOffset.UTC);
                int added = 0;
                while (added < amount) {
                    t = t.plusDays(1);
                    LocalDate day = t.toLocalDate();
                    if (calendars.isBusinessDay(jurisdiction, day)) {
                        added++;
                    }
                }
                yield t.toInstant();
            }
        };
    }

    /** The limit as a duration from {@code optOut} (business days depend on the weekday and holidays). */
    public Duration allowance(Instant optOut) {
        return Duration.between(optOut, deadline(optOut));
    }

    /** The limit as a duration from {@code optOut} with these calendars. */
    public Duration allowance(Instant optOut, HolidayCalendars calendars) {
        return Duration.between(optOut, deadline(optOut, calendars));
    }

    /**
     * The rules a comma-separated list names ({@code GMAIL,CASL}, case and {@code -} for {@code _}
     * forgiven); {@code null}, empty or {@code all}: every rule.
     *
     * @throws IllegalArgumentException naming an unknown rule and the known ones
     */
    public static Set<ComplianceDeadline> parse(String list) {
        if (list == null || list.isBlank() || list.strip().equalsIgnoreCase("all")) {
            return EnumSet.allOf(ComplianceDeadline.class);
        }
        Set<ComplianceDeadline> chosen = EnumSet.noneOf(ComplianceDeadline.class);
        for (String part : list.split(",")) {
            String name = part.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                chosen.add(valueOf(name));
            } catch (IllegalArgumentException e) {
                List<String> known = new ArrayList<>();
                for (ComplianceDeadline d : values()) {
                    known.add(d.name());
                }
                throw new IllegalArgumentException("unknown rule '" + part.strip() + "'; the rules are " + String.join(", ", known)
                        + " (or all)");
            }
        }
        return chosen;
    }
}
