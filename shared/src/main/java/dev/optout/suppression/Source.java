package dev.optout.suppression;

/** Where a change came from: recorded with every change as part of the proof. */
public enum Source {
    /** RFC 8058 one-click POST from a mail client's unsubscribe button. */
    ONE_CLICK,
    /** The unsubscribe page behind the List-Unsubscribe link, confirmed by the person. */
    UNSUBSCRIBE_PAGE,
    /** The preference center page. */
    PREFERENCE_CENTER,
    /** The preference center JSON API (an app's notification settings). */
    PREFERENCE_API,
    /** Amazon SES bounce feedback. */
    SES_BOUNCE,
    /** Amazon SES complaint feedback (feedback loop). */
    SES_COMPLAINT,
    /** Amazon SES delivery feedback. */
    SES_DELIVERY,
    /** Amazon SES list-management subscription event. */
    SES_SUBSCRIPTION,
    /** Amazon SES send and delivery events (the sending record; see {@link Action#SENT_WHILE_SUPPRESSED}). */
    SES_SEND,
    /** An operator acting on the table directly (the command line's suppress, lift, forget). */
    OPERATOR,
    /** A suppression list brought in from another provider or a file ({@code ./optout import}). */
    IMPORT,
    /** A mail to the mailto: unsubscribe address (RFC 2369), received by Amazon SES. */
    MAILTO,
    /**
     * Another system of the sender reporting the person's own act (a CRM checkbox, an SMS "STOP",
     * a phone call logged), through the record API ({@code RecordChangeFunction}); the history's
     * {@code actor} names the system, and events name the source {@code SYSTEM:<name>}.
     */
    SYSTEM,
    /**
     * A double opt-in the person confirmed: asked for on a signup form or through the subscribe API,
     * then confirmed with the form behind the link mailed to the address.
     */
    CONFIRMED_OPT_IN,
    /**
     * The sender's own expiry policy (the template's expiry parameters), applied by the daily
     * expiry sweep: it only records that a stop expired ({@link Action#EXPIRED}); the consent model
     * gives it an operator's authority.
     */
    POLICY
}
