package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.consent.ConsentState;
import dev.optout.consent.Entry;
import dev.optout.consent.LegacyMarks;
import dev.optout.consent.Slot;
import dev.optout.consent.Slot.Kind;
import dev.optout.consent.Value;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The state item's layout, without a table: what is written reads back as the same state. */
class StateCodecTest {
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-05T00:00:00Z");
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");

    private static Entry entry(Value v, Frequency f, Source source, long at, long since, String campaign, String detail) {
        return new Entry(v, f, new Mark(T.plusSeconds(at), source, campaign, detail), T.plusSeconds(since));
    }

    private static ConsentState full() {
        TreeMap<Slot, Entry> slots = new TreeMap<>();
        slots.put(Slot.all(Kind.PERSON_CHOICE), entry(Value.STOP, null, Source.ONE_CLICK, 90, 10, "c1", null));
        slots.put(Slot.all(Kind.OPERATOR_HOLD), entry(Value.GO, null, Source.OPERATOR, 20, 20, null, "lifted"));
        slots.put(Slot.topic(Kind.PERSON_CHOICE, "newsletter"), entry(Value.GO, null, Source.PREFERENCE_CENTER, 30, 30, null, null));
        slots.put(Slot.topic(Kind.PERSON_CHOICE, "promotions"), entry(Value.STOP, null, Source.PREFERENCE_API, 40, 40, null, null));
        slots.put(Slot.topic(Kind.OPERATOR_HOLD, "promotions"), entry(Value.STOP, null, Source.OPERATOR, 45, 45, null, null));
        slots.put(Slot.topic(Kind.OPERATOR_HOLD, "events"), entry(Value.STOP, null, Source.OPERATOR, 46, 46, null, "held"));
        slots.put(Slot.all(Kind.FREQUENCY), entry(Value.GO, Frequency.MONTHLY, Source.PREFERENCE_CENTER, 50, 50, null, null));
        slots.put(Slot.topic(Kind.FREQUENCY, "newsletter"), entry(Value.GO, Frequency.WEEKLY, Source.PREFERENCE_CENTER, 51, 51, null, null));
        slots.put(Slot.topic(Kind.FREQUENCY, "events"), entry(Value.GO, null, Source.PREFERENCE_CENTER, 52, 52, null, null));
        slots.put(Slot.all(Kind.COMPLAINT), entry(Value.STOP, null, Source.SES_COMPLAINT, 60, 60, "c2", "abuse"));
        slots.put(Slot.all(Kind.HARD_BOUNCE), entry(Value.GO, null, Source.OPERATOR, 70, 70, null, null));
        slots.put(Slot.all(Kind.SOFT_BOUNCE_STOP), entry(Value.STOP, null, Source.SES_BOUNCE, 80, 80, null, "Transient/General"));
        List<Instant> soft = List.of(T.plusSeconds(100), T.plusSeconds(100), T.plusSeconds(101));
        return new ConsentState(slots, soft, T.plusSeconds(99), 7);
    }

    @Test
    void everySlotTheSoftBouncesTheClearedTimeAndTheVersionReadBackAsWritten() {
        ConsentState state = full();
        Map<String, AttributeValue> item = StateCodec.encode("k1", null, state, ANA, NOW, 7);

        ConsentState read = StateCodec.consent(item);

        assertThat(read.slots()).isEqualTo(state.slots());
        assertThat(read.softBounces()).as("two bounces at one instant stay two").isEqualTo(state.softBounces());
        assertThat(read.countsClearedAt()).isEqualTo(T.plusSeconds(99));
        assertThat(read.version()).isEqualTo(7);
    }

    @Test
    void anOptInConfirmedLaterIsNamedByItsConfirmationInTheFlagTheCheckReads() {
        TreeMap<Slot, Entry> single = new TreeMap<>();
        single.put(Slot.topic(Kind.PERSON_CHOICE, "events"), entry(Value.GO, null, Source.PREFERENCE_CENTER, 10, 10, null, null));
        Map<String, AttributeValue> before = StateCodec.encode("k1", null, new ConsentState(single, List.of(), null, 1), ANA, NOW, 1);
        TreeMap<Slot, Entry> confirmed = new TreeMap<>();
        // the model reaffirms the standing opt-in: the mark names the latest act (the confirmation), since stays
        confirmed.put(Slot.topic(Kind.PERSON_CHOICE, "events"), entry(Value.GO, null, Source.CONFIRMED_OPT_IN, 20, 10, null, null));

        Map<String, AttributeValue> item = StateCodec.encode("k1", before, new ConsentState(confirmed, List.of(), null, 1), ANA, NOW, 2);

        assertThat(TableLayout.decodeState("k1", before).topicOptIns().get("events").source()).isEqualTo(Source.PREFERENCE_CENTER);
        assertThat(TableLayout.decodeState("k1", item).topicOptIns().get("events").source()).isEqualTo(Source.CONFIRMED_OPT_IN);
    }

    @Test
    void theFlatAttributesTheCheckReadsAreDerivedFromTheSlots() {
        Map<String, AttributeValue> item = StateCodec.encode("k1", null, full(), ANA, NOW, 7);

        AddressState flat = TableLayout.decodeState("k1", item);

        assertThat(flat.address()).isEqualTo("ana@example.com");
        assertThat(flat.unsubscribedAll()).as("dated from when the opt-out began")
                .isEqualTo(new Mark(T.plusSeconds(10), Source.ONE_CLICK, "c1", null));
        assertThat(flat.operatorHold()).as("a lifted hold").isNull();
        assertThat(flat.complaint()).isEqualTo(new Mark(T.plusSeconds(60), Source.SES_COMPLAINT, "c2", "abuse"));
        assertThat(flat.hardBounce()).as("a lifted bounce").isNull();
        assertThat(flat.softBounce()).isNotNull();
        assertThat(flat.forgotten()).isNull();
        assertThat(flat.topicOptOuts()).containsOnlyKeys("promotions", "events");
        assertThat(flat.topicOptOuts().get("promotions").source()).as("the person's own opt-out first").isEqualTo(Source.PREFERENCE_API);
        assertThat(flat.topicOptOuts().get("events").source()).isEqualTo(Source.OPERATOR);
        assertThat(flat.topicOptIns()).containsOnlyKeys("newsletter");
        assertThat(flat.frequency()).isEqualTo(Frequency.MONTHLY);
        assertThat(flat.topicFrequency()).isEqualTo(Map.of("newsletter", Frequency.WEEKLY));
        assertThat(flat.softBounceTimes()).containsExactly(T.plusSeconds(100), T.plusSeconds(100), T.plusSeconds(101));
        assertThat(flat.version()).isEqualTo(7);
        assertThat(flat.updatedAt()).isEqualTo(NOW);
    }

    @Test
    void aMarkThatStillStandsKeepsTheActThatBeganItAndALiftedOneGoes() {
        Map<String, AttributeValue> first = StateCodec.encode("k1", null, full(), ANA, T, 7);
        Map<String, AttributeValue> previous = new HashMap<>(first);
        previous.put(TableLayout.UNSUBSCRIBED_ALL, TableLayout.markValue(new Mark(T.plusSeconds(10), Source.UNSUBSCRIBE_PAGE, "c0", null)));
        TreeMap<Slot, Entry> slots = new TreeMap<>(full().slots());
        slots.put(Slot.all(Kind.COMPLAINT), entry(Value.GO, null, Source.OPERATOR, 200, 200, null, null));

        Map<String, AttributeValue> next = StateCodec.encode("k1", previous, new ConsentState(slots, List.of(), null, 8), null, NOW, 8);

        AddressState flat = TableLayout.decodeState("k1", next);
        assertThat(flat.unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);
        assertThat(flat.complaint()).isNull();
        assertThat(flat.softBounceTimes()).isEmpty();
        assertThat(flat.address()).as("kept from the item").isEqualTo("ana@example.com");
        assertThat(next.get(TableLayout.CREATED_AT).s()).as("first seen").isEqualTo(T.toString());
    }

    @Test
    void aForgottenStateNeverWritesTheAddressAndAttributesOfOthersAreCarriedOver() {
        TreeMap<Slot, Entry> slots = new TreeMap<>(full().slots());
        slots.put(Slot.all(Kind.FORGOTTEN), entry(Value.STOP, null, Source.OPERATOR, 300, 300, null, null));
        Map<String, AttributeValue> previous = new HashMap<>(StateCodec.encode("k1", null, full(), ANA, T, 7));
        previous.put("optInEvidence", AttributeValue.fromS("double opt-in"));

        Map<String, AttributeValue> next = StateCodec.encode("k1", previous, new ConsentState(slots, List.of(), null, 8), ANA, NOW, 8);

        assertThat(next).doesNotContainKey(TableLayout.ADDRESS).containsEntry("optInEvidence", AttributeValue.fromS("double opt-in"));
        assertThat(TableLayout.decodeState("k1", next).forgotten()).isNotNull();
        assertThat(StateCodec.consent(next).forgotten()).isTrue();
    }

    @Test
    void anItemWrittenBeforeTheModelIsReadThroughLegacyMarksWithItsVersion() {
        Map<String, AttributeValue> legacy = new HashMap<>(TableLayout.stateKey("k1"));
        legacy.put(TableLayout.UNSUBSCRIBED_ALL, TableLayout.markValue(new Mark(T, Source.OPERATOR, null, null)));
        legacy.put(TableLayout.TOPIC_OPT_IN + "events", TableLayout.markValue(new Mark(T, Source.PREFERENCE_CENTER, null, null)));
        legacy.put(TableLayout.SOFT_BOUNCE_TIMES, AttributeValue.fromSs(List.of(T + "#a", T + "#b")));
        legacy.put(TableLayout.UPDATED_AT, AttributeValue.fromS(T.toString()));
        legacy.put(TableLayout.VERSION, AttributeValue.fromN("3"));

        ConsentState read = StateCodec.consent(legacy);

        assertThat(read.marks()).isEqualTo(LegacyMarks.read(TableLayout.decodeState("k1", legacy)).marks());
        assertThat(read.stops(Slot.all(Kind.OPERATOR_HOLD))).as("an operator's opt-out is the operator's hold").isTrue();
        assertThat(read.softBounces()).containsExactly(T, T);
        assertThat(read.version()).isEqualTo(3);
        assertThat(StateCodec.consent(null)).isEqualTo(ConsentState.EMPTY);
    }
    @Test
    void theExpiryIndexDayIsTheLatestTimeAStopThatCanExpireCountsFromAndGoesWithTheStops() {
        TreeMap<Slot, Entry> slots = new TreeMap<>();
        // a hard bounce at T, bounced again a day later (since stays T); a soft-bounce stop at T+3h with soft bounces up to T+5h
        slots.put(Slot.all(Kind.HARD_BOUNCE), entry(Value.STOP, null, Source.SES_BOUNCE, 86_400, 0, null, "General"));
        slots.put(Slot.all(Kind.SOFT_BOUNCE_STOP), entry(Value.STOP, null, Source.SES_BOUNCE, 3 * 3600, 3 * 3600, null, null));
        ConsentState both = new ConsentState(slots, List.of(T.plusSeconds(5 * 3600)), null, 3);

        Map<String, AttributeValue> item = StateCodec.encode("k1", null, both, ANA, NOW, 4);

        assertThat(item.get(TableLayout.HARD_BOUNCE).m().get("at").s()).as("the flag keeps the first bounce").isEqualTo(T.toString());
        assertThat(item.get(TableLayout.HARD_BOUNCE_LAST).s()).isEqualTo(T.plusSeconds(86_400).toString());
        assertThat(item.get(TableLayout.EXPIRY_DAY).s()).as("the renewed hard bounce's day, the latest").isEqualTo("2026-11-02");

        TreeMap<Slot, Entry> lifted = new TreeMap<>(slots);
        lifted.put(Slot.all(Kind.HARD_BOUNCE), entry(Value.GO, null, Source.OPERATOR, 90_000, 90_000, null, null));
        lifted.put(Slot.all(Kind.SOFT_BOUNCE_STOP), entry(Value.GO, null, Source.OPERATOR, 90_000, 90_000, null, null));
        Map<String, AttributeValue> after = StateCodec.encode("k1", item, new ConsentState(lifted, List.of(), T.plusSeconds(90_000), 4),
                null, NOW, 5);

        assertThat(after).as("lifted: out of the sparse index").doesNotContainKeys(TableLayout.EXPIRY_DAY, TableLayout.HARD_BOUNCE_LAST,
                TableLayout.HARD_BOUNCE, TableLayout.SOFT_BOUNCE);
    }
}
