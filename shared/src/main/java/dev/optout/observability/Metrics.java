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
    public static final String PENDING_CHANGES = "pending-changes";
    public static final String INBOUND_UNSUBSCRIBE = "inbound-unsubscribe";
    public static final String CHANGE_EVENTS = "change-events";
    public static final String RECORD_CHANGE = "record-change";
    public static final String EXPIRY_SWEEP = "expiry-sweep";
    /** Stops the expiry sweep recorded as expired, and those it could not (retried on the next run; alarmed on). */
    public static final String EXPIRIES_RECORDED = "ExpiriesRecorded";
    public static final String EXPIRIES_FAILED = "ExpiriesFailed";
    /** Change events put on the bus, and stream records that could not be (retried, then dead-lettered). */
    public static final String CHANGE_EVENTS_PUBLISHED = "ChangeEventsPublished";
    public static final String CHANGE_EVENTS_FAILED = "ChangeEventsFailed";
    public static final String SUBSCRIBE = "subscribe";

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
    /** SES feedback messages processed (the others failed, see {@link #FEEDBACK_MESSAGES_FAILED}). */
    public static final String FEEDBACK_MESSAGES_PROCESSED = "FeedbackMessagesProcessed";
    /** Preference changes saved from the preference center, with a {@code Source} dimension. */
    public static final String PREFERENCE_CHANGES = "PreferenceChanges";
    /** The one count each function logs while it primes before a SnapStart snapshot. */
    public static final String PRIMING = "Priming";
    /** SES feedback messages that could not be processed (left for retry, then the dead-letter queue). */
    public static final String FEEDBACK_MESSAGES_FAILED = "FeedbackMessagesFailed";

    /**
     * Suppression-table failures a function handled (answered 503, queued the change, or left a
     * message for retry), with an {@code Operation} dimension. Alarmed on in template.yaml.
     */
    public static final String STORE_FAILURES = "StoreFailures";
    /** Opt-outs written to the queue of pending changes because the table could not take them. Alarmed on. */
    public static final String CHANGES_QUEUED = "ChangesQueued";
    /** Pending changes applied to the table by PendingChangesFunction (and those that failed, left for retry). */
    public static final String PENDING_CHANGES_APPLIED = "PendingChangesApplied";
    public static final String PENDING_CHANGES_FAILED = "PendingChangesFailed";
    /** Pending changes that can never apply (unreadable, unknown topic), moved to the dead-letter queue at once. */
    public static final String PENDING_CHANGES_DEAD_LETTERED = "PendingChangesDeadLettered";
    /**
     * Marketing mail SES sent to an address already blocked for it (SendAudit): once with the
     * {@code Function} dimension alone (alarmed on in template.yaml), once by {@code Reason} and {@code Campaign}.
     */
    public static final String SENT_WHILE_SUPPRESSED = "SentWhileSuppressed";
    /** Recipients whose receiving server refused the sender (5.7.x, 5.6.x permanent bounces): suppresses no one. */
    public static final String SENDER_REJECTIONS = "SenderRejections";
    /** Campaigns the campaign guard paused (alarmed on), also by {@code Campaign} and {@code Reason}. */
    public static final String CAMPAIGNS_PAUSED = "CampaignsPaused";
    /** Batches whose campaign counters could not be written (their records are retried). */
    public static final String CAMPAIGN_COUNTER_FAILURES = "CampaignCounterFailures";
    /** Recipients of SES feedback skipped because they are not addresses (the others were applied). */
    public static final String FEEDBACK_RECIPIENTS_REJECTED = "FeedbackRecipientsRejected";
    /** Messages on the feedback queue refused as not from the SES events topic (forged, or misconfigured). */
    public static final String FEEDBACK_MESSAGES_UNAUTHENTIC = "FeedbackMessagesUnauthentic";
    /** Unsubscribe mails that changed nothing (failed verdicts, bad token, unauthenticated sender), with a {@code Reason} dimension. */
    public static final String MAILS_REFUSED = "UnsubscribeMailsRefused";

    private Metrics() {
    }
}
