package dev.optout.consent;

import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the marks of an item written before the model (one mark per flag, an operator's opt-out
 * and the person's in the same attribute) into the model's slots. An opt-out whose mark names
 * the operator becomes the operator's hold; any other is the person's own choice.
 */
public final class LegacyMarks {
    private LegacyMarks() {
    }

    public static ConsentState read(AddressState state) {
        TreeMap<Slot, Entry> slots = new TreeMap<>();
        if (state.unsubscribedAll() != null) {
            Mark m = state.unsubscribedAll();
            slots.put(Slot.all(m.source() == Source.OPERATOR ? Kind.OPERATOR_HOLD : Kind.PERSON_CHOICE), stop(m));
        }
        if (state.operatorHold() != null) {
            slots.put(Slot.all(Kind.OPERATOR_HOLD), stop(state.operatorHold()));
        }
        put(slots, Slot.all(Kind.HARD_BOUNCE), state.hardBounce());
        put(slots, Slot.all(Kind.SOFT_BOUNCE_STOP), state.softBounce());
        put(slots, Slot.all(Kind.COMPLAINT), state.complaint());
        put(slots, Slot.all(Kind.FORGOTTEN), state.forgotten());
        for (Map.Entry<String, Mark> e : state.topicOptOuts().entrySet()) {
            Mark m = e.getValue();
            slots.put(Slot.topic(m.source() == Source.OPERATOR ? Kind.OPERATOR_HOLD : Kind.PERSON_CHOICE, e.getKey()), stop(m));
        }
        for (Map.Entry<String, Mark> e : state.topicOptIns().entrySet()) {
            Slot slot = Slot.topic(Kind.PERSON_CHOICE, e.getKey());
            slots.putIfAbsent(slot, new Entry(Value.GO, null, e.getValue(), e.getValue().at()));
        }
        Instant at = state.updatedAt() == null ? Instant.EPOCH : state.updatedAt();
        Mark unknownOrigin = new Mark(at, Source.PREFERENCE_CENTER, null, null);
        if (state.frequency() != null) {
            slots.put(Slot.all(Kind.FREQUENCY), new Entry(Value.GO, state.frequency(), unknownOrigin, at));
        }
        state.topicFrequency().forEach((topic, f) -> slots.put(Slot.topic(Kind.FREQUENCY, topic), new Entry(Value.GO, f, unknownOrigin, at)));
        return new ConsentState(slots, state.softBounceTimes(), null, 0);
    }

    private static void put(TreeMap<Slot, Entry> slots, Slot slot, Mark mark) {
        if (mark != null) {
            slots.put(slot, stop(mark));
        }
    }

    private static Entry stop(Mark m) {
        return new Entry(Value.STOP, null, m, m.at());
    }
}
