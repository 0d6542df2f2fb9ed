package dev.optout.feedback;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an SES list-management event says the contact changed: not every status it lists.
 *
 * <p>SES lists a contact's whole preferences, old and new ({@code oldTopicPreferences},
 * {@code newTopicPreferences}). A status the event merely repeats is no act of the person, and
 * applying it would opt people in to topics they never chose (an unsubscribe from one topic that
 * also lists {@code events: OptIn}). So:
 * <ul>
 *   <li>an opt-out applies when the topic was not already opted out before (fail closed: a stop
 *   SES holds is never ignored);</li>
 *   <li>an opt-in applies only when the topic was explicitly opted out before: a topic absent from
 *   the old preferences followed SES's default, and listing it now is no evidence of a choice;</li>
 *   <li>"unsubscribe from all" applies when it was not already set before.</li>
 * </ul>
 * An event without {@code oldTopicPreferences} gives no evidence of any opt-in: only its stops apply.
 *
 * @param unsubscribeAll whether the contact newly unsubscribed from all topics
 * @param topics         SES topic name -> {@code true} for a new opt-in, {@code false} for a new opt-out
 */
public record SubscriptionChanges(boolean unsubscribeAll, Map<String, Boolean> topics) {
    public SubscriptionChanges {
        topics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(topics));
    }

    public static SubscriptionChanges of(SesEvent.Subscription s) {
        SesEvent.Subscription.Preferences before = s.oldPreferences();
        boolean wasUnsubscribedAll = before != null && before.unsubscribeAll();
        Map<String, Boolean> topics = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.topicStatuses().entrySet()) {
            String now = normalized(e.getValue());
            String was = before == null ? null : normalized(before.topicStatuses().get(e.getKey()));
            if (now.equals("optout") && !"optout".equals(was)) {
                topics.put(e.getKey(), false);
            } else if (now.equals("optin") && "optout".equals(was)) {
                topics.put(e.getKey(), true);
            }
        }
        return new SubscriptionChanges(s.unsubscribeAll() && !wasUnsubscribedAll, topics);
    }

    private static String normalized(String status) {
        return status == null ? null : status.toLowerCase(Locale.ROOT);
    }
}
