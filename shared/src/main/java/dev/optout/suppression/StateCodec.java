package dev.optout.suppression;

import static dev.optout.suppression.TableLayout.*;

import dev.optout.address.EmailAddress;
import dev.optout.consent.ConsentState;
import dev.optout.consent.Entry;
import dev.optout.consent.LegacyMarks;
import dev.optout.consent.Slot;
import dev.optout.consent.Slot.Kind;
import dev.optout.consent.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The state item's layout: the consent model's state in full, and beside it the flat attributes
 * the readers of {@link AddressState} use (the check's projected read above all), derived from
 * that state in the same write so the two never disagree (docs/adr/0106).
 *
 * <pre>
 * slots        M  one entry per slot the model ever set, keyed KIND or KIND#topic:
 *                 {v: STOP|GO, f: frequency?, at, src, cmp?, det?, since}
 * softBounces  SS the soft bounces still counted, one element per bounce: time#n
 * countsCleared S  the latest delivery or bounce lift (soft bounces before it no longer count)
 * ver          N  moved by every write of the state: the version a form was drawn from
 * addr, createdAt, updatedAt
 * unsub, hold, hardBounce, softBounce, complaint, forgotten, O#t, I#t, F#t, freq: derived
 * hardBounceLast S  derived: the latest hard bounce while one stands, when later than the flag's mark
 * xDay         S  derived: the day (UTC) of the latest time a set stop that can expire (hard bounce,
 *                 soft-bounce stop) counts its expiry from: the sparse index the expiry sweep queries
 * </pre>
 *
 * An item written before the model has no {@code slots}: its flat attributes are read into slots
 * by {@link LegacyMarks}, and the next write stores the slots. Attributes this codec does not own
 * are carried over unchanged by a write.
 */
public final class StateCodec {
    /** The model's slots, in full. */
    public static final String SLOTS = "slots";
    /**
     * History items an import wrote into the state before writing them on their own (see
     * {@code ConsentWriter#writeOne}); every later write writes them again, then drops them.
     */
    public static final String OUTBOX = "outbox";
    /** When the soft-bounce count was last cleared. */
    public static final String COUNTS_CLEARED = "countsCleared";

    private StateCodec() {
    }

    /** The consent state an item holds ({@code null} or empty: never seen); its version is the item's {@code ver}. */
    public static ConsentState consent(Map<String, AttributeValue> item) {
        if (item == null || item.isEmpty()) {
            return ConsentState.EMPTY;
        }
        long version = version(item);
        AttributeValue slots = item.get(SLOTS);
        if (slots == null || !slots.hasM()) {
            ConsentState legacy = LegacyMarks.read(decodeState("", item));
            return new ConsentState(new TreeMap<>(legacy.slots()), legacy.softBounces(), null, version);
        }
        TreeMap<Slot, Entry> decoded = new TreeMap<>();
        slots.m().forEach((name, value) -> decoded.put(slot(name), entry(value)));
        List<Instant> soft = new ArrayList<>();
        AttributeValue times = item.get(SOFT_BOUNCE_TIMES);
        if (times != null && times.hasSs()) {
            times.ss().forEach(t -> soft.add(softBounceTime(t)));
        }
        AttributeValue cleared = item.get(COUNTS_CLEARED);
        return new ConsentState(decoded, soft, cleared == null ? null : Instant.parse(cleared.s()), version);
    }

    /** The item's write counter: 0 for an item never written, or written before versions were kept. */
    public static long version(Map<String, AttributeValue> item) {
        AttributeValue v = item == null ? null : item.get(VERSION);
        return v == null ? 0 : Long.parseLong(v.n());
    }

    /**
     * The state item for {@code state}.
     *
     * @param previous the item as read ({@code null}: none): the first-seen time, the address and
     *                 attributes of others are kept; a flat mark that still stands keeps the act
     *                 that set it (the first time is kept, as before)
     * @param address  the address to keep in clear; {@code null} keeps the one the item holds.
     *                 Never written once the state is forgotten
     * @param version  the item's new {@code ver}
     */
    public static Map<String, AttributeValue> encode(String addressKey, Map<String, AttributeValue> previous, ConsentState state,
                                                     EmailAddress address, Instant now, long version) {
        Map<String, AttributeValue> before = previous == null ? Map.of() : previous;
        Map<String, AttributeValue> item = new HashMap<>();
        before.forEach((name, value) -> {
            if (!owned(name)) {
                item.put(name, value);
            }
        });
        item.putAll(stateKey(addressKey));
        item.put(CREATED_AT, before.getOrDefault(CREATED_AT, s(now.toString())));
        item.put(UPDATED_AT, s(now.toString()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(version)));
        if (!state.forgotten()) {
            if (address != null) {
                item.put(ADDRESS, s(address.value()));
            } else if (before.containsKey(ADDRESS)) {
                item.put(ADDRESS, before.get(ADDRESS));
            }
        }
        Map<String, AttributeValue> slots = new HashMap<>();
        state.slots().forEach((slot, entry) -> slots.put(name(slot), entry(entry)));
        item.put(SLOTS, AttributeValue.fromM(slots));
        if (!state.softBounces().isEmpty()) {
            item.put(SOFT_BOUNCE_TIMES, AttributeValue.fromSs(softBounceEntries(state.softBounces())));
        }
        if (state.countsClearedAt() != null) {
            item.put(COUNTS_CLEARED, s(state.countsClearedAt().toString()));
        }
        derive(item, before, state);
        Instant expiryFrom = expiryCountsFrom(decodeState(addressKey, item));
        if (expiryFrom != null) {
            item.put(EXPIRY_DAY, s(LocalDate.ofInstant(expiryFrom, ZoneOffset.UTC).toString()));
        }
        return item;
    }

    /**
     * The sparse expiry index's time: the latest time a stop that can expire (a hard bounce, a
     * soft-bounce stop) counts its expiry from, read from the flat attributes as the check reads
     * them; {@code null} when none is set. The latest, so that a stop set after another expired
     * (a re-test that bounced softly after a hard bounce expired) is found when it is due; the
     * sweep judges every stop of the item when it visits it, and records each expiry once.
     */
    static Instant expiryCountsFrom(AddressState derived) {
        Instant latest = null;
        for (SendPolicy.Stop stop : ExpiryPolicy.EXPIRING) {
            Instant from = ExpiryPolicy.countsFrom(stop, derived);
            if (from != null && (latest == null || from.isAfter(latest))) {
                latest = from;
            }
        }
        return latest;
    }

    /** The flat attributes of {@link AddressState}, derived from the slots. */
    private static void derive(Map<String, AttributeValue> item, Map<String, AttributeValue> before, ConsentState state) {
        flag(item, before, UNSUBSCRIBED_ALL, stop(state, Slot.all(Kind.PERSON_CHOICE)));
        flag(item, before, OPERATOR_HOLD, stop(state, Slot.all(Kind.OPERATOR_HOLD)));
        Entry hard = stop(state, Slot.all(Kind.HARD_BOUNCE));
        flag(item, before, HARD_BOUNCE, hard);
        if (hard != null && hard.mark().at().isAfter(hard.since())) {
            // a bounce again while it stands: the flag keeps the first, the expiry counts from the latest
            item.put(HARD_BOUNCE_LAST, s(hard.mark().at().toString()));
        }
        flag(item, before, SOFT_BOUNCE, stop(state, Slot.all(Kind.SOFT_BOUNCE_STOP)));
        flag(item, before, COMPLAINT, stop(state, Slot.all(Kind.COMPLAINT)));
        flag(item, before, FORGOTTEN, stop(state, Slot.all(Kind.FORGOTTEN)));
        for (Map.Entry<Slot, Entry> e : state.slots().entrySet()) {
            Slot slot = e.getKey();
            Entry entry = e.getValue();
            if (slot.allMail()) {
                if (slot.kind() == Kind.FREQUENCY && entry.frequency() != null) {
                    item.put(FREQUENCY, s(entry.frequency().name()));
                }
                continue;
            }
            switch (slot.kind()) {
                // the person's own topic opt-out first; an operator's topic hold where the person has none
                case PERSON_CHOICE -> flag(item, before, (entry.value() == Value.STOP ? TOPIC_OPT_OUT : TOPIC_OPT_IN) + slot.topic(), entry);
                case OPERATOR_HOLD -> {
                    if (entry.value() == Value.STOP && !state.stops(Slot.topic(Kind.PERSON_CHOICE, slot.topic()))) {
                        flag(item, before, TOPIC_OPT_OUT + slot.topic(), entry);
                    }
                }
                case FREQUENCY -> {
                    if (entry.frequency() != null) {
                        item.put(TOPIC_FREQUENCY + slot.topic(), s(entry.frequency().name()));
                    }
                }
                default -> throw new IllegalStateException("address-wide slot with a topic: " + slot);
            }
        }
    }

    private static Entry stop(ConsentState state, Slot slot) {
        return state.stops(slot) ? state.get(slot) : null;
    }

    /**
     * A flat mark: the one already written while the same run of the slot's value stands (it
     * names the act that began it), else the slot's latest act dated from when the value began.
     */
    private static void flag(Map<String, AttributeValue> item, Map<String, AttributeValue> before, String attribute, Entry entry) {
        if (entry == null) {
            return;
        }
        Mark kept = mark(before.get(attribute));
        if (kept != null && kept.source() != Source.CONFIRMED_OPT_IN && entry.mark().source() == Source.CONFIRMED_OPT_IN) {
            // an opt-in the person later confirmed: the flag names the confirmation, which the check's
            // confirmed-consent rule reads (the standing mark would leave the topic NOT_CONFIRMED)
            item.put(attribute, markValue(entry.mark()));
        } else if (kept != null && kept.at().equals(entry.since())) {
            item.put(attribute, markValue(kept));
        } else {
            Mark m = entry.mark();
            item.put(attribute, markValue(new Mark(entry.since(), m.source(), m.campaignId(), m.detail())));
        }
    }

    /** Whether the attribute is this codec's to write (anything else on the item is carried over). */
    static boolean owned(String name) {
        return OWNED.contains(name) || name.startsWith(TOPIC_OPT_OUT) || name.startsWith(TOPIC_OPT_IN) || name.startsWith(TOPIC_FREQUENCY);
    }

    private static final Set<String> OWNED = Set.of(PK, SK, ADDRESS, CREATED_AT, UPDATED_AT, VERSION, SLOTS, SOFT_BOUNCE_TIMES,
            COUNTS_CLEARED, OUTBOX, UNSUBSCRIBED_ALL, OPERATOR_HOLD, HARD_BOUNCE, HARD_BOUNCE_LAST, SOFT_BOUNCE, COMPLAINT, FORGOTTEN,
            FREQUENCY, EXPIRY_DAY);

    /** One element per counted bounce: equal times stay distinct ({@code time#n}, n counting equal times). */
    static List<String> softBounceEntries(List<Instant> sorted) {
        List<String> entries = new ArrayList<>(sorted.size());
        Instant last = null;
        int n = 0;
        for (Instant t : sorted) {
            n = t.equals(last) ? n + 1 : 0;
            last = t;
            entries.add(softBounceEntry(t, Integer.toString(n)));
        }
        return entries;
    }

    static String name(Slot slot) {
        return slot.allMail() ? slot.kind().name() : slot.kind().name() + "#" + slot.topic();
    }

    static Slot slot(String name) {
        int hash = name.indexOf('#');
        return hash < 0 ? Slot.all(Kind.valueOf(name)) : Slot.topic(Kind.valueOf(name.substring(0, hash)), name.substring(hash + 1));
    }

    static AttributeValue entry(Entry e) {
        Map<String, AttributeValue> m = new HashMap<>(markValue(e.mark()).m());
        m.put("v", s(e.value().name()));
        m.put("since", s(e.since().toString()));
        if (e.frequency() != null) {
            m.put("f", s(e.frequency().name()));
        }
        return AttributeValue.fromM(m);
    }

    static Entry entry(AttributeValue v) {
        Map<String, AttributeValue> m = v.m();
        AttributeValue f = m.get("f");
        return new Entry(Value.valueOf(m.get("v").s()), f == null ? null : Frequency.valueOf(f.s()), mark(v),
                Instant.parse(m.get("since").s()));
    }
}
