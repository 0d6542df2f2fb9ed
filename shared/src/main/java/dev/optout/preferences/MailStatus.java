package dev.optout.preferences;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Mark;
import dev.optout.suppression.SendPolicy;
import java.time.Instant;

/**
 * Whether marketing mail reaches the person at all, and if not why, since when, until when (a
 * stop that expires by policy), and whether they can get it back themselves.
 *
 * @param until when the stop expires by policy and mail may go again ({@link ExpiryPolicy});
 *              {@code null}: it stands until lifted
 */
public record MailStatus(Kind kind, Instant since, String detail, Instant until) {
    public MailStatus(Kind kind, Instant since, String detail) {
        this(kind, since, detail, null);
    }

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

    /** {@link #of(AddressState, ExpiryPolicy, Instant)} with nothing expiring. */
    public static MailStatus of(AddressState s) {
        return of(s, ExpiryPolicy.NEVER, Instant.MIN);
    }

    /**
     * The strongest address-wide stop of {@link SendPolicy} that still stands at {@code now} under
     * {@code policy} (the check's own precedence and expiry), in the person's terms: a stop that
     * expired is not shown, one that will expire says until when.
     */
    public static MailStatus of(AddressState s, ExpiryPolicy policy, Instant now) {
        SendPolicy.Stop stop = SendPolicy.stop(s, policy, now);
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
        Mark m = stop.markIn(s);
        return new MailStatus(kind, m.at(), m.detail(), policy.until(stop, s));
    }
}
