package dev.optout.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.json.JsonTree;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an SQS message body into SES feedback. The body is either an SNS envelope
 * ({@code "Type":"Notification"}, whose {@code Message} is a JSON string to parse again) or, with
 * SNS raw message delivery, the SES JSON itself. Both SES formats are understood: identity
 * notifications ({@code notificationType}) and configuration-set event publishing
 * ({@code eventType}).
 *
 * <p>Lenient where SES varies (unknown fields, unknown types and subtypes, display names in
 * addresses, timestamp forms), strict where a rule needs a fact: a bounce or complaint without
 * recipients, or none of whose recipients is an address, or with no id to deduplicate on is an
 * {@link InvalidFeedbackException}. A recipient that is not an address, next to others that are,
 * is skipped and reported in {@link SesEvent#rejectedRecipients()}: the others are still applied.
 */
public final class SesFeedbackParser {
    /** The text SES publishes when an SNS event destination is created (not JSON). */
    public static final String DESTINATION_TEST_MESSAGE = "Successfully validated SNS topic for Amazon SES event publishing.";

    private SesFeedbackParser() {
    }

    public static FeedbackMessage parse(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidFeedbackException("empty message body");
        }
        String text = body.strip();
        if (isDestinationTest(text)) {
            return new ControlMessage(ControlMessage.Kind.SES_DESTINATION_TEST, null, null);
        }
        JsonTree root = readJson(text, "message body");
        if (root.hasNonNull("Type") && root.get("Type").isTextual()) {
            return fromEnvelope(root);
        }
        return fromSes(root, null, null);
    }

    /** As {@link #parse}, for a body already parsed and known to be an SNS envelope (a string {@code Type}): not parsed twice. */
    static FeedbackMessage fromEnvelope(JsonTree envelope) {
        String type = envelope.get("Type").asText();
        String topicArn = textOrNull(envelope, "TopicArn");
        String snsMessageId = textOrNull(envelope, "MessageId");
        switch (type) {
            case "SubscriptionConfirmation":
                return new ControlMessage(ControlMessage.Kind.SUBSCRIPTION_CONFIRMATION, topicArn, snsMessageId);
            case "UnsubscribeConfirmation":
                return new ControlMessage(ControlMessage.Kind.UNSUBSCRIBE_CONFIRMATION, topicArn, snsMessageId);
            case "Notification":
                break;
            default:
                throw new InvalidFeedbackException("SNS message of unknown Type '" + type + "'");
        }
        JsonTree message = envelope.get("Message");
        if (message == null || !message.isTextual()) {
            throw new InvalidFeedbackException("SNS notification without a Message string");
        }
        String inner = message.asText().strip();
        if (isDestinationTest(inner)) {
            return new ControlMessage(ControlMessage.Kind.SES_DESTINATION_TEST, topicArn, snsMessageId);
        }
        return fromSes(readJson(inner, "SNS Message"), topicArn, snsMessageId);
    }

    private static FeedbackMessage fromSes(JsonTree root, String topicArn, String snsMessageId) {
        if (!root.isObject()) {
            throw new InvalidFeedbackException("not from SES: the JSON is not an object");
        }
        SesEvent.Format format;
        String typeName;
        if (root.hasNonNull("eventType")) {
            format = SesEvent.Format.EVENT_PUBLISHING;
            typeName = root.get("eventType").asText();
        } else if (root.hasNonNull("notificationType")) {
            format = SesEvent.Format.NOTIFICATION;
            typeName = root.get("notificationType").asText();
            if ("AmazonSnsSubscriptionSucceeded".equals(typeName)) {
                return new ControlMessage(ControlMessage.Kind.SES_SUBSCRIPTION_SUCCEEDED, topicArn, snsMessageId);
            }
        } else {
            throw new InvalidFeedbackException("not from SES: neither eventType nor notificationType");
        }
        SesEventType type = SesEventType.fromWire(typeName);
        JsonTree mail = root.path("mail");
        String sesMessageId = textOrNull(mail, "messageId");
        Instant mailTimestamp = FeedbackTimestamps.parseOrNull(textOrNull(mail, "timestamp"));
        List<String> destination = new ArrayList<>();
        mail.path("destination").forEach(d -> destination.add(d.asText()));
        Map<String, List<String>> tags = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonTree>> it = mail.path("tags").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonTree> e = it.next();
            List<String> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asText()));
            tags.put(e.getKey(), values);
        }
        SesEvent.Bounce bounce = null;
        SesEvent.Complaint complaint = null;
        SesEvent.Delivery delivery = null;
        SesEvent.Subscription subscription = null;
        List<RejectedRecipient> rejected = new ArrayList<>();
        switch (type) {
            case BOUNCE -> bounce = bounce(root.path("bounce"), sesMessageId, mailTimestamp, rejected);
            case COMPLAINT -> complaint = complaint(root.path("complaint"), sesMessageId, mailTimestamp, rejected);
            case DELIVERY -> delivery = delivery(root.path("delivery"), mailTimestamp, rejected);
            case SUBSCRIPTION -> subscription = subscription(root.path("subscription"), mailTimestamp);
            default -> {
                // Send, Reject, DeliveryDelay, Open, Click, Rendering Failure and unknown types
                // are acknowledged as they are: no rule acts on them.
            }
        }
        return new SesEvent(type, typeName, format, sesMessageId, mailTimestamp, destination, tags,
                bounce, complaint, delivery, subscription, snsMessageId, rejected);
    }

    private static SesEvent.Bounce bounce(JsonTree b, String sesMessageId, Instant mailTimestamp,
                                          List<RejectedRecipient> rejected) {
        if (!b.isObject()) {
            throw new InvalidFeedbackException("Bounce without a bounce object");
        }
        String bounceType = textOrNull(b, "bounceType");
        if (bounceType == null) {
            throw new InvalidFeedbackException("Bounce without bounceType");
        }
        List<FeedbackRecipient> recipients = recipients(b.path("bouncedRecipients"), "bouncedRecipients", rejected);
        return new SesEvent.Bounce(bounceType, textOrNull(b, "bounceSubType"), recipients,
                timestamp(b, mailTimestamp, "Bounce"), feedbackId(b, sesMessageId, "Bounce"),
                textOrNull(b, "reportingMTA"), textOrNull(b, "remoteMtaIp"));
    }

    private static SesEvent.Complaint complaint(JsonTree c, String sesMessageId, Instant mailTimestamp,
                                                List<RejectedRecipient> rejected) {
        if (!c.isObject()) {
            throw new InvalidFeedbackException("Complaint without a complaint object");
        }
        List<FeedbackRecipient> recipients = recipients(c.path("complainedRecipients"), "complainedRecipients", rejected);
        return new SesEvent.Complaint(textOrNull(c, "complaintFeedbackType"), textOrNull(c, "complaintSubType"),
                recipients, timestamp(c, mailTimestamp, "Complaint"), feedbackId(c, sesMessageId, "Complaint"),
                textOrNull(c, "userAgent"));
    }

    private static SesEvent.Delivery delivery(JsonTree d, Instant mailTimestamp, List<RejectedRecipient> rejected) {
        if (!d.isObject()) {
            throw new InvalidFeedbackException("Delivery without a delivery object");
        }
        List<EmailAddress> recipients = new ArrayList<>();
        int skipped = 0;
        int i = 0;
        for (JsonTree r : d.path("recipients")) {
            // An address optout cannot parse was never counted, so a delivery to it resets nothing:
            // skipped (and reported), never a reason to fail the message.
            try {
                recipients.add(AddressParser.parse(r.isTextual() ? r.asText() : null));
            } catch (InvalidAddressException e) {
                skipped++;
                rejected.add(new RejectedRecipient("recipients", i, e.getMessage()));
            }
            i++;
        }
        return new SesEvent.Delivery(recipients, skipped, timestamp(d, mailTimestamp, "Delivery"),
                textOrNull(d, "reportingMTA"));
    }

    private static SesEvent.Subscription subscription(JsonTree s, Instant mailTimestamp) {
        if (!s.isObject()) {
            throw new InvalidFeedbackException("Subscription without a subscription object");
        }
        JsonTree prefs = s.path("newTopicPreferences");
        if (!prefs.isObject()) {
            throw new InvalidFeedbackException("Subscription without newTopicPreferences");
        }
        JsonTree old = s.path("oldTopicPreferences");
        SesEvent.Subscription.Preferences before = old.isObject()
                ? new SesEvent.Subscription.Preferences(old.path("unsubscribeAll").asBoolean(false), topicStatuses(old)) : null;
        return new SesEvent.Subscription(textOrNull(s, "contactList"), timestamp(s, mailTimestamp, "Subscription"),
                textOrNull(s, "source"), prefs.path("unsubscribeAll").asBoolean(false), topicStatuses(prefs), before);
    }

    private static Map<String, String> topicStatuses(JsonTree preferences) {
        Map<String, String> statuses = new LinkedHashMap<>();
        for (JsonTree t : preferences.path("topicSubscriptionStatus")) {
            String name = textOrNull(t, "topicName");
            String status = textOrNull(t, "subscriptionStatus");
            if (name != null && status != null) {
                statuses.put(name, status);
            }
        }
        return statuses;
    }

    /**
     * The recipients that are addresses; the others are added to {@code rejected}. Fails only when
     * there are none at all or none is an address: then nothing in the message could be applied.
     */
    private static List<FeedbackRecipient> recipients(JsonTree list, String field, List<RejectedRecipient> rejected) {
        if (!list.isArray() || list.isEmpty()) {
            throw new InvalidFeedbackException("no " + field);
        }
        List<FeedbackRecipient> recipients = new ArrayList<>();
        List<RejectedRecipient> skipped = new ArrayList<>();
        int i = 0;
        for (JsonTree r : list) {
            String raw = textOrNull(r, "emailAddress");
            try {
                if (raw == null) {
                    throw new InvalidAddressException("no emailAddress");
                }
                recipients.add(new FeedbackRecipient(AddressParser.parse(raw), textOrNull(r, "action"),
                        textOrNull(r, "status"), textOrNull(r, "diagnosticCode")));
            } catch (InvalidAddressException e) {
                // the reason names the fault, never the address
                skipped.add(new RejectedRecipient(field, i, e.getMessage()));
            }
            i++;
        }
        if (recipients.isEmpty()) {
            StringBuilder why = new StringBuilder("no " + field + " entry is an address:");
            skipped.forEach(x -> why.append(" [").append(x.index()).append("] ").append(x.reason()).append(';'));
            throw new InvalidFeedbackException(why.substring(0, why.length() - 1));
        }
        rejected.addAll(skipped);
        return recipients;
    }

    /** The event's own time; the send time when SES left it out; an error when neither is there. */
    private static Instant timestamp(JsonTree node, Instant mailTimestamp, String what) {
        String raw = textOrNull(node, "timestamp");
        Instant t = FeedbackTimestamps.parseOrNull(raw);
        if (t != null) {
            return t;
        }
        if (raw == null && mailTimestamp != null) {
            return mailTimestamp;
        }
        throw new InvalidFeedbackException(what + " has " + (raw == null ? "no timestamp" : "an unreadable timestamp"));
    }

    /** SES's feedback id, else the SES message id: one of them is needed to deduplicate. */
    private static String feedbackId(JsonTree node, String sesMessageId, String what) {
        String id = textOrNull(node, "feedbackId");
        if (id != null) {
            return id;
        }
        if (sesMessageId != null) {
            return sesMessageId;
        }
        throw new InvalidFeedbackException(what + " has neither feedbackId nor mail.messageId");
    }

    private static boolean isDestinationTest(String text) {
        return text.equals(DESTINATION_TEST_MESSAGE);
    }

    private static JsonTree readJson(String text, String what) {
        if (!text.startsWith("{") && !text.startsWith("[")) {
            throw new InvalidFeedbackException(what + " is not JSON");
        }
        try {
            return JsonTree.parse(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new InvalidFeedbackException(what + " is not valid JSON" + where);
        } catch (java.io.IOException e) {
            throw new InvalidFeedbackException(what + " is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static String textOrNull(JsonTree node, String field) {
        JsonTree v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        String s = v.asText();
        return s.isBlank() ? null : s;
    }
}
