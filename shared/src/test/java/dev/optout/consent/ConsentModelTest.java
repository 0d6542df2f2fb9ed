package dev.optout.consent;

import static dev.optout.consent.Changes.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.optout.consent.Effect.Result;
import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.Action;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Source;
import dev.optout.topic.Topic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consent rules, one test per rule, no AWS. */
class ConsentModelTest {
    static final Topic PROMOTIONS = new Topic("promotions", true, Map.of("en", "Promotions"), Map.of());
    static final Topic EVENTS = new Topic("events", false, Map.of("en", "Events"), Map.of());

    static ConsentState run(Change... changes) {
        return ConsentModel.applyAll(ConsentState.EMPTY, List.of(changes)).state();
    }

    @Test
    void aPersonsOneClickStopsAllMarketingMail() {
        Decision d = ConsentModel.decide(run(oneClick(10)), PROMOTIONS);
        assertEquals(BlockReason.UNSUBSCRIBED_ALL, d.reason());
        assertEquals(at(10), d.since());
    }

    @Test
    void anOlderChangeArrivingLateIsRecordedButChangesNothing() {
        // the person resubscribed at 20; a queued one-click made at 10 arrives after it
        ConsentState state = run(resubscribe(Source.PREFERENCE_CENTER, 20));
        Outcome late = ConsentModel.apply(state, oneClick(10));
        assertTrue(late.stale());
        assertFalse(late.changed());
        assertTrue(ConsentModel.decide(late.state(), PROMOTIONS).allowed());
    }

    @Test
    void anSesOptInOlderThanAnOptOutMadeInOptoutDoesNotLiftIt() {
        Change sesOptIn = Change.subscribeTopic("promotions", by(Source.SES_SUBSCRIPTION, 5));
        ConsentState state = run(Change.unsubscribeTopic("promotions", by(Source.PREFERENCE_CENTER, 10)), sesOptIn);
        assertEquals(BlockReason.UNSUBSCRIBED_TOPIC, ConsentModel.decide(state, PROMOTIONS).reason());
    }

    @Test
    void aLinkNeverLiftsAComplaint() {
        ConsentState complained = run(oneClick(10), complaint(11));
        Change resubscribe = resubscribe(Source.PREFERENCE_CENTER, 20);
        assertEquals(ConsentRules.Lock.COMPLAINT_LOCKED, ConsentRules.lockAgainst(complained, resubscribe));
        // even if a path applied it anyway, the complaint's slot is not the person's to lift
        ConsentState after = ConsentModel.apply(complained, resubscribe).state();
        assertEquals(BlockReason.COMPLAINED, ConsentModel.decide(after, PROMOTIONS).reason());
    }

    @Test
    void anOperatorLiftsAComplaintOnlyWithRecordedConsent() {
        ConsentState complained = run(complaint(10));
        ConsentState withoutConsent = ConsentModel.apply(complained, Change.resubscribeAll(operator(20))).state();
        assertEquals(BlockReason.COMPLAINED, ConsentModel.decide(withoutConsent, PROMOTIONS).reason());
        ConsentState withConsent = ConsentModel.apply(complained, Change.resubscribeAll(operatorWithConsent(20))).state();
        assertTrue(ConsentModel.decide(withConsent, PROMOTIONS).allowed());
    }

    @Test
    void aLinkRequestToResubscribeMeetsTheBounceLock() {
        ConsentState bounced = run(hardBounce(10));
        assertEquals(ConsentRules.Lock.BOUNCE_LOCKED, ConsentRules.lockAgainst(bounced, resubscribe(Source.UNSUBSCRIBE_PAGE, 20)));
        assertNull(ConsentRules.lockAgainst(run(oneClick(10)), resubscribe(Source.UNSUBSCRIBE_PAGE, 20)));
    }

    @Test
    void anOperatorsHoldDoesNotHideThePersonsOwnOptOut() {
        // suppress by the operator, then the person's own one-click, then the operator lifts the hold
        ConsentState state = run(Change.unsubscribeAll(operator(10)), oneClick(20), Change.resubscribeAll(operator(30)));
        assertFalse(state.stops(Slot.all(Kind.OPERATOR_HOLD)));
        assertTrue(state.stops(Slot.all(Kind.PERSON_CHOICE)));
        assertEquals(BlockReason.UNSUBSCRIBED_ALL, ConsentModel.decide(state, PROMOTIONS).reason());
    }

    @Test
    void anOperatorWithoutConsentCannotLiftThePersonsOptOut() {
        Outcome o = ConsentModel.apply(run(oneClick(10)), Change.resubscribeAll(operator(20)));
        assertEquals(BlockReason.UNSUBSCRIBED_ALL, ConsentModel.decide(o.state(), PROMOTIONS).reason());
    }

    @Test
    void aHardBounceIsLiftedByAnOperatorNotByThePerson() {
        ConsentState bounced = run(hardBounce(10));
        Outcome byPerson = ConsentModel.apply(bounced, resubscribe(Source.PREFERENCE_API, 20));
        assertEquals(BlockReason.BOUNCED, ConsentModel.decide(byPerson.state(), PROMOTIONS).reason());
        Outcome byOperator = ConsentModel.apply(bounced, Change.of(Action.LIFT_BOUNCE, operator(20)));
        assertTrue(ConsentModel.decide(byOperator.state(), PROMOTIONS).allowed());
    }

    @Test
    void aForgottenAddressStaysForgotten() {
        ConsentState forgotten = run(Change.of(Action.FORGET_ADDRESS, operator(10)));
        for (Change c : List.of(Change.resubscribeAll(operatorWithConsent(20)), resubscribe(Source.PREFERENCE_CENTER, 30),
                Change.of(Action.LIFT_BOUNCE, operator(40)))) {
            forgotten = ConsentModel.apply(forgotten, c).state();
        }
        assertTrue(forgotten.forgotten());
    }

    @Test
    void anImportCannotOptAnyoneIn() {
        Outcome o = ConsentModel.apply(ConsentState.EMPTY, Change.subscribeTopic("events", Changes.by(Source.IMPORT, 10)));
        assertTrue(o.refused());
        assertEquals(BlockReason.NOT_OPTED_IN, ConsentModel.decide(o.state(), EVENTS).reason());
    }

    @Test
    void anOptInTopicNeedsThePersonsOwnOptIn() {
        assertEquals(BlockReason.NOT_OPTED_IN, ConsentModel.decide(ConsentState.EMPTY, EVENTS).reason());
        ConsentState optedIn = run(Change.subscribeTopic("events", by(Source.PREFERENCE_CENTER, 10)));
        assertTrue(ConsentModel.decide(optedIn, EVENTS).allowed());
    }

    @Test
    void repeatingAnOptOutKeepsWhenItBeganAndNamesTheLatestAct() {
        ConsentState state = run(oneClick(10), Change.unsubscribeAll(by(Source.MAILTO, 20)));
        Entry e = state.get(Slot.all(Kind.PERSON_CHOICE));
        assertEquals(at(10), e.since());
        assertEquals(Source.MAILTO, e.mark().source());
        assertEquals(at(10), ConsentModel.decide(state, PROMOTIONS).since());
    }

    @Test
    void atTheSameInstantAStopBeatsAGo() {
        ConsentState a = run(oneClick(10), resubscribe(Source.PREFERENCE_CENTER, 10));
        ConsentState b = run(resubscribe(Source.PREFERENCE_CENTER, 10), oneClick(10));
        assertEquals(BlockReason.UNSUBSCRIBED_ALL, ConsentModel.decide(a, PROMOTIONS).reason());
        assertEquals(a.marks(), b.marks());
    }

    @Test
    void aDeliveryClearsOnlyTheSoftBouncesBeforeIt() {
        Change soft1 = Change.of(Action.SOFT_BOUNCE, by(Source.SES_BOUNCE, 10));
        Change delivery = Change.of(Action.DELIVERY, by(Source.SES_DELIVERY, 15));
        Change soft2 = Change.of(Action.SOFT_BOUNCE, by(Source.SES_BOUNCE, 20));
        assertEquals(List.of(at(20)), run(soft1, soft2, delivery).softBounces());
        assertEquals(List.of(at(20)), run(delivery, soft2, soft1).softBounces());
    }

    @Test
    void aTopicFrequencyFallsBackToTheOverallOne() {
        ConsentState state = run(frequency(Source.PREFERENCE_CENTER, 10, Frequency.WEEKLY));
        assertEquals(Frequency.WEEKLY, ConsentModel.decide(state, PROMOTIONS).frequency());
        assertEquals(Frequency.IMMEDIATE, ConsentModel.decide(ConsentState.EMPTY, PROMOTIONS).frequency());
    }

    @Test
    void aFormDrawnBeforeALaterChangeIsStale() {
        ConsentState drawn = run(oneClick(10));
        ConsentState now = ConsentModel.apply(drawn, Change.unsubscribeTopic("promotions", by(Source.ONE_CLICK, 20))).state();
        assertTrue(ConsentRules.stale(drawn.version(), now));
        assertFalse(ConsentRules.stale(now.version(), now));
    }

    @Test
    void aRefusedOrStaleChangeDoesNotMoveTheVersion() {
        ConsentState state = run(oneClick(20));
        assertEquals(state.version(), ConsentModel.apply(state, oneClick(10)).state().version());
        assertEquals(state.version(), ConsentModel.apply(state, Change.subscribeTopic("x", by(Source.IMPORT, 30))).state().version());
    }

    @Test
    void everyRefusalSaysWhoMayNotDoWhat() {
        Outcome o = ConsentModel.apply(run(complaint(10)), Change.resubscribeAll(operator(20)));
        assertTrue(o.effects().stream().noneMatch(e -> e.slot().kind() == Kind.COMPLAINT),
                "an operator without consent does not even address the complaint");
        Outcome refused = ConsentModel.apply(ConsentState.EMPTY, Change.of(Action.COMPLAINT, by(Source.PREFERENCE_CENTER, 1)));
        assertEquals(Result.REFUSED, refused.effects().get(0).result());
        assertTrue(refused.effects().get(0).why().contains("PERSON may not set COMPLAINT"));
    }
}
