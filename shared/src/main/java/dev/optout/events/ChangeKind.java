package dev.optout.events;

/**
 * The kinds of change event, one EventBridge {@code detail-type} each. The detail's
 * {@code reason} tells apart what one kind covers (a hard bounce from a complaint).
 */
public enum ChangeKind {
    /** The person (or an import of their opt-out, or a system reporting it) stopped mail: all or one topic. */
    OPTED_OUT("Opted Out"),
    /** The person (or an operator with their recorded consent) asked for mail again: all or one topic. */
    OPTED_IN("Opted In"),
    /** Mail stopped by a mark that is not the person's choice: hard bounce, complaint, soft-bounce stop, operator's hold. */
    SUPPRESSED("Suppressed"),
    /** A bounce suppression or an operator's hold was lifted. */
    SUPPRESSION_LIFTED("Suppression Lifted"),
    /** A frequency was chosen, overall or for one topic. */
    FREQUENCY_CHANGED("Frequency Changed"),
    /** The address was erased: consumers delete their copy (never carries the address). */
    ADDRESS_ERASED("Address Erased"),
    /** The campaign guard paused a campaign's marketing mail. */
    CAMPAIGN_PAUSED("Campaign Paused"),
    /** An operator resumed a paused campaign. */
    CAMPAIGN_RESUMED("Campaign Resumed");

    private final String detailType;

    ChangeKind(String detailType) {
        this.detailType = detailType;
    }

    /** The EventBridge {@code detail-type}. */
    public String detailType() {
        return detailType;
    }
}
