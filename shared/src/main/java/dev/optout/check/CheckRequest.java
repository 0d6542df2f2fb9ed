package dev.optout.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code {"topic": "newsletter", "campaignId": "2026-11-weekly", "purpose": "marketing", "recipients": ["ana@example.com", ...]}}
 *
 * @param topic      the catalog topic; required for marketing, optional (and not looked up) for transactional mail
 * @param campaignId optional; goes into the unsubscribe links and SES tags so an opt-out, a bounce or
 *                   a complaint names its campaign, and selects the campaign guard
 * @param purpose    {@code "marketing"} (default) or {@code "transactional"}: see {@link Purpose}
 */
public record CheckRequest(String topic, String campaignId, List<String> recipients, Purpose purpose) {
    public static final int MAX_RECIPIENTS = 10_000;
    /** In UTF-8 bytes, not characters: the id goes into every unsubscribe link, which must stay openable. */
    public static final int MAX_CAMPAIGN_ID_BYTES = dev.optout.token.TokenFormat.MAX_CAMPAIGN_BYTES;

    public CheckRequest {
        recipients = List.copyOf(recipients);
        purpose = purpose == null ? Purpose.MARKETING : purpose;
    }

    /** A marketing check (the default purpose). */
    public CheckRequest(String topic, String campaignId, List<String> recipients) {
        this(topic, campaignId, recipients, Purpose.MARKETING);
    }

    /** Parses and validates a request; every problem is an {@link InvalidCheckRequestException}. */
    public static CheckRequest parse(InputStream json) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidCheckRequestException("request is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCheckRequestException("request could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidCheckRequestException("request must be a JSON object with \"topic\" and \"recipients\"");
        }
        JsonNode purposeNode = root.get("purpose");
        if (purposeNode != null && !purposeNode.isNull() && !purposeNode.isTextual()) {
            throw new InvalidCheckRequestException("\"purpose\" must be \"marketing\" or \"transactional\"");
        }
        Purpose purpose = Purpose.parse(purposeNode == null || purposeNode.isNull() ? null : purposeNode.asText());
        JsonNode topic = root.get("topic");
        boolean topicRequired = purpose == Purpose.MARKETING;
        if (topic == null || topic.isNull()) {
            if (topicRequired) {
                throw new InvalidCheckRequestException("\"topic\" is required and must be a string");
            }
        } else if (!topic.isTextual() || topic.asText().isBlank()) {
            throw new InvalidCheckRequestException("\"topic\" is required and must be a string");
        }
        JsonNode campaign = root.get("campaignId");
        if (campaign != null && !campaign.isNull() && !campaign.isTextual()) {
            throw new InvalidCheckRequestException("\"campaignId\" must be a string");
        }
        if (campaign != null && campaign.isTextual()) {
            int bytes = campaign.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_CAMPAIGN_ID_BYTES) {
                throw new InvalidCheckRequestException("\"campaignId\" is " + bytes + " bytes in UTF-8; at most " + MAX_CAMPAIGN_ID_BYTES
                        + " (it goes into every unsubscribe link, and a longer link could not be opened): shorten it");
            }
        }
        JsonNode list = root.get("recipients");
        if (list == null || !list.isArray()) {
            throw new InvalidCheckRequestException("\"recipients\" is required and must be an array of strings");
        }
        if (list.isEmpty()) {
            throw new InvalidCheckRequestException("\"recipients\" is empty: nothing to check");
        }
        if (list.size() > MAX_RECIPIENTS) {
            throw new InvalidCheckRequestException("\"recipients\" has " + list.size() + " entries; at most "
                    + MAX_RECIPIENTS + " per request: split the batch");
        }
        List<String> recipients = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            if (!r.isTextual()) {
                throw new InvalidCheckRequestException("\"recipients\"[" + i + "] must be a string, got " + r.getNodeType());
            }
            recipients.add(r.asText());
        }
        return new CheckRequest(topic == null || topic.isNull() ? null : topic.asText(),
                campaign == null || campaign.isNull() ? null : campaign.asText(), recipients, purpose);
    }
}
