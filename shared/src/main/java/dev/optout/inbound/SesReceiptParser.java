package dev.optout.inbound;

import dev.optout.json.JsonTree;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the event Amazon SES passes to a receipt rule's Lambda action: {@code Records[].ses.mail}
 * (with {@code commonHeaders}) and {@code Records[].ses.receipt} (with the spam, virus, SPF, DKIM
 * and DMARC verdicts), as the SES Developer Guide documents it ("Lambda action: event"). Fields
 * this function does not need are ignored; a missing message id or recipients list is an error,
 * and a missing or undocumented verdict counts as not passed (never a guess in the sender's favour).
 */
public final class SesReceiptParser {
    private SesReceiptParser() {
    }

    public static List<ReceivedMail> parse(InputStream in) {
        JsonTree root;
        try {
            root = JsonTree.parse(in);
        } catch (IOException e) {
            throw new InvalidReceiptException("event is not JSON");
        }
        if (root == null || !root.path("Records").isArray() || root.path("Records").isEmpty()) {
            throw new InvalidReceiptException("event has no Records: not an SES receipt event");
        }
        List<ReceivedMail> mails = new ArrayList<>();
        for (JsonTree record : root.get("Records")) {
            mails.add(parseRecord(record));
        }
        return mails;
    }

    private static ReceivedMail parseRecord(JsonTree record) {
        JsonTree mail = record.path("ses").path("mail");
        JsonTree receipt = record.path("ses").path("receipt");
        if (!mail.isObject() || !receipt.isObject()) {
            throw new InvalidReceiptException("record has no ses.mail and ses.receipt: not an SES receipt event");
        }
        String messageId = mail.path("messageId").asText("");
        if (messageId.isBlank()) {
            throw new InvalidReceiptException("ses.mail.messageId is missing");
        }
        if (!receipt.path("recipients").isArray()) {
            throw new InvalidReceiptException("ses.receipt.recipients is missing");
        }
        Instant timestamp;
        try {
            timestamp = Instant.parse(mail.path("timestamp").asText(""));
        } catch (DateTimeParseException e) {
            throw new InvalidReceiptException("ses.mail.timestamp is not an ISO-8601 time");
        }
        ReceivedMail.Verdicts verdicts = new ReceivedMail.Verdicts(verdict(receipt, "spamVerdict"), verdict(receipt, "virusVerdict"),
                verdict(receipt, "spfVerdict"), verdict(receipt, "dkimVerdict"), verdict(receipt, "dmarcVerdict"));
        return new ReceivedMail(messageId, timestamp, mail.path("source").asText(""),
                texts(mail.path("commonHeaders").path("from")), texts(receipt.path("recipients")), verdicts);
    }

    private static Verdict verdict(JsonTree receipt, String name) {
        return Verdict.of(receipt.path(name).path("status").isTextual() ? receipt.path(name).path("status").asText() : null);
    }

    private static List<String> texts(JsonTree array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
        }
        return out;
    }
}
