package dev.optout.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A person's consent state as the model sees it: independent slots, each the latest change made
 * to it, plus the soft bounces still counted.
 *
 * @param slots          every slot ever set
 * @param softBounces    the times of soft bounces counted towards the threshold (sorted; only
 *                       those after {@code countsClearedAt})
 * @param countsClearedAt the latest delivery or bounce lift: soft bounces before it no longer count
 * @param version        how many changes have changed this state: a form carries the version it
 *                       was drawn from, and a save from an older version is stale
 */
public record ConsentState(SortedMap<Slot, Entry> slots, List<Instant> softBounces, Instant countsClearedAt, long version) {
    public ConsentState {
        slots = Collections.unmodifiableSortedMap(new TreeMap<>(slots));
        List<Instant> sorted = new ArrayList<>(softBounces);
        Collections.sort(sorted);
        softBounces = List.copyOf(sorted);
    }

    /** An address never seen: nothing set. */
    public static final ConsentState EMPTY = new ConsentState(new TreeMap<>(), List.of(), null, 0);

    public Entry get(Slot slot) {
        return slots.get(slot);
    }

    /** Whether the slot stands at {@link Value#STOP}. */
    public boolean stops(Slot slot) {
        Entry e = slots.get(slot);
        return e != null && e.value() == Value.STOP;
    }

    public boolean forgotten() {
        return stops(Slot.all(Slot.Kind.FORGOTTEN));
    }

    ConsentState with(Slot slot, Entry entry) {
        TreeMap<Slot, Entry> next = new TreeMap<>(slots);
        next.put(slot, entry);
        return new ConsentState(next, softBounces, countsClearedAt, version + 1);
    }

    ConsentState withSoftBounces(List<Instant> bounces, Instant clearedAt, boolean changed) {
        return new ConsentState(slots, bounces, clearedAt, changed ? version + 1 : version);
    }

    /** The slots only, for comparing two states by what they say (not by how many steps led there). */
    public Map<Slot, Entry> marks() {
        return slots;
    }
}
