package dev.optout.consent;

import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import java.util.List;

/**
 * A person's consent state rebuilt from their history: every recorded change, put through the
 * model. The model places each change by the time it was made, so the order the history is read
 * in does not matter, and a change the history records as not applied (older than what stood,
 * or without the authority) is again not applied.
 */
public final class ConsentReplay {
    private ConsentReplay() {
    }

    public static ConsentState of(List<HistoryEvent> history) {
        ConsentState state = ConsentState.EMPTY;
        for (HistoryEvent h : history) {
            state = ConsentModel.apply(state, change(h)).state();
        }
        return state;
    }

    static Change change(HistoryEvent h) {
        Provenance p = new Provenance(h.source(), h.at(), h.campaignId(), h.tokenIssuedAt(), h.evidence(), h.actor(), h.reason());
        return new Change(h.action(), h.topic(), h.frequency(), null, p, null);
    }
}
