package dev.optout.consent;

import java.util.List;

/**
 * The model's answer to one change: the new state and what happened to each slot it addressed.
 */
public record Outcome(ConsentState state, List<Effect> effects) {
    public Outcome {
        effects = List.copyOf(effects);
    }

    /** Whether any slot changed: the store writes the state only then (the history always). */
    public boolean changed() {
        return effects.stream().anyMatch(Effect::changed);
    }

    /** Whether every effect was refused for lack of authority. */
    public boolean refused() {
        return !effects.isEmpty() && effects.stream().allMatch(e -> e.result() == Effect.Result.REFUSED);
    }

    /** Whether every effect was older than what stands. */
    public boolean stale() {
        return !effects.isEmpty() && effects.stream().allMatch(e -> e.result() == Effect.Result.STALE);
    }
}
