package dev.optout.links;

import dev.optout.check.AnswerSize;
import dev.optout.check.SesTags;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.text.Sha256;
import java.util.regex.Pattern;

/**
 * The {@code Feedback-ID} header of Gmail's feedback loop, so that a sender can read complaint
 * rates per campaign and topic in Google Postmaster Tools:
 * <pre>
 * Feedback-ID: CAMPAIGN:TOPIC:SENDERID
 * </pre>
 * Gmail's format is {@code a:b:c:SenderId}: up to three identifiers chosen by the sender, then a
 * sender id that stays the same for all its mail; fields are separated by colons, so none may
 * contain one. The campaign is the campaign id's SES tag value ({@link SesTags#value}: letters,
 * digits, {@code _}, {@code -}), cut to {@value #MAX_CAMPAIGN_CHARS} characters (with a hash so
 * two campaigns never meet by accident); the topic is the topic id ({@code all} when the link
 * covers all marketing mail); the sender id comes from {@code FEEDBACK_SENDER_ID}. Without a
 * campaign, or without a sender id configured, there is no header.
 */
public final class FeedbackId {
    public static final String HEADER = AnswerSize.FEEDBACK_ID;
    /** The longest campaign field. */
    public static final int MAX_CAMPAIGN_CHARS = 40;
    /** The longest sender id. */
    public static final int MAX_SENDER_ID_CHARS = 32;
    /** The longest topic field: a topic id (TopicCatalog: at most 48 characters). */
    public static final int MAX_TOPIC_CHARS = 48;
    /** The longest header value: campaign:topic:sender (the check's answer-size arithmetic counts it). */
    public static final int MAX_VALUE_CHARS = MAX_CAMPAIGN_CHARS + 1 + MAX_TOPIC_CHARS + 1 + MAX_SENDER_ID_CHARS;
    /** The topic field of a link that covers all marketing mail. */
    public static final String ALL_TOPICS = "all";
    private static final Pattern SENDER_ID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_SENDER_ID_CHARS + "}");

    private final String senderId;

    /** @param senderId letters, digits, {@code . _ -}, at most 32 characters */
    public FeedbackId(String senderId) {
        if (senderId == null || !SENDER_ID.matcher(senderId).matches()) {
            throw new ConfigurationException(Settings.FEEDBACK_SENDER_ID + " must be 1 to " + MAX_SENDER_ID_CHARS
                    + " letters, digits, '.', '_' or '-' (it ends Gmail's Feedback-ID header), got " + senderId);
        }
        this.senderId = senderId;
    }

    /** From {@code FEEDBACK_SENDER_ID}; null when it is not set (no Feedback-ID header). */
    public static FeedbackId fromSettings(Settings settings) {
        return settings.optional(Settings.FEEDBACK_SENDER_ID).filter(s -> !s.isBlank()).map(s -> new FeedbackId(s.strip())).orElse(null);
    }

    public String senderId() {
        return senderId;
    }

    /** The header's value for one mail, or null without a campaign. */
    public String value(String campaignId, String topicId) {
        if (campaignId == null || campaignId.isEmpty()) {
            return null;
        }
        return campaignField(campaignId) + ":" + (topicId == null ? ALL_TOPICS : SesTags.value(topicId)) + ":" + senderId;
    }

    /** The campaign's SES tag value, cut to {@value #MAX_CAMPAIGN_CHARS} characters with a hash of the id when longer. */
    static String campaignField(String campaignId) {
        String tag = SesTags.value(campaignId);
        if (tag.length() <= MAX_CAMPAIGN_CHARS) {
            return tag;
        }
        String hash = Sha256.hexPrefix(Sha256.of(campaignId), 4);
        return tag.substring(0, MAX_CAMPAIGN_CHARS - 9) + "-" + hash;
    }
}
