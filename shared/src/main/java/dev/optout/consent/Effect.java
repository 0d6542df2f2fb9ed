package dev.optout.consent;

/**
 * What one change did to one slot, and why: kept with the change in the address history.
 *
 * @param slot   the slot the change addressed ({@code null} for a change to the soft-bounce count)
 * @param result what happened
 * @param why    a sentence a compliance officer can read
 */
public record Effect(Slot slot, Result result, String why) {
    public enum Result {
        /** The slot now says something else. */
        APPLIED,
        /** The slot already said this; the mark now names this latest act. */
        REAFFIRMED,
        /** Older than the slot's latest change: recorded in the history, changes nothing. */
        STALE,
        /** The change's source lacks the authority for this slot: recorded, changes nothing. */
        REFUSED,
        /** A soft bounce counted, or counts cleared by a delivery or a lift. */
        COUNTED,
        /** A finding for the history only (e.g. a send seen while suppressed). */
        RECORDED
    }

    /** Whether the state changed. */
    public boolean changed() {
        return result == Result.APPLIED || result == Result.REAFFIRMED || result == Result.COUNTED;
    }
}
