package dev.optout.lambda;

import dev.optout.json.JsonFields;
import dev.optout.json.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB Streams event Lambda sends ({@code {"Records":[{"eventName":...,"dynamodb":{...}}]}})
 * and the partial batch response it reads back ({@code {"batchItemFailures":[{"itemIdentifier":
 * <sequence number>}]}}), with jackson-core's streaming parser (as {@link SqsEventJson}): the
 * images become the SDK's {@link AttributeValue}s, the types the table code already speaks.
 */
public final class StreamEventJson {
    private StreamEventJson() {
    }

    /**
     * One stream record.
     *
     * @param eventName      INSERT, MODIFY or REMOVE
     * @param sequenceNumber what a batch item failure names
     * @param createdAt      the approximate time of the table write (seconds), or null
     * @param newImage       the item after the write (empty for REMOVE, or without NEW_IMAGE)
     */
    public record Record(String eventName, String sequenceNumber, Instant createdAt, Map<String, AttributeValue> newImage) {
    }

    /** Reads a stream event; a payload that is not one is an {@link IOException} (the batch is retried). */
    public static List<Record> read(InputStream in) throws IOException {
        Map<String, Object> event = JsonFields.object(LightJson.parse(in), "the stream event");
        List<Object> records = JsonFields.array(event, "Records");
        List<Record> out = new ArrayList<>(records == null ? 0 : records.size());
        if (records != null) {
            for (Object r : records) {
                Map<String, Object> record = JsonFields.object(r, "a stream record");
                Map<String, Object> dynamodb = JsonFields.object(record, "dynamodb");
                if (dynamodb == null) {
                    throw new IOException("a stream record without \"dynamodb\"");
                }
                Object created = dynamodb.get("ApproximateCreationDateTime");
                Instant createdAt = created instanceof Number n ? Instant.ofEpochMilli((long) (n.doubleValue() * 1000)) : null;
                Map<String, Object> image = JsonFields.object(dynamodb, "NewImage");
                out.add(new Record(JsonFields.string(record, "eventName"), JsonFields.string(dynamodb, "SequenceNumber"),
                        createdAt, image == null ? Map.of() : item(image)));
            }
        }
        return out;
    }

    /** An item in DynamoDB's JSON ({@code {"name":{"S":"..."}}}) as the SDK's attribute values. */
    public static Map<String, AttributeValue> item(Map<String, Object> json) throws IOException {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            item.put(e.getKey(), value(JsonFields.object(e.getValue(), "attribute " + e.getKey())));
        }
        return item;
    }

    @SuppressWarnings("unchecked")
    private static AttributeValue value(Map<String, Object> v) throws IOException {
        if (v.size() != 1) {
            throw new IOException("an attribute value has one type, got " + v.keySet());
        }
        Map.Entry<String, Object> e = v.entrySet().iterator().next();
        Object x = e.getValue();
        switch (e.getKey()) {
            case "S":
                return AttributeValue.fromS((String) x);
            case "N":
                return AttributeValue.fromN(String.valueOf(x));
            case "BOOL":
                return AttributeValue.fromBool((Boolean) x);
            case "NULL":
                return AttributeValue.fromNul(Boolean.TRUE);
            case "B":
                return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode((String) x)));
            case "SS":
                return AttributeValue.fromSs((List<String>) x);
            case "NS": {
                List<String> ns = new ArrayList<>();
                for (Object o : (List<Object>) x) {
                    ns.add(String.valueOf(o));
                }
                return AttributeValue.fromNs(ns);
            }
            case "M":
                return AttributeValue.fromM(item((Map<String, Object>) x));
            case "L": {
                List<AttributeValue> l = new ArrayList<>();
                for (Object o : (List<Object>) x) {
                    l.add(value(JsonFields.object(o, "a list element")));
                }
                return AttributeValue.fromL(l);
            }
            default:
                throw new IOException("unknown attribute type " + e.getKey());
        }
    }

    /** The item in DynamoDB's JSON (the inverse of {@link #item}): building stream events (tests, priming). */
    public static Map<String, Object> json(Map<String, AttributeValue> item) {
        Map<String, Object> out = new LinkedHashMap<>();
        item.forEach((k, v) -> out.put(k, json(v)));
        return out;
    }

    private static Map<String, Object> json(AttributeValue v) {
        if (v.s() != null) {
            return Map.of("S", v.s());
        } else if (v.n() != null) {
            return Map.of("N", v.n());
        } else if (v.bool() != null) {
            return Map.of("BOOL", v.bool());
        } else if (v.hasSs()) {
            return Map.of("SS", v.ss());
        } else if (v.hasNs()) {
            return Map.of("NS", v.ns());
        } else if (v.hasM()) {
            return Map.of("M", json(v.m()));
        } else if (v.hasL()) {
            List<Object> l = new ArrayList<>();
            v.l().forEach(x -> l.add(json(x)));
            return Map.of("L", l);
        } else if (v.b() != null) {
            return Map.of("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
        }
        return Map.of("NULL", true);
    }

    /** A stream event of INSERT records, as Lambda sends it (tests, priming). */
    public static byte[] toJson(List<Record> records) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Record r : records) {
            Map<String, Object> dynamodb = new LinkedHashMap<>();
            if (r.createdAt() != null) {
                dynamodb.put("ApproximateCreationDateTime", r.createdAt().getEpochSecond());
            }
            dynamodb.put("SequenceNumber", r.sequenceNumber());
            dynamodb.put("NewImage", json(r.newImage()));
            dynamodb.put("StreamViewType", "NEW_IMAGE");
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("eventName", r.eventName());
            record.put("eventSource", "aws:dynamodb");
            record.put("dynamodb", dynamodb);
            out.add(record);
        }
        return LightJson.write(Map.of("Records", out)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Writes the partial batch response: the sequence numbers of the records to retry (empty: all done). */
    public static void writeResponse(List<String> failedSequenceNumbers, OutputStream out) throws IOException {
        List<Map<String, Object>> failures = new ArrayList<>();
        for (String s : failedSequenceNumbers) {
            failures.add(Map.of("itemIdentifier", s));
        }
        LightJson.write(Map.of("batchItemFailures", failures), out);
    }
}
