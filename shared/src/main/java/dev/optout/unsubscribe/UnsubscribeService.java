package dev.optout.unsubscribe;

import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChanges;
import dev.optout.preferences.MailStatus;
import dev.optout.preferences.PreferenceException;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkToken;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a person can do with an unsubscribe link: opt out of the link's topic or of all marketing
 * mail, see since when, and undo. Every change is recorded with its provenance: source (one-click
 * or page), time, topic, campaign and the link's issue time.
 *
 * <p>An opt-out the table cannot take (after the SDK's retries) is written to the queue of
 * {@link PendingChanges} instead and answered as {@link Outcome#pending()}: it is never lost. Only
 * when the queue fails too does {@link StoreUnavailableException} surface, and then nothing was
 * changed. A resubscribe is never queued (see {@link #resubscribe}).
 */
public final class UnsubscribeService {
    /** What an opt-out covers. */
    public enum Scope {
        /** The link's topic only. */
        TOPIC,
        /** All marketing mail. */
        ALL;

        /** The scope a link stands for by itself (RFC 8058 one-click): its topic, or all mail when it has none. */
        public static Scope of(LinkToken token) {
            return token.topic() == null ? ALL : TOPIC;
        }
    }

    /**
     * @param scope what is now in effect
     * @param since   when the opt-out began (the first one, when repeated); for a resubscribe, when it happened
     * @param pending the table could not take it: it waits in the queue of pending changes and
     *                takes effect within minutes
     * @param mail    whether marketing mail reaches the address afterwards (and if not, why), or
     *                null when unknown (pending)
     */
    public record Outcome(Scope scope, Instant since, boolean pending, MailStatus mail) {
        public Outcome(Scope scope, Instant since) {
            this(scope, since, false, null);
        }
    }

    /**
     * The person's current opt-outs relevant to this link.
     *
     * @param all   the all-marketing opt-out, or {@code null}
     * @param topic the opt-out of the link's topic, or {@code null} (also when the link has no topic)
     * @param mail  whether marketing mail reaches the address at all (a bounce or a complaint stops
     *              it whatever the person chooses here), as the preference center says it
     */
    public record Status(Mark all, Mark topic, MailStatus mail) {
        public boolean unsubscribed(Scope scope) {
            return scope == Scope.ALL ? all != null : topic != null;
        }
    }

    private final SuppressionStore store;
    private final PendingChanges pending;
    private final Clock clock;
    /** What expires by policy, read as the check reads it: an expired stop is not shown and locks nothing. */
    private final ExpiryPolicy expiry;

    public UnsubscribeService(SuppressionStore store, Clock clock) {
        this(store, PendingChanges.NONE, clock);
    }

    public UnsubscribeService(SuppressionStore store, PendingChanges pending, Clock clock) {
        this(store, pending, clock, ExpiryPolicy.NEVER);
    }

    public UnsubscribeService(SuppressionStore store, PendingChanges pending, Clock clock, ExpiryPolicy expiry) {
        this.store = Objects.requireNonNull(store);
        this.pending = Objects.requireNonNull(pending);
        this.clock = Objects.requireNonNull(clock);
        this.expiry = Objects.requireNonNull(expiry);
    }

    /** Reads only: never changes anything (GET requests use this). */
    public Status status(LinkToken token) {
        AddressState state = store.read(token.address());
        return new Status(state.unsubscribedAll(), token.topic() == null ? null : state.topicOptOuts().get(token.topic()),
                MailStatus.of(state, expiry, clock.instant()));
    }

    /**
     * Opts out with this scope, at once; a repeat keeps the first time. When the table cannot take
     * it, the opt-out goes to the pending-changes queue (answered {@link Outcome#pending()}).
     *
     * @throws StoreUnavailableException only when neither the table nor the queue took it: nothing changed
     */
    public Outcome unsubscribe(LinkToken token, Scope scope, Source source) {
        requireTopic(token, scope);
        Provenance p = provenance(token, source);
        AddressState after;
        try {
            // the state as the write left it: the "since" of an earlier opt-out and the mail status, without a read-back
            after = store.applyAndRead(token.address(), scope == Scope.ALL ? Change.unsubscribeAll(p) : Change.unsubscribeTopic(token.topic(), p));
        } catch (StoreUnavailableException tableFailed) {
            enqueue(PendingChange.of(token.address(), p, scope == Scope.ALL,
                    scope == Scope.ALL ? List.of() : List.of(token.topic())), tableFailed);
            return new Outcome(scope, p.at(), true, null);
        }
        Mark m = scope == Scope.ALL ? after.unsubscribedAll() : after.topicOptOuts().get(token.topic());
        return new Outcome(scope, m == null ? p.at() : m.at(), false, MailStatus.of(after));
    }

    /**
     * Undoes an opt-out with an explicit, recorded action: {@code SUBSCRIBE_TOPIC} for the link's
     * topic, or {@code RESUBSCRIBE_ALL} for all marketing mail; source {@code UNSUBSCRIBE_PAGE}.
     * Never queued: a delayed resubscribe could land after a later opt-out of the same person
     * and lift it, so when the table cannot take it this fails ({@link StoreUnavailableException},
     * nothing changed) and the person retries. A request the consent rules lock (a complaint
     * stands, or the address bounced) is refused ({@link PreferenceException}: {@code COMPLAINT_LOCKED},
     * {@code HARD_BOUNCE_LOCKED}) and writes nothing.
     */
    public Outcome resubscribe(LinkToken token, Scope scope) {
        return resubscribe(token, scope, dev.optout.optin.OptInEvidence.of(dev.optout.optin.OptInEvidence.FORM));
    }

    /** {@link #resubscribe(LinkToken, Scope)}, the opt-in carrying {@code evidence} (the words shown, the network details). */
    public Outcome resubscribe(LinkToken token, Scope scope, dev.optout.optin.OptInEvidence evidence) {
        requireTopic(token, scope);
        AddressState state = store.read(token.address());
        Provenance p = provenance(token, Source.UNSUBSCRIBE_PAGE);
        Change change = dev.optout.optin.OptInEvidence.attach(
                scope == Scope.ALL ? Change.resubscribeAll(p) : Change.subscribeTopic(token.topic(), p), evidence);
        // a stop expired by policy locks nothing: the check lets mail go already
        PreferenceException locked = PreferenceException.lockedOrNull(expiry.standing(state, clock.instant()), change);
        if (locked != null) {
            throw locked;
        }
        store.apply(token.address(), change);
        // the person's RESUBSCRIBE_ALL lifts their own opt-out only; a topic choice changes no address-wide stop
        MailStatus before = MailStatus.of(state, expiry, clock.instant());
        MailStatus after = scope == Scope.ALL && before.kind() == MailStatus.Kind.UNSUBSCRIBED
                ? new MailStatus(MailStatus.Kind.RECEIVING, null, null) : before;
        return new Outcome(scope, p.at(), false, after);
    }

    /** Writes to the queue; if that fails too, the table's failure surfaces (with the queue's attached). */
    private void enqueue(PendingChange change, StoreUnavailableException tableFailed) {
        try {
            pending.enqueue(change);
        } catch (StoreUnavailableException queueFailed) {
            tableFailed.addSuppressed(queueFailed);
            throw tableFailed;
        }
    }

    private Provenance provenance(LinkToken token, Source source) {
        return token.provenance(source, clock.instant());
    }

    private static void requireTopic(LinkToken token, Scope scope) {
        if (scope == Scope.TOPIC && token.topic() == null) {
            throw new IllegalArgumentException("this link names no topic");
        }
    }
}
