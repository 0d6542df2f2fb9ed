package dev.optout.consent;

import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;

/**
 * How much a change's source may decide for the person. Derived from the change's
 * {@link Source} (and, for an operator, whether the person's consent was recorded): never chosen
 * by the caller, so no path can claim more authority than its source has.
 */
public enum Authority {
    /** The person, through their own link, one-click, mailto, the pages or the preference API. */
    PERSON,
    /**
     * The person proven by a confirmed mail round-trip: they asked (the signup form, or "send me a
     * confirmation mail" on a page that refused a link-only resume) and then confirmed from the page
     * behind the link mailed to the address ({@code CONFIRMED_OPT_IN}). Everything {@link #PERSON}
     * may do, and, asking for mail again, it lifts a complaint: a link alone never does.
     */
    PERSON_CONFIRMED,
    /** The person through their mailbox provider's list management (SES subscription events). */
    PERSON_VIA_PROVIDER,
    /** The mailbox provider's report on delivery: bounces, complaints, deliveries. */
    MAILBOX_PROVIDER,
    /** An operator acting without recorded consent of the person. */
    OPERATOR,
    /** An operator acting on recorded evidence of the person's consent ({@code --consent}). */
    OPERATOR_WITH_CONSENT,
    /** A suppression list brought in from another provider or a file. */
    IMPORT,
    /**
     * Another system reporting the person's own act (the record API): its opt-out and opt-in set
     * the person's choice, placed by the time the person acted, so an opt-in never overrides a
     * newer opt-out. It lifts no complaint or bounce and takes no frequency.
     */
    SYSTEM;

    /** The evidence key under which an operator's record of the person's consent is kept. */
    public static final String CONSENT_EVIDENCE = "consent";

    public static Authority of(Provenance provenance) {
        return switch (provenance.source()) {
            case ONE_CLICK, UNSUBSCRIBE_PAGE, PREFERENCE_CENTER, PREFERENCE_API, MAILTO -> PERSON;
            case CONFIRMED_OPT_IN -> PERSON_CONFIRMED;
            case SES_SUBSCRIPTION -> PERSON_VIA_PROVIDER;
            case SES_BOUNCE, SES_COMPLAINT, SES_DELIVERY, SES_SEND -> MAILBOX_PROVIDER;
            case OPERATOR -> hasConsent(provenance) ? OPERATOR_WITH_CONSENT : OPERATOR;
            // the operator's configured policy: it records findings only (an expiry), never a person's consent
            case POLICY -> OPERATOR;
            case IMPORT -> IMPORT;
            case SYSTEM -> SYSTEM;
        };
    }

    private static boolean hasConsent(Provenance provenance) {
        String consent = provenance.evidence().get(CONSENT_EVIDENCE);
        return consent != null && !consent.isBlank();
    }

    /** An act of the person themselves (directly or through their mailbox provider). */
    public boolean isPersons() {
        return this == PERSON || this == PERSON_CONFIRMED || this == PERSON_VIA_PROVIDER;
    }

    public boolean isOperators() {
        return this == OPERATOR || this == OPERATOR_WITH_CONSENT;
    }
}
