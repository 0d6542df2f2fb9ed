package dev.optout.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.json.JsonFields;
import dev.optout.json.LightJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQS event Lambda sends ({@code {"Records":[...]}}) and the partial batch response it reads
 * back ({@code {"batchItemFailures":[{"itemIdentifier":...}]}}), with jackson-core's streaming
 * parser. The SQS functions are {@code RequestStreamHandler}s that use this instead of the Java
 * runtime's POJO serialization: that binds events through its own copy of Jackson databind and
 * reflection on first use, a few hundred milliseconds of every cold start that no function code
 * can prime. The events are still aws-lambda-java-events' {@link SQSEvent} objects.
 */
public final class SqsEventJson {
    private SqsEventJson() {
    }

    /** Reads an SQS event; a payload that is not one is an {@link IOException} (the batch fails and is retried, nothing is lost). */
    public static SQSEvent read(InputStream in) throws IOException {
        Map<String, Object> event = JsonFields.object(LightJson.parse(in), "the SQS event");
        List<Object> records = JsonFields.array(event, "Records");
        List<SQSEvent.SQSMessage> messages = new ArrayList<>(records == null ? 0 : records.size());
        if (records != null) {
            for (Object r : records) {
                messages.add(message(JsonFields.object(r, "an SQS record")));
            }
        }
        SQSEvent e = new SQSEvent();
        e.setRecords(messages);
        return e;
    }

    private static SQSEvent.SQSMessage message(Map<String, Object> r) throws IOException {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(JsonFields.string(r, "messageId"));
        m.setReceiptHandle(JsonFields.string(r, "receiptHandle"));
        m.setBody(JsonFields.string(r, "body"));
        m.setMd5OfBody(JsonFields.string(r, "md5OfBody"));
        m.setMd5OfMessageAttributes(JsonFields.string(r, "md5OfMessageAttributes"));
        m.setEventSourceArn(JsonFields.string(r, "eventSourceARN"));
        m.setEventSource(JsonFields.string(r, "eventSource"));
        m.setAwsRegion(JsonFields.string(r, "awsRegion"));
        m.setAttributes(JsonFields.stringMap(r, "attributes"));
        Map<String, Object> attributes = JsonFields.object(r, "messageAttributes");
        if (attributes != null) {
            Map<String, SQSEvent.MessageAttribute> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> a : attributes.entrySet()) {
                out.put(a.getKey(), attribute(JsonFields.object(a.getValue(), "message attribute " + a.getKey())));
            }
            m.setMessageAttributes(out);
        }
        return m;
    }

    private static SQSEvent.MessageAttribute attribute(Map<String, Object> a) throws IOException {
        SQSEvent.MessageAttribute m = new SQSEvent.MessageAttribute();
        m.setDataType(JsonFields.string(a, "dataType"));
        m.setStringValue(JsonFields.string(a, "stringValue"));
        String binary = JsonFields.string(a, "binaryValue");
        m.setBinaryValue(binary == null ? null : ByteBuffer.wrap(base64(binary)));
        m.setStringListValues(JsonFields.strings(a, "stringListValues"));
        List<String> binaries = JsonFields.strings(a, "binaryListValues");
        if (binaries != null) {
            List<ByteBuffer> values = new ArrayList<>(binaries.size());
            for (String b : binaries) {
                values.add(ByteBuffer.wrap(base64(b)));
            }
            m.setBinaryListValues(values);
        }
        return m;
    }

    private static byte[] base64(String s) throws IOException {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IOException("a binary message attribute is not base64", e);
        }
    }

    /** Writes the partial batch response Lambda reads (an empty list: the whole batch succeeded). */
    public static void write(SQSBatchResponse response, OutputStream out) throws IOException {
        List<Map<String, Object>> failures = new ArrayList<>();
        if (response != null && response.getBatchItemFailures() != null) {
            for (SQSBatchResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                failures.add(Map.of("itemIdentifier", f.getItemIdentifier()));
            }
        }
        LightJson.write(Map.of("batchItemFailures", failures), out);
    }

    /** Writes an SQS event as Lambda sends it, without message attributes (no function reads them): priming input. */
    public static byte[] toJson(SQSEvent event) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (SQSEvent.SQSMessage m : event.getRecords()) {
            Map<String, Object> r = new LinkedHashMap<>();
            JsonFields.putIfSet(r, "messageId", m.getMessageId());
            JsonFields.putIfSet(r, "receiptHandle", m.getReceiptHandle());
            JsonFields.putIfSet(r, "body", m.getBody());
            JsonFields.putIfSet(r, "md5OfBody", m.getMd5OfBody());
            JsonFields.putIfSet(r, "eventSourceARN", m.getEventSourceArn());
            JsonFields.putIfSet(r, "eventSource", m.getEventSource());
            JsonFields.putIfSet(r, "awsRegion", m.getAwsRegion());
            JsonFields.putIfSet(r, "attributes", m.getAttributes());
            records.add(r);
        }
        return LightJson.write(Map.of("Records", records)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a partial batch response as Lambda does (priming checks its own answers; tests). */
    public static SQSBatchResponse readResponse(byte[] json) throws IOException {
        Map<String, Object> o = JsonFields.object(LightJson.parse(new String(json, java.nio.charset.StandardCharsets.UTF_8)),
                "the batch response");
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<Object> listed = JsonFields.array(o, "batchItemFailures");
        if (listed != null) {
            for (Object f : listed) {
                failures.add(new SQSBatchResponse.BatchItemFailure(JsonFields.string(JsonFields.object(f, "a batch item failure"),
                        "itemIdentifier")));
            }
        }
        return new SQSBatchResponse(failures);
    }

    /**
     * One invocation the way Lambda makes it: the event written as Lambda sends it, through the
     * handler's stream entry point, its answer read back (priming, so the JSON path is primed too; tests).
     */
    public static SQSBatchResponse invoke(RequestStreamHandler handler, SQSEvent event, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            handler.handleRequest(new ByteArrayInputStream(toJson(event)), out, context);
            return readResponse(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
