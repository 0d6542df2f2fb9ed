package dev.optout.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        Object root;
        try {
            byte[] bytes = json.readAllBytes();
            root = isBlank(bytes) ? null : LightJson.parse(new java.io.ByteArrayInputStream(bytes));
        } catch (JsonProcessingException e) {
            throw new InvalidCheckRequestException("request is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidCheckRequestException("request is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> object)) {
            throw new InvalidCheckRequestException("request must be a JSON object with \"topic\" and \"recipients\"");
        }
        Object purposeValue = object.get("purpose");
        if (purposeValue != null && !(purposeValue instanceof String)) {
            throw new InvalidCheckRequestException("\"purpose\" must be \"marketing\" or \"transactional\"");
        }
        Purpose purpose = Purpose.parse((String) purposeValue);
        Object topic = object.get("topic");
        boolean topicRequired = purpose == Purpose.MARKETING;
        if (topic == null) {
            if (topicRequired) {
                throw new InvalidCheckRequestException("\"topic\" is required and must be a string");
            }
        } else if (!(topic instanceof String t) || t.isBlank()) {
            throw new InvalidCheckRequestException("\"topic\" is required and must be a string");
        }
        Object campaignValue = object.get("campaignId");
        if (campaignValue != null && !(campaignValue instanceof String)) {
            throw new InvalidCheckRequestException("\"campaignId\" must be a string");
        }
        String campaign = (String) campaignValue;
        if (campaign != null) {
            int bytes = campaign.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > MAX_CAMPAIGN_ID_BYTES) {
                throw new InvalidCheckRequestException("\"campaignId\" is " + bytes + " bytes in UTF-8; at most " + MAX_CAMPAIGN_ID_BYTES
                        + " (it goes into every unsubscribe link, and a longer link could not be opened): shorten it");
            }
        }
        if (!(object.get("recipients") instanceof List<?> list)) {
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
            if (!(list.get(i) instanceof String r)) {
                throw new InvalidCheckRequestException("\"recipients\"[" + i + "] must be a string, got " + jsonType(list.get(i)));
            }
            recipients.add(r);
        }
        return new CheckRequest((String) topic, campaign, recipients, purpose);
    }

    /** JSON's name for a value's type, as a message shows it (Jackson's node type names). */
    private static String jsonType(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Map) {
            return "OBJECT";
        }
        if (value instanceof List) {
            return "ARRAY";
        }
        return value instanceof Boolean ? "BOOLEAN" : "NUMBER";
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
