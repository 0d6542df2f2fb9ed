package dev.optout.consent;

import static dev.optout.consent.Changes.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.consent.Effect.Result;
import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.topic.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consent model's smaller rules: counts, ties, locks, replay, and reading items written before it. */
class ConsentEdgeRulesTest {
    static final Topic PROMOTIONS = new Topic("promotions", true, Map.of("en", "Promotions"), Map.of());

    static ConsentState run(Change... changes) {
        return ConsentModel.applyAll(ConsentState.EMPTY, List.of(changes)).state();
    }

    @Test
    void theSameChangeAppliedTwiceChangesNothingTheSecondTime() {
        ConsentState once = run(oneClick(10));
        Outcome again = ConsentModel.apply(once, oneClick(10));
        assertThat(again.stale()).isTrue();
        assertThat(again.changed()).isFalse();
        assertThat(again.state()).isEqualTo(once);
    }

    @Test
    void atTheSameInstantTheWinnerDoesNotDependOnArrivalEvenByCampaignOrDetail() {
        Change a = Change.unsubscribeAll(by(Source.ONE_CLICK, 10).withCampaign("a"));
        Change b = Change.unsubscribeAll(by(Source.ONE_CLICK, 10).withCampaign("b"));
        assertThat(run(a, b).marks()).isEqualTo(run(b, a).marks());
        Change weekly = Change.frequency(null, Frequency.WEEKLY, by(Source.PREFERENCE_CENTER, 10));
        Change monthly = Change.frequency(null, Frequency.MONTHLY, by(Source.PREFERENCE_CENTER, 10));
        assertThat(run(weekly, monthly).marks()).isEqualTo(run(monthly, weekly).marks());
        Change abuse = Change.withDetail(Action.COMPLAINT, "abuse", by(Source.SES_COMPLAINT, 10));
        Change fraud = Change.withDetail(Action.COMPLAINT, "fraud", by(Source.SES_COMPLAINT, 10));
        assertThat(run(abuse, fraud).marks()).isEqualTo(run(fraud, abuse).marks());
        assertThat(run(abuse, fraud).get(Slot.all(Kind.COMPLAINT)).mark().detail()).isEqualTo("fraud");
    }

    @Test
    void onlyTheMailboxProviderOrAnOperatorClearsTheSoftBounceCount() {
        ConsentState counted = run(Change.of(Action.SOFT_BOUNCE, by(Source.SES_BOUNCE, 10)));
        Outcome byPerson = ConsentModel.apply(counted, Change.of(Action.DELIVERY, by(Source.ONE_CLICK, 20)));
        assertThat(byPerson.refused()).isTrue();
        assertThat(byPerson.state().softBounces()).hasSize(1);

        Outcome lifted = ConsentModel.apply(counted, Change.of(Action.LIFT_BOUNCE, operator(20)));
        assertThat(lifted.state().softBounces()).isEmpty();
        assertThat(lifted.state().countsClearedAt()).isEqualTo(at(20));
        assertThat(lifted.state().version()).isGreaterThan(counted.version());

        Outcome earlierDelivery = ConsentModel.apply(lifted.state(), Change.of(Action.DELIVERY, by(Source.SES_DELIVERY, 15)));
        assertThat(earlierDelivery.stale()).isTrue();
        assertThat(earlierDelivery.state().countsClearedAt()).isEqualTo(at(20));
        assertThat(earlierDelivery.state().version()).isEqualTo(lifted.state().version());
        Outcome lateBounce = ConsentModel.apply(lifted.state(), Change.of(Action.SOFT_BOUNCE, by(Source.SES_BOUNCE, 12)));
        assertThat(lateBounce.stale()).isTrue();
        assertThat(ConsentModel.apply(lifted.state(), Change.of(Action.SOFT_BOUNCE, by(Source.ONE_CLICK, 30))).refused()).isTrue();
    }

    @Test
    void transactionalMailStopsOnlyForABounce() {
        assertThat(ConsentModel.decideTransactional(run(oneClick(1), complaint(2))).allowed()).isTrue();
        assertThat(ConsentModel.decideTransactional(run(hardBounce(3))).reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(ConsentModel.decideTransactional(run(hardBounce(3))).since()).isEqualTo(at(3));
    }

    @Test
    void aTopicsOwnFrequencyBeatsTheOverallOneAndClearingItFallsBack() {
        ConsentState own = run(frequency(Source.PREFERENCE_CENTER, 1, Frequency.WEEKLY),
                Change.frequency("promotions", Frequency.MONTHLY, by(Source.PREFERENCE_CENTER, 2)));
        assertThat(ConsentModel.frequencyFor(own, "promotions")).isEqualTo(Frequency.MONTHLY);
        ConsentState cleared = ConsentModel.apply(own, Change.clearFrequency("promotions", by(Source.PREFERENCE_CENTER, 3))).state();
        assertThat(ConsentModel.frequencyFor(cleared, "promotions")).isEqualTo(Frequency.WEEKLY);
        assertThat(ConsentModel.decide(cleared, PROMOTIONS).frequency()).isEqualTo(Frequency.WEEKLY);
    }

    @Test
    void locksMeetOnlyAPersonsRequestToGetMailAgain() {
        ConsentState complained = run(complaint(1));
        assertThat(ConsentRules.lockAgainst(complained, Change.subscribeTopic("promotions", by(Source.PREFERENCE_API, 2))))
                .isEqualTo(ConsentRules.Lock.COMPLAINT_LOCKED);
        assertThat(ConsentRules.lockAgainst(complained, Change.resubscribeAll(operatorWithConsent(2)))).isNull();
        assertThat(ConsentRules.lockAgainst(complained, oneClick(2))).isNull();
        assertThat(ConsentRules.lockAgainst(run(hardBounce(1)), Change.subscribeTopic("promotions", by(Source.PREFERENCE_API, 2))))
                .as("a topic choice is kept for later, even while bounced").isNull();
    }

    @Test
    void outcomesSayWhetherAllWasRefusedOrStaleAndAnEmptyOneIsNeither() {
        Outcome empty = new Outcome(ConsentState.EMPTY, List.of());
        assertThat(empty.refused()).isFalse();
        assertThat(empty.stale()).isFalse();
        assertThat(empty.changed()).isFalse();
        Outcome mixed = ConsentModel.apply(run(complaint(1)), Change.resubscribeAll(operatorWithConsent(2)));
        assertThat(mixed.changed()).isTrue();
        assertThat(mixed.refused()).isFalse();
        assertThat(mixed.effects()).extracting(Effect::result).contains(Result.APPLIED);
    }

    @Test
    void slotsOfAllMailAndOfATopicAreApartAndAddressWideKindsHaveNoTopic() {
        assertThat(Slot.all(Kind.PERSON_CHOICE).allMail()).isTrue();
        assertThat(Slot.topic(Kind.PERSON_CHOICE, "a").allMail()).isFalse();
        List<Slot> slots = new ArrayList<>(List.of(Slot.topic(Kind.PERSON_CHOICE, "b"), Slot.all(Kind.PERSON_CHOICE),
                Slot.topic(Kind.PERSON_CHOICE, "a"), Slot.all(Kind.COMPLAINT)));
        Collections.sort(slots);
        assertThat(slots).containsExactly(Slot.all(Kind.PERSON_CHOICE), Slot.topic(Kind.PERSON_CHOICE, "a"),
                Slot.topic(Kind.PERSON_CHOICE, "b"), Slot.all(Kind.COMPLAINT));
        assertThat(Slot.topic(Kind.PERSON_CHOICE, "a")).hasToString("PERSON_CHOICE[a]");
        assertThat(Slot.all(Kind.COMPLAINT)).hasToString("COMPLAINT");
        assertThatThrownBy(() -> Slot.topic(Kind.COMPLAINT, "a")).isInstanceOf(IllegalArgumentException.class);
        ConsentState both = run(oneClick(1), Change.unsubscribeTopic("promotions", by(Source.ONE_CLICK, 2)));
        assertThat(both.marks()).containsOnlyKeys(Slot.all(Kind.PERSON_CHOICE), Slot.topic(Kind.PERSON_CHOICE, "promotions"));
        assertThat(both.forgotten()).isFalse();
    }

    @Test
    void aHistoryReplayedInAnyOrderGivesTheSameState() {
        List<HistoryEvent> history = new ArrayList<>(List.of(
                new HistoryEvent(Action.UNSUBSCRIBE_ALL, at(10), Source.ONE_CLICK, null, null, "c1", null, Map.of()),
                new HistoryEvent(Action.RESUBSCRIBE_ALL, at(20), Source.PREFERENCE_CENTER, null, null, null, null, Map.of()),
                new HistoryEvent(Action.COMPLAINT, at(30), Source.SES_COMPLAINT, null, null, null, null, Map.of()),
                new HistoryEvent(Action.RESUBSCRIBE_ALL, at(40), Source.OPERATOR, null, null, null, null,
                        Map.of(Authority.CONSENT_EVIDENCE, "form 8812"), "ops", "ticket")));
        ConsentState forward = ConsentReplay.of(history);
        Collections.reverse(history);
        // what each slot says and its latest mark; "since" is as far as the arrivals show
        assertThat(ConsentPropertiesTest.says(ConsentReplay.of(history))).isEqualTo(ConsentPropertiesTest.says(forward));
        assertThat(forward.get(Slot.all(Kind.PERSON_CHOICE)).value()).isEqualTo(Value.GO);
        assertThat(forward.get(Slot.all(Kind.COMPLAINT)).value()).as("lifted with recorded consent").isEqualTo(Value.GO);
        assertThat(ConsentModel.decide(forward, PROMOTIONS).allowed()).isTrue();
    }

    @Test
    void anItemWrittenBeforeTheModelIsReadIntoSlots() {
        Mark click = new Mark(at(1), Source.ONE_CLICK, null, null);
        Mark ops = new Mark(at(2), Source.OPERATOR, null, null);
        Mark ses = new Mark(at(3), Source.SES_BOUNCE, null, "General");
        AddressState legacy = new AddressState("k", null, ops, ses, ses, new Mark(at(4), Source.SES_COMPLAINT, null, "abuse"),
                Map.of("promotions", click, "events", ops), Map.of("news", click), Map.of("news", Frequency.MONTHLY), Frequency.WEEKLY,
                List.of(at(5)), at(6), new Mark(at(7), Source.OPERATOR, null, null), null, 3);
        ConsentState s = LegacyMarks.read(legacy);
        assertThat(s.stops(Slot.all(Kind.OPERATOR_HOLD))).as("an opt-out the operator made is the operator's hold").isTrue();
        assertThat(s.get(Slot.all(Kind.PERSON_CHOICE))).isNull();
        assertThat(s.stops(Slot.all(Kind.HARD_BOUNCE))).isTrue();
        assertThat(s.stops(Slot.all(Kind.SOFT_BOUNCE_STOP))).isTrue();
        assertThat(s.stops(Slot.all(Kind.COMPLAINT))).isTrue();
        assertThat(s.forgotten()).isTrue();
        assertThat(s.stops(Slot.topic(Kind.PERSON_CHOICE, "promotions"))).isTrue();
        assertThat(s.stops(Slot.topic(Kind.OPERATOR_HOLD, "events"))).isTrue();
        assertThat(s.get(Slot.topic(Kind.PERSON_CHOICE, "news")).value()).isEqualTo(Value.GO);
        assertThat(ConsentModel.frequencyFor(s, "news")).isEqualTo(Frequency.MONTHLY);
        assertThat(ConsentModel.frequencyFor(s, "promotions")).isEqualTo(Frequency.WEEKLY);
        assertThat(s.softBounces()).containsExactly(at(5));

        Mark hold = new Mark(at(8), Source.OPERATOR, null, null);
        AddressState personAndHold = new AddressState("k", null, click, null, null, null, Map.of(), Map.of(), Map.of(), null,
                List.of(), at(9), null, hold, 4);
        ConsentState apart = LegacyMarks.read(personAndHold);
        assertThat(apart.stops(Slot.all(Kind.PERSON_CHOICE))).isTrue();
        assertThat(apart.get(Slot.all(Kind.OPERATOR_HOLD)).mark()).isEqualTo(hold);
        assertThat(LegacyMarks.read(AddressState.unknown("k")).marks()).isEmpty();
    }
}
