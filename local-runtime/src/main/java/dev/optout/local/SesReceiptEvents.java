package dev.optout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Amazon SES receipt events for a Lambda action, made locally (the shape of
 * events/inbound-unsubscribe/). The verdicts are given, not computed: locally nothing checks
 * spam, SPF, DKIM or DMARC, so these events are a stand-in for what SES would decide.
 */
public final class SesReceiptEvents {
    /** spam, virus, SPF, DKIM, DMARC. */
    public static final List<String> ALL_PASS = List.of("PASS", "PASS", "PASS", "PASS", "PASS");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VERDICTS = List.of("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict");

    private SesReceiptEvents() {
    }

    /** One received mail from {@code from} to {@code recipient}, with these five verdicts. */
    public static String received(String recipient, String from, String subject, List<String> verdicts) {
        String now = Instant.now().toString();
        String messageId = "local-" + UUID.randomUUID();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventSource", "aws:ses");
        record.put("eventVersion", "1.0");
        ObjectNode ses = record.putObject("ses");
        ObjectNode mail = ses.putObject("mail");
        mail.put("timestamp", now);
        mail.put("source", from);
        mail.put("messageId", messageId);
        mail.putArray("destination").add(recipient);
        mail.put("headersTruncated", false);
        mail.putArray("headers");
        ObjectNode common = mail.putObject("commonHeaders");
        common.put("returnPath", from);
        common.putArray("from").add(from);
        common.putArray("to").add(recipient);
        common.put("messageId", "<" + messageId + "@localhost>");
        common.put("subject", subject);
        ObjectNode receipt = ses.putObject("receipt");
        receipt.put("timestamp", now);
        receipt.put("processingTimeMillis", 0);
        receipt.putArray("recipients").add(recipient);
        for (int i = 0; i < VERDICTS.size(); i++) {
            receipt.putObject(VERDICTS.get(i)).put("status", verdicts.get(i));
        }
        receipt.putObject("action").put("type", "Lambda").put("functionArn", "arn:aws:lambda:local:000000000000:function:"
                + LocalRuntime.INBOUND_FUNCTION).put("invocationType", "Event");
        return root.toString();
    }
}
