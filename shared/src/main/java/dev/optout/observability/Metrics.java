package dev.optout.observability;

/**
 * The names of optout's CloudWatch metrics (EMF, namespace {@value EventLog#NAMESPACE}) and of
 * the {@code Function} dimension each function logs under. template.yaml's alarms refer to these
 * names: the complaints alarm watches {@link #COMPLAINTS} with {@code Function=}{@link #SES_FEEDBACK}.
 */
public final class Metrics {
    /** {@code Function} dimension values, one per function (the EventLog's function name). */
    public static final String PRESEND_CHECK = "presend-check";
    public static final String UNSUBSCRIBE = "unsubscribe";
    public static final String PREFERENCES = "preferences";
    public static final String SES_FEEDBACK = "ses-feedback";
    public static final String INBOUND_UNSUBSCRIBE = "inbound-unsubscribe";

    /** Recipients the pre-send check answered for, and those it blocked. */
    public static final String RECIPIENTS_CHECKED = "RecipientsChecked";
    public static final String RECIPIENTS_BLOCKED = "RecipientsBlocked";
    /** Opt-outs applied, with a {@code Source} dimension (one-click, page, preferences...). */
    public static final String OPT_OUTS = "OptOuts";
    /** Explicit opt-backs-in (undo on the unsubscribe page), with a {@code Source} dimension. */
    public static final String RESUBSCRIBES = "Resubscribes";
    /** Suppressions applied from SES feedback, with a {@code Reason} dimension. */
    public static final String SUPPRESSIONS = "Suppressions";
    /** Complaints received (alarmed on in template.yaml). */
    public static final String COMPLAINTS = "Complaints";
    /** SES feedback messages that could not be processed (left for retry, then the dead-letter queue). */
    public static final String FEEDBACK_MESSAGES_FAILED = "FeedbackMessagesFailed";

    /** Unsubscribe mails that changed nothing (failed verdicts, bad token, unauthenticated sender), with a {@code Reason} dimension. */
    public static final String MAILS_REFUSED = "UnsubscribeMailsRefused";

    private Metrics() {
    }
}
