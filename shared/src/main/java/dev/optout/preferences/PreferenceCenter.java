package dev.optout.preferences;


import dev.optout.address.EmailAddress;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChanges;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The preference center's rules: what a person sees, and which changes a submitted choice makes.
 * Only real differences become changes (each one recorded in the history with its source), so
 * saving an unchanged form writes nothing.
 */
public final class PreferenceCenter {
    /** How many history events the page shows. */
    public static final int HISTORY_SHOWN = 10;

    private final SuppressionStore store;
    private final TopicCatalog catalog;
    private final PendingChanges pending;
    /** What expires by policy, read as the check reads it: an expired stop is not shown and locks nothing. */
    private final ExpiryPolicy expiry;
    private final Clock clock;
    private final dev.optout.erasure.Eraser erasure;

    public PreferenceCenter(SuppressionStore store, TopicCatalog catalog) {
        this(store, catalog, PendingChanges.NONE);
    }

    /** Nothing expires (the pending-changes applier only opts out); erasure reaches the table only (no SES list, no queues named). */
    public PreferenceCenter(SuppressionStore store, TopicCatalog catalog, PendingChanges pending) {
        this(store, catalog, pending, ExpiryPolicy.NEVER, Clock.systemUTC(), dev.optout.erasure.Eraser.tableOnly(store));
    }

    /** Erasure reaches the table only (no SES list, no queues named). */
    public PreferenceCenter(SuppressionStore store, TopicCatalog catalog, PendingChanges pending, ExpiryPolicy expiry, Clock clock) {
        this(store, catalog, pending, expiry, clock, dev.optout.erasure.Eraser.tableOnly(store));
    }

    /** Nothing expires. */
    public PreferenceCenter(SuppressionStore store, TopicCatalog catalog, PendingChanges pending, dev.optout.erasure.Eraser erasure) {
        this(store, catalog, pending, ExpiryPolicy.NEVER, Clock.systemUTC(), erasure);
    }

    /**
     * @param expiry  what expires by policy, as the check reads it
     * @param erasure the erasure "Erase me" makes: the same as {@code ./optout forget}'s ({@link dev.optout.erasure.AddressErasure})
     */
    public PreferenceCenter(SuppressionStore store, TopicCatalog catalog, PendingChanges pending, ExpiryPolicy expiry, Clock clock,
            dev.optout.erasure.Eraser erasure) {
        this.store = Objects.requireNonNull(store);
        this.catalog = Objects.requireNonNull(catalog);
        this.pending = Objects.requireNonNull(pending);
        this.expiry = Objects.requireNonNull(expiry);
        this.clock = Objects.requireNonNull(clock);
        this.erasure = Objects.requireNonNull(erasure);
    }

    /** The person's mail status now: the check's precedence and expiry. */
    private MailStatus status(AddressState state) {
        return MailStatus.of(state, expiry, clock.instant());
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    public Preferences load(EmailAddress address) {
        AddressState state = store.read(address);
        return view(address, state);
    }

    private Preferences view(EmailAddress address, AddressState state) {
        List<Preferences.TopicChoice> topics = new ArrayList<>();
        dev.optout.consent.ConsentState consent = dev.optout.consent.LegacyMarks.read(state);
        for (Topic t : catalog.all()) {
            boolean chosen = SendPolicy.topicChosen(state, t);
            topics.add(new Preferences.TopicChoice(t, chosen, state.frequencyFor(t.id()),
                    state.topicFrequency().containsKey(t.id()), chosen && unconfirmed(consent, t)));
        }
        return new Preferences(address.masked(), status(state), topics,
                state.frequency() == null ? Frequency.IMMEDIATE : state.frequency(),
                state.exists() ? store.history(address, HISTORY_SHOWN) : List.of(), state);
    }

    /**
     * A topic that needs confirmed consent whose opt-in was not confirmed by mail: the person ticked
     * it (or it was recorded for them), but the check answers {@code NOT_CONFIRMED} (the rule of
     * {@link dev.optout.consent.ConsentModel#decide}).
     */
    static boolean unconfirmed(dev.optout.consent.ConsentState consent, Topic t) {
        if (!t.needsConfirmation()) {
            return false;
        }
        dev.optout.consent.Entry choice = consent.get(dev.optout.consent.Slot.topic(dev.optout.consent.Slot.Kind.PERSON_CHOICE, t.id()));
        return choice == null || choice.value() != dev.optout.consent.Value.GO
                || choice.mark().source() != dev.optout.suppression.Source.CONFIRMED_OPT_IN;
    }

    /** The changes that turn {@code current} into what {@code update} asks for, in the order to apply them. */
    public List<Change> plan(AddressState current, PreferenceUpdate update, Provenance provenance) {
        List<Change> changes = new ArrayList<>();
        MailStatus status = status(current);
        if (Boolean.TRUE.equals(update.receiveMarketing()) && !status.receiving()) {
            Change resubscribe = Change.resubscribeAll(provenance);
            // a stop expired by policy locks nothing: the check lets mail go already
            PreferenceException locked = PreferenceException.lockedOrNull(expiry.standing(current, clock.instant()), resubscribe);
            if (locked != null) {
                throw locked;
            }
            changes.add(resubscribe);
        }
        for (Map.Entry<String, Boolean> e : update.topics().entrySet()) {
            Topic topic = topic(e.getKey());
            boolean chosen = SendPolicy.topicChosen(current, topic);
            if (e.getValue() && !chosen) {
                changes.add(Change.subscribeTopic(topic.id(), provenance));
            } else if (!e.getValue() && chosen) {
                changes.add(Change.unsubscribeTopic(topic.id(), provenance));
            }
        }
        if (update.frequency() != null && update.frequency() != current.frequency()
                && !(current.frequency() == null && update.frequency() == Frequency.IMMEDIATE)) {
            changes.add(Change.frequency(null, update.frequency(), provenance));
        }
        Frequency overall = update.frequency() != null ? update.frequency()
                : current.frequency() != null ? current.frequency() : Frequency.IMMEDIATE;
        for (Map.Entry<String, Frequency> e : update.topicFrequency().entrySet()) {
            Topic topic = topic(e.getKey());
            Frequency explicit = current.topicFrequency().get(topic.id());
            // A topic gets its own frequency only when it differs from what it would get anyway.
            if (explicit != null ? e.getValue() != explicit : e.getValue() != overall) {
                changes.add(Change.frequency(topic.id(), e.getValue(), provenance));
            }
        }
        for (String id : update.sameAsOverall()) {
            if (current.topicFrequency().containsKey(topic(id).id()) && !update.topicFrequency().containsKey(id)) {
                changes.add(Change.clearFrequency(id, provenance));
            }
        }
        if (Boolean.FALSE.equals(update.receiveMarketing()) && current.unsubscribedAll() == null) {
            changes.add(Change.unsubscribeAll(provenance));
        }
        return changes;
    }

    /**
     * Applies what the person asked for, all of it in one transaction (or nothing); answers the
     * changes made and the new view.
     *
     * <p>When the table cannot be read or written, the opt-outs in the update (topics unticked,
     * "unsubscribe from all") go to the queue of pending changes, answered as
     * {@link Outcome#pending()} with no view; everything else in it (opt-ins, frequencies) is not
     * saved. An update with no opt-out in it, or a queue that fails too, is a
     * {@link StoreUnavailableException}: nothing changed.
     */
    public Outcome save(EmailAddress address, PreferenceUpdate update, Provenance provenance) {
        return save(address, update, provenance, c -> dev.optout.optin.OptInEvidence.of(dev.optout.optin.OptInEvidence.API));
    }

    /**
     * {@link #save(EmailAddress, PreferenceUpdate, Provenance)} with each opt-in (a topic ticked,
     * "get mail again") carrying its proof: {@code evidence} answers it per change.
     */
    public Outcome save(EmailAddress address, PreferenceUpdate update, Provenance provenance,
                        java.util.function.Function<Change, dev.optout.optin.OptInEvidence> evidence) {
        AddressState current;
        List<Change> changes;
        try {
            current = store.read(address);
            if (update.version() != null && update.version() != current.version()) {
                throw stale(update.version(), current.version());
            }
            changes = dev.optout.optin.OptInEvidence.attach(plan(current, update, provenance), evidence);
            if (!changes.isEmpty()) {
                store.applyAll(address, changes, null, update.version());
            }
        } catch (dev.optout.suppression.StaleStateException e) {
            throw stale(e.expected(), e.current());
        } catch (StoreUnavailableException tableFailed) {
            return queueOptOuts(address, update, provenance, tableFailed);
        }
        return new Outcome(changes, changes.isEmpty() ? view(address, current) : load(address), null);
    }

    private static PreferenceException stale(long drawnFrom, long now) {
        return new PreferenceException(PreferenceException.Code.STALE, "your settings changed since this form was opened "
                + "(version " + drawnFrom + ", now " + now + "); nothing was saved. Here they are as they are now: choose again");
    }

    private Outcome queueOptOuts(EmailAddress address, PreferenceUpdate update, Provenance provenance,
                                 StoreUnavailableException tableFailed) {
        List<String> topicsOff = new ArrayList<>();
        update.topics().forEach((id, wanted) -> {
            if (!wanted) {
                topicsOff.add(topic(id).id());
            }
        });
        boolean allOff = Boolean.FALSE.equals(update.receiveMarketing());
        if (topicsOff.isEmpty() && !allOff) {
            throw tableFailed;
        }
        PendingChange change = PendingChange.of(address, provenance, allOff, topicsOff);
        try {
            pending.enqueue(change);
        } catch (StoreUnavailableException queueFailed) {
            tableFailed.addSuppressed(queueFailed);
            throw tableFailed;
        }
        List<Change> queued = new ArrayList<>();
        topicsOff.forEach(t -> queued.add(Change.unsubscribeTopic(t, provenance)));
        if (allOff) {
            queued.add(Change.unsubscribeAll(provenance));
        }
        return new Outcome(queued, null, change);
    }

    /** Records a data request this center served, for the report (no address kept: {@link dev.optout.suppression.DataRequest}). */
    public void record(dev.optout.suppression.DataRequest request) {
        store.recordDataRequest(request);
    }

    /** The person's own data ("Download my data"): {@link PersonalData} of this address only. */
    public com.fasterxml.jackson.databind.node.ObjectNode personalData(EmailAddress address) {
        AddressState state = store.read(address);
        return PersonalData.of(address, state, catalog, state.exists() ? store.fullHistory(address) : List.of());
    }

    /**
     * The person's own erasure ("Erase me"): an opt-out of all marketing mail of the person's own
     * (so it is never mailed again), then the same erasure as {@code ./optout forget}
     * ({@link dev.optout.erasure.AddressErasure}): the address and evidence naming it leave the table, its
     * keyed hash and marks stay, no later change writes it back, it leaves the SES account
     * suppression list where the target mirrors to it, and the queues that may still hold a copy
     * are named with the time their copies are gone.
     */
    public dev.optout.erasure.AddressErasure.Result erase(EmailAddress address, Provenance provenance) {
        AddressState state = store.read(address);
        if (state.unsubscribedAll() == null) {
            store.apply(address, Change.unsubscribeAll(provenance));
        }
        return erasure.forget(address, provenance);
    }

    private Topic topic(String id) {
        return catalog.find(id).orElseThrow(() -> new PreferenceException(PreferenceException.Code.UNKNOWN_TOPIC,
                "unknown topic '" + id + "'"));
    }

    /**
     * @param changes     the changes made (or, when pending, the opt-outs queued)
     * @param preferences the new view; null when pending
     * @param pending     the opt-outs waiting in the queue of pending changes (they take effect
     *                    within minutes), or null when the table took the save
     */
    public record Outcome(List<Change> changes, Preferences preferences, PendingChange pending) {
        public boolean isPending() {
            return pending != null;
        }
    }
}
