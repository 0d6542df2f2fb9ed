package dev.optout.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code {"topic": "newsletter", "campaignId": "2026-11-weekly", "purpose": "marketing", "fields": ["headers"], "recipients": ["ana@example.com", ...]}}
 *
 * <p>Any other key is refused, naming it and the key it most likely meant: a misspelt
 * {@code campaignID} ignored would let the mail past the campaign guard.
 *
 * @param topic      the catalog topic; required for marketing, optional (and not looked up) for transactional mail
 * @param campaignId optional; goes into the unsubscribe links and SES tags so an opt-out, a bounce or
 *                   a complaint names its campaign, and selects the campaign guard
 * @param purpose    {@code "marketing"} (default) or {@code "transactional"}: see {@link Purpose}
 * @param fields     the result fields to answer (default: all); fewer fields allow more recipients per call
 */
public record CheckRequest(String topic, String campaignId, List<String> recipients, Purpose purpose, Set<ResultField> fields) {
    /** The most recipients of a call with every field (the default answer): see {@link AnswerSize}. */
    public static final int MAX_RECIPIENTS = AnswerSize.maxRecipients(ResultField.ALL);
    /** The request's keys. */
    public static final List<String> KEYS = List.of("topic", "campaignId", "purpose", "fields", "recipients");
    /** In UTF-8 bytes, not characters: the id goes into every unsubscribe link, which must stay openable. */
    public static final int MAX_CAMPAIGN_ID_BYTES = dev.optout.token.TokenFormat.MAX_CAMPAIGN_BYTES;

    public CheckRequest {
        recipients = List.copyOf(recipients);
        purpose = purpose == null ? Purpose.MARKETING : purpose;
        fields = fields == null ? ResultField.ALL
                : Collections.unmodifiableSet(fields.isEmpty() ? EnumSet.noneOf(ResultField.class) : EnumSet.copyOf(fields));
    }

    /** Every field in the answer (the default). */
    public CheckRequest(String topic, String campaignId, List<String> recipients, Purpose purpose) {
        this(topic, campaignId, recipients, purpose, ResultField.ALL);
    }

    /** The most recipients this request's answer allows. */
    public int maxRecipients() {
        return AnswerSize.maxRecipients(fields);
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
        for (Object key : object.keySet()) {
            if (!KEYS.contains((String) key)) {
                throw new InvalidCheckRequestException(unknown("key", (String) key, KEYS) + "; a check request has only "
                        + quoted(KEYS));
            }
        }
        Set<ResultField> fields = fields(object.get("fields"));
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
        int max = AnswerSize.maxRecipients(fields);
        if (list.size() > max) {
            throw new InvalidCheckRequestException("\"recipients\" has " + list.size() + " entries; at most " + max
                    + " per request " + (fields.equals(ResultField.ALL) ? "with every field" : "with \"fields\" " + names(fields))
                    + " (the answer must fit Lambda's 6 MB response limit): split the batch"
                    + (max < AnswerSize.CEILING ? ", or ask for fewer \"fields\"" : ""));
        }
        List<String> recipients = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String r)) {
                throw new InvalidCheckRequestException("\"recipients\"[" + i + "] must be a string, got " + jsonType(list.get(i)));
            }
            int bytes = AnswerSize.jsonStringBytes(r);
            if (bytes > AnswerSize.MAX_RECIPIENT_BYTES) {
                throw new InvalidCheckRequestException("\"recipients\"[" + i + "] is " + bytes + " bytes; at most "
                        + AnswerSize.MAX_RECIPIENT_BYTES + " (an address is at most 254 characters): is it an address?");
            }
            recipients.add(r);
        }
        return new CheckRequest((String) topic, campaign, recipients, purpose, fields);
    }

    /** {@code "fields"}: absent means all; otherwise a non-empty array of known field names. */
    private static Set<ResultField> fields(Object value) {
        if (value == null) {
            return ResultField.ALL;
        }
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidCheckRequestException("\"fields\" must be a non-empty array of field names: " + ResultField.known());
        }
        Set<ResultField> fields = EnumSet.noneOf(ResultField.class);
        for (Object item : list) {
            if (!(item instanceof String name)) {
                throw new InvalidCheckRequestException("\"fields\" must hold field names (strings), got " + jsonType(item));
            }
            if (name.equals(ResultField.ALWAYS)) {
                continue;
            }
            ResultField f = ResultField.byJsonName(name);
            if (f == null) {
                List<String> known = new ArrayList<>();
                known.add(ResultField.ALWAYS);
                for (ResultField k : ResultField.values()) {
                    known.add(k.jsonName());
                }
                throw new InvalidCheckRequestException(unknown("field", name, known) + "; \"fields\" may hold " + ResultField.known());
            }
            fields.add(f);
        }
        return fields;
    }

    private static String unknown(String what, String given, List<String> known) {
        String shown = given.length() > 40 ? given.substring(0, 40) + "…" : given;
        String nearest = NearestName.of(given, known);
        return "unknown " + what + " \"" + shown + "\"" + (nearest == null ? "" : " (did you mean \"" + nearest + "\"?)");
    }

    private static String names(Set<ResultField> fields) {
        List<String> names = new ArrayList<>();
        for (ResultField f : fields) {
            names.add(f.jsonName());
        }
        return quoted(names);
    }

    private static String quoted(List<String> names) {
        return "\"" + String.join("\", \"", names) + "\"";
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
