package dev.optout.consent;

import dev.optout.consent.ConsentRules.Intent;
import dev.optout.consent.Effect.Result;
import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.topic.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A person's consent, as pure code: (state, change) to (new state, what happened and why), and
 * the send decision a state gives. Every path that changes a person's marks goes through
 * {@link #apply}; the store only turns the outcome into writes.
 *
 * <p>Time order, not arrival order: a change is placed by the time it was made
 * ({@link Provenance#at()}). A change older than a slot's latest change is kept in the history
 * and changes nothing, so the same changes delivered in any order (SQS, SNS and the pending queue
 * keep none) end in the same marks.
 */
public final class ConsentModel {
    private ConsentModel() {
    }

    public static Outcome apply(ConsentState state, Change change) {
        Provenance p = change.provenance();
        Authority authority = Authority.of(p);
        Mark mark = new Mark(p.at(), p.source(), p.campaignId(), change.detail());
        return switch (change.action()) {
            case SOFT_BOUNCE -> countSoftBounce(state, authority, p.at());
            case DELIVERY -> clearCounts(state, authority, p.at(), List.of());
            case SENT_WHILE_SUPPRESSED, SENDER_REJECTION -> new Outcome(state, List.of(new Effect(null, Result.RECORDED, "a finding for the history")));
            // the stop stays in the slots: the check reads its expiry, the finding only records it
            case EXPIRED -> new Outcome(state, List.of(new Effect(null, Result.RECORDED, "expired by policy: " + change.detail())));
            default -> {
                List<Effect> effects = new ArrayList<>();
                ConsentState next = state;
                for (Intent intent : ConsentRules.intents(change, authority)) {
                    Step step = set(next, intent, mark, authority);
                    next = step.state();
                    effects.add(step.effect());
                }
                if (change.action() == dev.optout.suppression.Action.LIFT_BOUNCE && ConsentRules.MAY_CLEAR_COUNT.contains(authority)) {
                    next = clearCounts(next, authority, p.at(), effects).state();
                }
                yield new Outcome(next, effects);
            }
        };
    }

    /** Applies changes in the order given (a preference save: its changes share one time). */
    public static Outcome applyAll(ConsentState state, List<Change> changes) {
        List<Effect> effects = new ArrayList<>();
        ConsentState next = state;
        for (Change change : changes) {
            Outcome o = apply(next, change);
            next = o.state();
            effects.addAll(o.effects());
        }
        return new Outcome(next, effects);
    }

    private record Step(ConsentState state, Effect effect) {
    }

    private static Step set(ConsentState state, Intent intent, Mark mark, Authority authority) {
        Slot slot = intent.slot();
        if (!ConsentRules.may(authority, slot.kind(), intent.value())) {
            return new Step(state, new Effect(slot, Result.REFUSED, authority + " may not set " + slot + " to " + intent.value()));
        }
        Entry current = state.get(slot);
        Entry candidate = new Entry(intent.value(), intent.frequency(), mark, mark.at());
        if (current == null) {
            return new Step(state.with(slot, candidate), new Effect(slot, Result.APPLIED, applied(slot, intent.value(), authority)));
        }
        if (Entry.PRECEDENCE.compare(candidate, current) <= 0) {
            return new Step(state, new Effect(slot, Result.STALE, "made at " + mark.at() + ", before the latest change of "
                    + slot + " (" + current.mark().at() + "): recorded, changes nothing"));
        }
        if (current.saysSameAs(intent.value(), intent.frequency())) {
            // the standing value goes on: the mark names the latest act, since stays
            Entry reaffirmed = new Entry(current.value(), current.frequency(), mark, current.since());
            return new Step(state.with(slot, reaffirmed), new Effect(slot, Result.REAFFIRMED, slot + " already " + intent.value()));
        }
        return new Step(state.with(slot, candidate), new Effect(slot, Result.APPLIED, applied(slot, intent.value(), authority)));
    }

    /** Why a slot changed: a lifted complaint says on whose word, since a link alone never lifts one. */
    private static String applied(Slot slot, Value value, Authority authority) {
        if (slot.kind() == Kind.COMPLAINT && value == Value.GO) {
            return slot + " set to GO: " + switch (authority) {
                case PERSON_CONFIRMED -> "the person asked for mail again and confirmed it from the mail sent to the address "
                        + "(a confirmed round-trip, not a link alone)";
                case OPERATOR_WITH_CONSENT -> "an operator recorded the person's consent";
                default -> "by " + authority;
            };
        }
        return slot + " set to " + value;
    }

    private static Outcome countSoftBounce(ConsentState state, Authority authority, Instant at) {
        if (!ConsentRules.MAY_COUNT.contains(authority)) {
            return new Outcome(state, List.of(new Effect(null, Result.REFUSED, authority + " may not count a soft bounce")));
        }
        if (state.countsClearedAt() != null && !at.isAfter(state.countsClearedAt())) {
            return new Outcome(state, List.of(new Effect(null, Result.STALE,
                    "soft bounce at " + at + " is before the count was cleared (" + state.countsClearedAt() + ")")));
        }
        List<Instant> bounces = new ArrayList<>(state.softBounces());
        bounces.add(at);
        return new Outcome(state.withSoftBounces(bounces, state.countsClearedAt(), true),
                List.of(new Effect(null, Result.COUNTED, "soft bounce counted")));
    }

    private static Outcome clearCounts(ConsentState state, Authority authority, Instant at, List<Effect> before) {
        List<Effect> effects = new ArrayList<>(before);
        if (!ConsentRules.MAY_CLEAR_COUNT.contains(authority)) {
            effects.add(new Effect(null, Result.REFUSED, authority + " may not clear the soft-bounce count"));
            return new Outcome(state, effects);
        }
        Instant cleared = state.countsClearedAt() == null || at.isAfter(state.countsClearedAt()) ? at : state.countsClearedAt();
        List<Instant> kept = state.softBounces().stream().filter(b -> b.isAfter(cleared)).toList();
        boolean changed = !cleared.equals(state.countsClearedAt()) || kept.size() != state.softBounces().size();
        effects.add(new Effect(null, changed ? Result.COUNTED : Result.STALE,
                changed ? "soft bounces before " + cleared + " no longer count" : "the count was already cleared later"));
        return new Outcome(state.withSoftBounces(kept, cleared, changed), effects);
    }

    /**
     * May this person be sent marketing mail about this topic? Strongest first: a hard bounce,
     * a soft-bounce stop ({@code BOUNCED}); a complaint ({@code COMPLAINED}); an opt-out of all
     * mail, the person's or an operator's hold ({@code UNSUBSCRIBED_ALL}); a topic opt-out, the
     * person's or the operator's ({@code UNSUBSCRIBED_TOPIC}); an opt-in topic not opted in to
     * ({@code NOT_OPTED_IN}); a topic that needs confirmed consent without a confirmed opt-in
     * ({@code NOT_CONFIRMED}); otherwise allowed at the topic's frequency.
     */
    public static Decision decide(ConsentState state, Topic topic) {
        Decision stop = addressWideStop(state);
        if (stop != null) {
            return stop;
        }
        Entry topicStop = firstStop(state, Slot.topic(Kind.PERSON_CHOICE, topic.id()), Slot.topic(Kind.OPERATOR_HOLD, topic.id()));
        if (topicStop != null) {
            return Decision.block(BlockReason.UNSUBSCRIBED_TOPIC, topicStop.since());
        }
        Entry choice = state.get(Slot.topic(Kind.PERSON_CHOICE, topic.id()));
        if (!topic.defaultSubscribed() && (choice == null || choice.value() != Value.GO)) {
            return Decision.block(BlockReason.NOT_OPTED_IN, null);
        }
        if (topic.needsConfirmation() && (choice == null || choice.value() != Value.GO
                || choice.mark().source() != dev.optout.suppression.Source.CONFIRMED_OPT_IN)) {
            return Decision.block(BlockReason.NOT_CONFIRMED, null);
        }
        return Decision.allow(frequencyFor(state, topic.id()));
    }

    /** Transactional mail: only what makes the mailbox undeliverable stops it (a bounce). */
    public static Decision decideTransactional(ConsentState state) {
        Entry bounce = firstStop(state, Slot.all(Kind.HARD_BOUNCE), Slot.all(Kind.SOFT_BOUNCE_STOP));
        return bounce == null ? Decision.allow(null) : Decision.block(BlockReason.BOUNCED, bounce.since());
    }

    private static Decision addressWideStop(ConsentState state) {
        Entry bounce = firstStop(state, Slot.all(Kind.HARD_BOUNCE), Slot.all(Kind.SOFT_BOUNCE_STOP));
        if (bounce != null) {
            return Decision.block(BlockReason.BOUNCED, bounce.since());
        }
        Entry complaint = firstStop(state, Slot.all(Kind.COMPLAINT));
        if (complaint != null) {
            return Decision.block(BlockReason.COMPLAINED, complaint.since());
        }
        Entry all = firstStop(state, Slot.all(Kind.PERSON_CHOICE), Slot.all(Kind.OPERATOR_HOLD));
        return all == null ? null : Decision.block(BlockReason.UNSUBSCRIBED_ALL, all.since());
    }

    private static Entry firstStop(ConsentState state, Slot... slots) {
        for (Slot slot : slots) {
            Entry e = state.get(slot);
            if (e != null && e.value() == Value.STOP) {
                return e;
            }
        }
        return null;
    }

    /** The topic's own frequency, else the overall one, else as it happens. */
    public static Frequency frequencyFor(ConsentState state, String topic) {
        Entry own = state.get(Slot.topic(Kind.FREQUENCY, topic));
        if (own != null && own.frequency() != null) {
            return own.frequency();
        }
        Entry overall = state.get(Slot.all(Kind.FREQUENCY));
        return overall != null && overall.frequency() != null ? overall.frequency() : Frequency.IMMEDIATE;
    }
}
