package dev.optout.consent;

import static dev.optout.consent.Authority.IMPORT;
import static dev.optout.consent.Authority.MAILBOX_PROVIDER;
import static dev.optout.consent.Authority.OPERATOR;
import static dev.optout.consent.Authority.OPERATOR_WITH_CONSENT;
import static dev.optout.consent.Authority.PERSON;
import static dev.optout.consent.Authority.PERSON_CONFIRMED;
import static dev.optout.consent.Authority.PERSON_VIA_PROVIDER;
import static dev.optout.consent.Authority.SYSTEM;

import dev.optout.consent.Slot.Kind;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may set what: the authority table, written once. docs/rules/consent.md prints the same
 * table for a compliance officer; {@code ConsentRulesTest} holds the two together.
 *
 * <pre>
 * slot               STOP (stop mail)                        GO (lift, opt in)
 * PERSON_CHOICE      person (confirmed or not), person via    person (confirmed or not), person via provider,
 *                    provider, import, system                operator with consent, system
 * OPERATOR_HOLD      operator (with or without consent)      operator (with or without consent)
 * FREQUENCY          -                                       person (confirmed or not), person via provider,
 *                                                            operator with consent
 * COMPLAINT          mailbox provider, import                person confirmed (a mail round-trip), operator with consent
 * HARD_BOUNCE        mailbox provider, import                operator (with or without consent)
 * SOFT_BOUNCE_STOP   mailbox provider, import                operator (with or without consent)
 * FORGOTTEN          person (confirmed or not), operator     nobody: erasure is for good
 *                    (with or without consent)
 * </pre>
 *
 * Why these: a person's own opt-out is undone only by that person or by an operator who
 * recorded their new consent; a complaint is a statement to the mailbox provider, so a link
 * (which anyone holding a forwarded mail can use) never lifts it, only the person proven by a
 * confirmed mail round-trip to the address (or an operator with their recorded consent); a bounce is a fact about the
 * mailbox that only an operator (or an expiry policy) revisits; an operator's hold is the
 * operator's, and lifting it leaves the person's own choice standing.
 */
public final class ConsentRules {
    private ConsentRules() {
    }

    private static final Map<Kind, Set<Authority>> MAY_STOP = new EnumMap<>(Kind.class);
    private static final Map<Kind, Set<Authority>> MAY_GO = new EnumMap<>(Kind.class);

    static {
        rule(Kind.PERSON_CHOICE, EnumSet.of(PERSON, PERSON_CONFIRMED, PERSON_VIA_PROVIDER, IMPORT, SYSTEM),
                EnumSet.of(PERSON, PERSON_CONFIRMED, PERSON_VIA_PROVIDER, OPERATOR_WITH_CONSENT, SYSTEM));
        rule(Kind.OPERATOR_HOLD, EnumSet.of(OPERATOR, OPERATOR_WITH_CONSENT), EnumSet.of(OPERATOR, OPERATOR_WITH_CONSENT));
        rule(Kind.FREQUENCY, EnumSet.noneOf(Authority.class), EnumSet.of(PERSON, PERSON_CONFIRMED, PERSON_VIA_PROVIDER, OPERATOR_WITH_CONSENT));
        rule(Kind.COMPLAINT, EnumSet.of(MAILBOX_PROVIDER, IMPORT), EnumSet.of(PERSON_CONFIRMED, OPERATOR_WITH_CONSENT));
        rule(Kind.HARD_BOUNCE, EnumSet.of(MAILBOX_PROVIDER, IMPORT), EnumSet.of(OPERATOR, OPERATOR_WITH_CONSENT));
        rule(Kind.SOFT_BOUNCE_STOP, EnumSet.of(MAILBOX_PROVIDER, IMPORT), EnumSet.of(OPERATOR, OPERATOR_WITH_CONSENT));
        rule(Kind.FORGOTTEN, EnumSet.of(PERSON, PERSON_CONFIRMED, OPERATOR, OPERATOR_WITH_CONSENT), EnumSet.noneOf(Authority.class));
    }

    private static void rule(Kind kind, Set<Authority> stop, Set<Authority> go) {
        MAY_STOP.put(kind, stop);
        MAY_GO.put(kind, go);
    }

    /** Who may count a soft bounce, and who may clear the count (a delivery, a bounce lift). */
    static final Set<Authority> MAY_COUNT = EnumSet.of(MAILBOX_PROVIDER, IMPORT);
    static final Set<Authority> MAY_CLEAR_COUNT = EnumSet.of(MAILBOX_PROVIDER, OPERATOR, OPERATOR_WITH_CONSENT);

    /** Whether {@code authority} may set {@code kind} to {@code value}. */
    public static boolean may(Authority authority, Kind kind, Value value) {
        return (value == Value.STOP ? MAY_STOP : MAY_GO).get(kind).contains(authority);
    }

    /** The authorities that may set {@code kind} to {@code value} (for the docs and their test). */
    public static Set<Authority> whoMay(Kind kind, Value value) {
        Set<Authority> allowed = (value == Value.STOP ? MAY_STOP : MAY_GO).get(kind);
        return allowed.isEmpty() ? EnumSet.noneOf(Authority.class) : EnumSet.copyOf(allowed);
    }

    /** One slot a change means to set. */
    public record Intent(Slot slot, Value value, Frequency frequency) {
    }

    /**
     * The slots a change means to set. An operator's opt-out or opt-in goes to the operator's
     * hold, never to the person's choice, so the two never hide each other; an operator with
     * recorded consent acts for the person as well, and lifts a complaint and a soft-bounce stop
     * with it. The person proven by a confirmed mail round-trip who asks for all mail again lifts
     * a complaint with their choice (never a bounce). Counting changes (soft bounce, delivery) and findings set no slot.
     */
    public static List<Intent> intents(Change change, Authority authority) {
        String topic = change.topic();
        Kind choice = authority.isOperators() ? Kind.OPERATOR_HOLD : Kind.PERSON_CHOICE;
        List<Intent> intents = new ArrayList<>(4);
        switch (change.action()) {
            case UNSUBSCRIBE_ALL -> intents.add(new Intent(Slot.all(choice), Value.STOP, null));
            case UNSUBSCRIBE_TOPIC -> intents.add(new Intent(Slot.topic(choice, topic), Value.STOP, null));
            case RESUBSCRIBE_ALL -> {
                intents.add(new Intent(Slot.all(choice), Value.GO, null));
                if (authority == OPERATOR_WITH_CONSENT) {
                    intents.add(new Intent(Slot.all(Kind.PERSON_CHOICE), Value.GO, null));
                    intents.add(new Intent(Slot.all(Kind.COMPLAINT), Value.GO, null));
                    intents.add(new Intent(Slot.all(Kind.SOFT_BOUNCE_STOP), Value.GO, null));
                }
                if (authority == PERSON_CONFIRMED) {
                    intents.add(new Intent(Slot.all(Kind.COMPLAINT), Value.GO, null));
                }
            }
            case SUBSCRIBE_TOPIC -> {
                intents.add(new Intent(Slot.topic(choice, topic), Value.GO, null));
                if (authority == OPERATOR_WITH_CONSENT) {
                    intents.add(new Intent(Slot.topic(Kind.PERSON_CHOICE, topic), Value.GO, null));
                }
            }
            case SET_FREQUENCY -> intents.add(new Intent(new Slot(Kind.FREQUENCY, topic), Value.GO, change.frequency()));
            case HARD_BOUNCE -> intents.add(new Intent(Slot.all(Kind.HARD_BOUNCE), Value.STOP, null));
            case SOFT_BOUNCE_SUPPRESS -> intents.add(new Intent(Slot.all(Kind.SOFT_BOUNCE_STOP), Value.STOP, null));
            case COMPLAINT -> intents.add(new Intent(Slot.all(Kind.COMPLAINT), Value.STOP, null));
            case LIFT_BOUNCE -> {
                intents.add(new Intent(Slot.all(Kind.HARD_BOUNCE), Value.GO, null));
                intents.add(new Intent(Slot.all(Kind.SOFT_BOUNCE_STOP), Value.GO, null));
            }
            case FORGET_ADDRESS -> intents.add(new Intent(Slot.all(Kind.FORGOTTEN), Value.STOP, null));
            case SOFT_BOUNCE, DELIVERY, SENT_WHILE_SUPPRESSED, SENDER_REJECTION, EXPIRED -> {
                // counts and findings: handled by the model, no slot
            }
        }
        return intents;
    }

    /** Why a person's request through a link cannot make them mailable; what the pages and the API answer. */
    public enum Lock {
        /**
         * A complaint stands: a link alone never lifts it (409 COMPLAINT_LOCKED); the person may ask
         * for the confirmation mail, whose confirmed round-trip does.
         */
        COMPLAINT_LOCKED,
        /** The address bounced: only the sender's team lifts a bounce. */
        BOUNCE_LOCKED
    }

    /**
     * Whether a person's own request to get mail again meets a mark that a link cannot lift.
     * Nothing is written for a locked request: the pages and the API refuse it and say why.
     *
     * @return the lock, or {@code null} when the request may go ahead
     */
    public static Lock lockAgainst(ConsentState state, Change change) {
        Authority authority = Authority.of(change.provenance());
        boolean optIn = change.action() == Action.RESUBSCRIBE_ALL || change.action() == Action.SUBSCRIBE_TOPIC;
        if (!authority.isPersons() || !optIn) {
            return null;
        }
        // the one way a person lifts a complaint: asking for all mail again, confirmed by mail
        boolean liftsComplaint = authority == PERSON_CONFIRMED && change.action() == Action.RESUBSCRIBE_ALL;
        if (state.stops(Slot.all(Kind.COMPLAINT)) && !liftsComplaint) {
            return Lock.COMPLAINT_LOCKED;
        }
        if (change.action() == Action.RESUBSCRIBE_ALL
                && (state.stops(Slot.all(Kind.HARD_BOUNCE)) || state.stops(Slot.all(Kind.SOFT_BOUNCE_STOP)))) {
            return Lock.BOUNCE_LOCKED;
        }
        return null;
    }

    /** A form drawn from {@code formVersion} is stale once the state has changed since. */
    public static boolean stale(long formVersion, ConsentState state) {
        return formVersion < state.version();
    }
}
