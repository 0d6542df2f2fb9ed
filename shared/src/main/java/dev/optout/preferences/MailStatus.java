package dev.optout.preferences;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import dev.optout.suppression.SendPolicy;
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
        /** The sender's team paused marketing mail to the address (an operator's hold). */
        HELD,
        /** The person marked a message as spam; a link does not lift it. */
        COMPLAINED,
        /** Mail to the address bounced several times; the person can say it works again. */
        SOFT_BOUNCED,
        /** The address does not accept mail; only an operator can lift this. */
        BOUNCED
    }

    public boolean receiving() {
        return kind == Kind.RECEIVING;
    }

    /**
     * Whether the person can opt back in through their link: only from their own opt-out. A
     * complaint and a bounce are not lifted through a link (see the consent rules).
     */
    public boolean canResume() {
        return kind == Kind.UNSUBSCRIBED;
    }

    /** The strongest address-wide stop of {@link SendPolicy} (the check's own precedence), in the person's terms. */
    public static MailStatus of(AddressState s) {
        SendPolicy.Stop stop = SendPolicy.stop(s);
        if (stop == null) {
            return new MailStatus(Kind.RECEIVING, null, null);
        }
        Kind kind = switch (stop) {
            case HARD_BOUNCE -> Kind.BOUNCED;
            case SOFT_BOUNCE -> Kind.SOFT_BOUNCED;
            case COMPLAINT -> Kind.COMPLAINED;
            case UNSUBSCRIBED_ALL -> Kind.UNSUBSCRIBED;
            case OPERATOR_HOLD -> Kind.HELD;
        };
        return from(kind, stop.markIn(s));
    }

    private static MailStatus from(Kind kind, Mark m) {
        return new MailStatus(kind, m.at(), m.detail());
    }
}
