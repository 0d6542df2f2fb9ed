package dev.optout.suppression;

/** Why a recipient may not be mailed. Part of the check's public contract. */
public enum BlockReason {
    /** The person unsubscribed from all marketing mail. */
    UNSUBSCRIBED_ALL,
    /** The person unsubscribed from this topic. */
    UNSUBSCRIBED_TOPIC,
    /** The topic is opt-in (not subscribed by default) and the person never opted in. */
    NOT_OPTED_IN,
    /**
     * The topic needs the person's confirmed opt-in (the catalog's {@code "consent": "confirmed"})
     * and their opt-in was not confirmed from their mailbox.
     */
    NOT_CONFIRMED,
    /** The address bounced: permanently, or too many soft bounces in the window. */
    BOUNCED,
    /** The person marked mail as spam. */
    COMPLAINED,
    /** The recipient is not an email address. */
    INVALID_ADDRESS,
    /** A later repeat of an address already in the same request. */
    DUPLICATE,
    /**
     * Marketing mail of a campaign the campaign guard paused (complaint or bounce rate over its
     * threshold) until an operator resumes it. Given to recipients who would otherwise be allowed.
     */
    CAMPAIGN_PAUSED;

    /** The reason the check gives once {@code action} is applied, or {@code null} for an action that blocks nothing. */
    public static BlockReason setBy(Action action) {
        return switch (action) {
            case HARD_BOUNCE, SOFT_BOUNCE_SUPPRESS -> BOUNCED;
            case COMPLAINT -> COMPLAINED;
            case UNSUBSCRIBE_ALL -> UNSUBSCRIBED_ALL;
            case UNSUBSCRIBE_TOPIC -> UNSUBSCRIBED_TOPIC;
            default -> null;
        };
    }
}
