package dev.optout.feedback;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One SES feedback event, whichever format it came in. Only the part matching {@link #type()} is
 * set ({@link #bounce()} for a bounce, ...); the others are {@code null}.
 *
 * @param type            what happened
 * @param typeName        the name as SES sent it (kept for unknown types)
 * @param format          identity notification or event publishing
 * @param sesMessageId    {@code mail.messageId}: the id SES gave the message when it was sent
 * @param mailTimestamp   when the message was sent, when parseable
 * @param destination     {@code mail.destination} as sent (may hold display names)
 * @param tags            {@code mail.tags} (event publishing), e.g. {@code campaign}
 * @param snsMessageId    the SNS message id when it came in an envelope
 * @param rejectedRecipients recipients skipped because they are not addresses (the others are applied)
 */
public record SesEvent(SesEventType type, String typeName, Format format, String sesMessageId, Instant mailTimestamp,
                       List<String> destination, Map<String, List<String>> tags, Bounce bounce, Complaint complaint,
                       Delivery delivery, Subscription subscription, String snsMessageId,
                       List<RejectedRecipient> rejectedRecipients) implements FeedbackMessage {

    public SesEvent {
        destination = destination == null ? List.of() : List.copyOf(destination);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        rejectedRecipients = rejectedRecipients == null ? List.of() : List.copyOf(rejectedRecipients);
    }

    /** An event whose recipients all parsed. */
    public SesEvent(SesEventType type, String typeName, Format format, String sesMessageId, Instant mailTimestamp,
                    List<String> destination, Map<String, List<String>> tags, Bounce bounce, Complaint complaint,
                    Delivery delivery, Subscription subscription, String snsMessageId) {
        this(type, typeName, format, sesMessageId, mailTimestamp, destination, tags, bounce, complaint, delivery,
                subscription, snsMessageId, List.of());
    }

    public enum Format {
        /** Identity feedback notifications: {@code notificationType}. */
        NOTIFICATION,
        /** Configuration-set event publishing: {@code eventType}. */
        EVENT_PUBLISHING
    }

    /**
     * @param bounceType   Permanent, Transient or Undetermined
     * @param bounceSubType General, NoEmail, Suppressed, OnAccountSuppressionList, MailboxFull... (kept as sent)
     * @param feedbackId   SES's id of this bounce report
     * @param reportingMta the MTA that reported it ({@code dsn; mta.example.com}), when present
     */
    public record Bounce(String bounceType, String bounceSubType, List<FeedbackRecipient> recipients, Instant timestamp,
                         String feedbackId, String reportingMta, String remoteMtaIp) {
        public Bounce {
            recipients = List.copyOf(recipients);
        }

        public boolean permanent() {
            return "Permanent".equalsIgnoreCase(bounceType);
        }

        /** SES did not even try: the address is on the account-level suppression list. */
        public boolean onAccountSuppressionList() {
            return "OnAccountSuppressionList".equalsIgnoreCase(bounceSubType);
        }
    }

    /**
     * @param feedbackType    ARF feedback type ({@code abuse}, {@code not-spam}...), when the ISP sent a report
     * @param complaintSubType null, or {@code OnAccountSuppressionList}
     */
    public record Complaint(String feedbackType, String complaintSubType, List<FeedbackRecipient> recipients,
                            Instant timestamp, String feedbackId, String userAgent) {
        public Complaint {
            recipients = List.copyOf(recipients);
        }

        /** The ISP reports the message as not spam (ARF {@code not-spam}): no suppression. */
        public boolean notSpam() {
            return "not-spam".equalsIgnoreCase(feedbackType);
        }
    }

    /**
     * @param recipients   the recipients delivered to; addresses optout could never hold are left out
     * @param skipped      how many recipients were left out as not addresses
     */
    public record Delivery(List<dev.optout.address.EmailAddress> recipients, int skipped, Instant timestamp,
                           String reportingMta) {
        public Delivery {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * SES list management: a contact changed their topic preferences.
     *
     * @param topicStatuses    topic name -> {@code OptIn} or {@code OptOut}, as SES sends it ({@code newTopicPreferences})
     * @param oldPreferences   {@code oldTopicPreferences}, or {@code null} when the event has none
     */
    public record Subscription(String contactList, Instant timestamp, String source, boolean unsubscribeAll,
                               Map<String, String> topicStatuses, Preferences oldPreferences) {
        public Subscription {
            topicStatuses = Map.copyOf(topicStatuses);
        }

        public Subscription(String contactList, Instant timestamp, String source, boolean unsubscribeAll,
                            Map<String, String> topicStatuses) {
            this(contactList, timestamp, source, unsubscribeAll, topicStatuses, null);
        }

        /** What the contact's preferences were before ({@code oldTopicPreferences}). */
        public record Preferences(boolean unsubscribeAll, Map<String, String> topicStatuses) {
            public Preferences {
                topicStatuses = Map.copyOf(topicStatuses);
            }
        }
    }
}
