package dev.optout.preferences;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import java.time.Instant;

/**
 * Whether marketing mail reaches the person at all, and if not why, since when, and whether
 * they can get it back themselves.
 */
public record MailStatus(Kind kind, Instant since, String detail) {
    public enum Kind {
        /** Marketing mail is sent, per topic choices. */
        RECEIVING,
        /** The person unsubscribed from all marketing mail; they can opt back in. */
        UNSUBSCRIBED,
        /** The person marked a message as spam; they can opt back in. */
        COMPLAINED,
        /** Mail to the address bounced several times; the person can say it works again. */
        SOFT_BOUNCED,
        /** The address does not accept mail; only an operator can lift this. */
        BOUNCED
    }

    public boolean receiving() {
        return kind == Kind.RECEIVING;
    }

    /** Whether the person can opt back in from the preference center. */
    public boolean canResume() {
        return kind != Kind.RECEIVING && kind != Kind.BOUNCED;
    }

    /** Same precedence as {@link dev.optout.suppression.SendPolicy}. */
    public static MailStatus of(AddressState s) {
        if (s.hardBounce() != null) {
            return from(Kind.BOUNCED, s.hardBounce());
        }
        if (s.softBounce() != null) {
            return from(Kind.SOFT_BOUNCED, s.softBounce());
        }
        if (s.complaint() != null) {
            return from(Kind.COMPLAINED, s.complaint());
        }
        if (s.unsubscribedAll() != null) {
            return from(Kind.UNSUBSCRIBED, s.unsubscribedAll());
        }
        return new MailStatus(Kind.RECEIVING, null, null);
    }

    private static MailStatus from(Kind kind, Mark m) {
        return new MailStatus(kind, m.at(), m.detail());
    }
}
