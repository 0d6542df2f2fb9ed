package dev.optout.suppression;

/** The kinds of change an address can undergo; each is also the name of its history event. */
public enum Action {
    /** Opt out of all marketing mail. */
    UNSUBSCRIBE_ALL,
    /**
     * Opt back in to marketing mail after a global opt-out, a complaint or a soft-bounce
     * suppression: an explicit act of the person. Never lifts a hard bounce.
     */
    RESUBSCRIBE_ALL,
    /** Opt out of one topic. */
    UNSUBSCRIBE_TOPIC,
    /** Opt in to one topic (explicitly; lifts a topic opt-out). */
    SUBSCRIBE_TOPIC,
    /** Choose a frequency for one topic, or overall when no topic is named. */
    SET_FREQUENCY,
    /** A permanent bounce: the address does not exist or refuses mail. */
    HARD_BOUNCE,
    /** A transient or undetermined bounce, counted towards the soft-bounce threshold. */
    SOFT_BOUNCE,
    /** Soft bounces crossed the threshold inside the window: suppress. */
    SOFT_BOUNCE_SUPPRESS,
    /** A delivery succeeded: forget the soft bounces counted so far. */
    DELIVERY,
    /** A complaint (spam report). */
    COMPLAINT,
    /** An operator lifts a bounce suppression (the address takes mail again). */
    LIFT_BOUNCE,
    /**
     * Erase the address in clear (GDPR Art. 17): from the state item and, by
     * {@link SuppressionStore#forget}, from every history item; the key, marks and actions stay,
     * and no later change writes the address back.
     */
    FORGET_ADDRESS,
    /**
     * Not a change of state but a finding kept in the history: SES sent (or delivered) a marketing
     * message to the address after a block stood ({@code evidence}: reason, blockedSince,
     * sesMessageId). Written with {@link SuppressionStore#recordEvent}, once per message.
     */
    SENT_WHILE_SUPPRESSED,
    /**
     * Not a change of state but a finding kept in the history: the receiving server refused the
     * sender (a permanent bounce with a 5.7.x or 5.6.x code: authentication, policy, reputation,
     * rate, content). It suppresses no one and is not mirrored to SES ({@code evidence}: code,
     * receivingDomain, diagnosticCode). Written with {@link SuppressionStore#recordEvent}.
     */
    SENDER_REJECTION,
    /**
     * Not a change of state but a finding kept in the history: a stop that expires by policy
     * ({@link ExpiryPolicy}: a hard bounce or a soft-bounce stop) expired, so mail may go again.
     * The check already read the expiry without a write; the daily expiry sweep records it, once
     * per stop and the time it counted from ({@code detail}: the stop; {@code evidence}: stop,
     * countedFrom, expiredAt, policyDays, sesSuppressionList). Source {@link Source#POLICY}, effect
     * RECORDED.
     */
    EXPIRED
}
