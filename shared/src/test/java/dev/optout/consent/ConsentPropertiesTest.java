package dev.optout.consent;

import static org.junit.jupiter.api.Assertions.*;

import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.Action;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.topic.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The consent model over random sequences of changes: the promises that must hold whatever
 * arrives, in whatever order. Times are drawn from a small range so that ties happen.
 */
class ConsentPropertiesTest {
    static final List<String> TOPICS = List.of("promotions", "events");
    static final Topic PROMOTIONS = new Topic("promotions", true, Map.of("en", "Promotions"), Map.of());
    static final Topic EVENTS = new Topic("events", false, Map.of("en", "Events"), Map.of());

    @Provide
    Arbitrary<Change> change() {
        Arbitrary<Action> actions = Arbitraries.of(Action.class);
        Arbitrary<Source> sources = Arbitraries.of(Source.class);
        Arbitrary<Long> seconds = Arbitraries.longs().between(0, 40);
        Arbitrary<String> topics = Arbitraries.of(TOPICS);
        Arbitrary<Boolean> consent = Arbitraries.of(true, false);
        Arbitrary<Frequency> frequencies = Arbitraries.of(Frequency.class).injectNull(0.2);
        return Combinators.combine(actions, sources, seconds, topics, consent, frequencies)
                .as((action, source, second, topic, withConsent, frequency) -> {
                    Provenance p = source == Source.OPERATOR
                            ? (withConsent ? Changes.operatorWithConsent(second) : Changes.operator(second))
                            : Changes.by(source, second);
                    return switch (action) {
                        case UNSUBSCRIBE_TOPIC -> Change.unsubscribeTopic(topic, p);
                        case SUBSCRIBE_TOPIC -> Change.subscribeTopic(topic, p);
                        case SET_FREQUENCY -> new Change(Action.SET_FREQUENCY, withConsent ? topic : null, frequency, null, p, null);
                        default -> Change.of(action, p);
                    };
                });
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        return change().list().ofMinSize(0).ofMaxSize(12);
    }

    static ConsentState run(ConsentState start, List<Change> changes) {
        return ConsentModel.applyAll(start, changes).state();
    }

    /** What a state says, leaving out how it got there (the version, and since within a run). */
    static Map<Slot, List<Object>> says(ConsentState state) {
        Map<Slot, List<Object>> says = new TreeMap<>();
        state.marks().forEach((slot, e) -> says.put(slot, java.util.Arrays.asList(e.value(), e.frequency(), e.mark())));
        return says;
    }

    @Property(tries = 500)
    void anyOrderOfTheSameChangesEndsInTheSameMarks(@ForAll("changes") List<Change> changes, @ForAll Random random) {
        List<Change> shuffled = new ArrayList<>(changes);
        Collections.shuffle(shuffled, random);
        ConsentState inOrder = run(ConsentState.EMPTY, changes);
        ConsentState reordered = run(ConsentState.EMPTY, shuffled);
        assertEquals(says(inOrder), says(reordered));
        assertEquals(inOrder.softBounces(), reordered.softBounces());
        for (Topic t : List.of(PROMOTIONS, EVENTS)) {
            assertEquals(ConsentModel.decide(inOrder, t).reason(), ConsentModel.decide(reordered, t).reason());
        }
    }

    @Property(tries = 500)
    void aPersonsOptOutIsLiftedOnlyByTheirOwnLaterActOrAConsentedOperator(@ForAll("changes") List<Change> changes) {
        Change optOut = Changes.oneClick(20);
        ConsentState state = run(ConsentState.EMPTY, prepend(optOut, changes));
        boolean liftedByRightfulAct = changes.stream().anyMatch(c -> c.action() == Action.RESUBSCRIBE_ALL
                && !c.provenance().at().isBefore(optOut.provenance().at())
                && (Authority.of(c.provenance()).isPersons() || Authority.of(c.provenance()) == Authority.OPERATOR_WITH_CONSENT
                    // another system reports the person's own act (the record API)
                    || Authority.of(c.provenance()) == Authority.SYSTEM));
        if (!liftedByRightfulAct) {
            assertTrue(state.stops(Slot.all(Kind.PERSON_CHOICE)));
            assertFalse(ConsentModel.decide(state, PROMOTIONS).allowed());
        }
    }

    @Property(tries = 500)
    void aComplaintIsNeverLiftedThroughALink(@ForAll("changes") List<Change> changes) {
        // what may lift it: an operator with recorded consent, the person's confirmed mail round-trip asking for mail again
        List<Change> withoutConsentedOperator = changes.stream()
                .filter(c -> Authority.of(c.provenance()) != Authority.OPERATOR_WITH_CONSENT)
                .filter(c -> !(Authority.of(c.provenance()) == Authority.PERSON_CONFIRMED && c.action() == Action.RESUBSCRIBE_ALL))
                .toList();
        ConsentState state = run(ConsentState.EMPTY, prepend(Changes.complaint(20), withoutConsentedOperator));
        assertTrue(state.stops(Slot.all(Kind.COMPLAINT)));
        assertFalse(ConsentModel.decide(state, PROMOTIONS).allowed());
    }

    @Property(tries = 300)
    void aForgottenAddressStaysForgotten(@ForAll("changes") List<Change> changes) {
        ConsentState state = run(ConsentState.EMPTY, prepend(Change.of(Action.FORGET_ADDRESS, Changes.operator(0)), changes));
        assertTrue(state.forgotten());
    }

    @Property(tries = 500)
    void theDecisionForEveryReachableStateMatchesTheReferenceTable(@ForAll("changes") @Size(max = 12) List<Change> changes) {
        ConsentState state = run(ConsentState.EMPTY, changes);
        for (Topic t : List.of(PROMOTIONS, EVENTS)) {
            Decision d = ConsentModel.decide(state, t);
            assertEquals(reference(state, t), d.allowed() ? null : d.reason(), () -> "state " + says(state) + " topic " + t.id());
        }
    }

    /** The check's precedence as a table, written apart from the model. */
    static BlockReason reference(ConsentState s, Topic t) {
        if (s.stops(Slot.all(Kind.HARD_BOUNCE)) || s.stops(Slot.all(Kind.SOFT_BOUNCE_STOP))) {
            return BlockReason.BOUNCED;
        }
        if (s.stops(Slot.all(Kind.COMPLAINT))) {
            return BlockReason.COMPLAINED;
        }
        if (s.stops(Slot.all(Kind.PERSON_CHOICE)) || s.stops(Slot.all(Kind.OPERATOR_HOLD))) {
            return BlockReason.UNSUBSCRIBED_ALL;
        }
        if (s.stops(Slot.topic(Kind.PERSON_CHOICE, t.id())) || s.stops(Slot.topic(Kind.OPERATOR_HOLD, t.id()))) {
            return BlockReason.UNSUBSCRIBED_TOPIC;
        }
        Entry choice = s.get(Slot.topic(Kind.PERSON_CHOICE, t.id()));
        if (!t.defaultSubscribed() && (choice == null || choice.value() != Value.GO)) {
            return BlockReason.NOT_OPTED_IN;
        }
        return null;
    }

    private static List<Change> prepend(Change first, List<Change> rest) {
        List<Change> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
