package dev.optout.pending;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.StaleStateException;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.preferences.PreferenceUpdate;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import dev.optout.topic.UnknownTopicException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a {@link PendingChange} to the table with the rules of the path it came from: a
 * one-click or unsubscribe-page opt-out is applied as {@code UnsubscribeService} applies it; a
 * preference save's opt-outs are planned by {@link PreferenceCenter#plan} against the state at
 * the time of applying (only real differences). All of it in one transaction, at most once per
 * change id, with the original time and source (and the change id as evidence in the history).
 */
public final class PendingChangeApplier {
    /** What applying did. */
    public enum Result {
        APPLIED,
        /** Applied before (a redelivered message): nothing written again. */
        DUPLICATE,
        /** The state already says so (a preference opt-out made some other way meanwhile). */
        NOTHING_TO_CHANGE,
        /**
         * The person made a newer choice of the same scope while the change waited in the queue
         * (resubscribed, opted in to the topic): the queued change is recorded in the history,
         * and changes nothing.
         */
        SUPERSEDED
    }

    /** How often a change is planned again when the state moved between reading and writing. */
    private static final int ATTEMPTS = 3;

    private final SuppressionStore store;
    private final TopicCatalog catalog;
    private final PreferenceCenter center;

    public PendingChangeApplier(SuppressionStore store, TopicCatalog catalog) {
        this.store = Objects.requireNonNull(store);
        this.catalog = Objects.requireNonNull(catalog);
        this.center = new PreferenceCenter(store, catalog);
    }

    /**
     * Every topic is checked against the catalog first, whatever the source: the body comes from a
     * queue, not from a token this service sealed, so a one-click's topic is no more trusted than a
     * preference save's. Nothing is written when one topic is unknown.
     *
     * @throws StoreUnavailableException when the table cannot take it yet (the message is retried)
     * @throws UnknownTopicException     when it names a topic not in the catalog (it never will apply)
     * @throws dev.optout.preferences.PreferenceException when the preference rules refuse it
     */
    public Result apply(PendingChange pending) {
        pending.topics().forEach(catalog::require);
        for (int attempt = 1; ; attempt++) {
            try {
                return applyOnce(pending);
            } catch (StaleStateException e) {
                if (attempt == ATTEMPTS) {
                    throw new StoreUnavailableException("the address kept changing while a pending change was applied; retried later", e);
                }
            }
        }
    }

    /**
     * Time order, not arrival order: the change is placed by the time the person made it, by the
     * store's consent model. What a newer choice of the person superseded is recorded and not
     * applied (the store's verdict); all of it is written conditioned on the version it was planned
     * from.
     */
    private Result applyOnce(PendingChange pending) {
        Provenance p = pending.provenance().withEvidence(Map.of("pendingChangeId", pending.id()));
        AddressState current = store.read(pending.address());
        List<Change> changes;
        if (pending.fromPreferences()) {
            Map<String, Boolean> topics = new LinkedHashMap<>();
            pending.topics().forEach(t -> topics.put(t, false));
            changes = center.plan(current,
                    new PreferenceUpdate(topics, Map.of(), null, pending.unsubscribeAll() ? Boolean.FALSE : null), p);
        } else if (pending.unsubscribeAll()) {
            changes = List.of(Change.unsubscribeAll(p));
        } else {
            changes = pending.topics().stream().map(t -> Change.unsubscribeTopic(t, p)).toList();
        }
        if (changes.isEmpty()) {
            return Result.NOTHING_TO_CHANGE;
        }
        SuppressionStore.Judged written = store.applyAllJudged(pending.address(), changes, idempotencyKey(pending), current.version());
        if (written.result() == ApplyResult.DUPLICATE) {
            return Result.DUPLICATE;
        }
        return written.superseded() ? Result.SUPERSEDED : Result.APPLIED;
    }

    static String idempotencyKey(PendingChange pending) {
        return "pending-change:" + pending.id();
    }
}
