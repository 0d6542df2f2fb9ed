package dev.optout.function.inbound;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.inbound.InboundUnsubscribe;
import dev.optout.inbound.InboundUnsubscribe.Outcome;
import dev.optout.inbound.InvalidReceiptException;
import dev.optout.inbound.ReceivedMail;
import dev.optout.inbound.SesReceiptParser;
import dev.optout.json.LightJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.links.MailtoAddresses;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.InvalidTokenException;
import dev.optout.suppression.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * InboundUnsubscribeFunction: an Amazon SES receipt rule's Lambda action (Event invocation) for
 * the unsubscribe domain. Each mail to a sealed {@code <token>@DOMAIN} or to
 * {@code unsubscribe@DOMAIN} is applied by the rules of {@link InboundUnsubscribe}; the answer
 * ({@code {"results":[{"kind","scope","detail"}...]}}, one per recipient) is for local runs and
 * tests: SES ignores it, and no mail is ever sent back.
 *
 * <p>Logs carry SES's message id, the outcome and verdicts: never an address or a token.
 * Failures: an event that is not an SES receipt event throws {@link InvalidReceiptException}
 * (logged; retrying it cannot help); a store failure throws {@link StoreUnavailableException},
 * so that Lambda retries the event (asynchronous invocation: twice), and a redelivery
 * changes nothing twice (each change is recorded once per message).
 */
public final class InboundUnsubscribeHandler implements RequestStreamHandler {
    private final InboundUnsubscribe inbound;
    private final EventLog log;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public InboundUnsubscribeHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs {@code UNSUBSCRIBE_MAIL_DOMAIN}: without a receiving domain this function has nothing to receive. */
    public InboundUnsubscribeHandler(Wiring wiring) {
        this(new InboundUnsubscribe(wiring.store(), wiring.mailtoAddresses().orElseThrow(() -> new ConfigurationException(
                        Settings.UNSUBSCRIBE_MAIL_DOMAIN + " is not set: the function needs the domain SES receives unsubscribe mail for")),
                        wiring.clock()),
                EventLog.stdout(Metrics.INBOUND_UNSUBSCRIBE));
        MailtoAddresses addresses = wiring.mailtoAddresses().orElseThrow();
        SuppressionStore store = wiring.store();
        this.snapStartHooks = wiring.snapStartHooks(() -> prime(addresses, store));
    }

    /**
     * SnapStart priming: seals and opens a mailto token for the reserved {@link Priming#ADDRESS},
     * then handles a receipt event for it, the same mail refused, and an unauthenticated mail to the
     * plain unsubscribe address, through the whole handler in a
     * {@link DryRun}: writes are built and never sent, nothing is logged (the token is never sent anywhere).
     */
    private void prime(MailtoAddresses addresses, SuppressionStore store) {
        String uri = addresses.uriFor(Priming.ADDRESS, null);
        String localPart = uri.substring("mailto:".length(), uri.indexOf('@'));
        try {
            Priming.expect(addresses.sealer().open(localPart).topic() == null, "the primed mailto token named a topic");
        } catch (InvalidTokenException e) {
            throw new IllegalStateException("SnapStart priming failed: the primed mailto token did not open: " + e.getMessage(), e);
        }
        String recipient = localPart + "@" + addresses.domain();
        // Shaped as SES sends it (the events/ samples): the headers array, a boolean and numbers too, so
        // that the parser's paths for them are warm when the first real receipt arrives.
        String event = "{\"Records\":[{\"eventSource\":\"aws:ses\",\"eventVersion\":\"1.0\",\"ses\":{\"mail\":{"
                + "\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"source\":\"" + Priming.ADDRESS.value() + "\","
                + "\"messageId\":\"snapstart-priming\",\"destination\":[\"" + recipient + "\"],\"headersTruncated\":false,"
                + "\"headers\":[{\"name\":\"Return-Path\",\"value\":\"<" + Priming.ADDRESS.value() + ">\"},"
                + "{\"name\":\"Received\",\"value\":\"from mail.invalid (mail.invalid [192.0.2.1]) by inbound-smtp with SMTP id"
                + " snapstart-priming; Thu, 01 Jan 2026 00:00:00 +0000 (UTC)\"},{\"name\":\"Subject\",\"value\":\"unsubscribe\"},"
                + "{\"name\":\"Date\",\"value\":\"Thu, 1 Jan 2026 00:00:00 +0000\"},{\"name\":\"Message-ID\",\"value\":\"<priming@mail.invalid>\"}],"
                + "\"commonHeaders\":{\"returnPath\":\"" + Priming.ADDRESS.value() + "\",\"from\":[\"" + Priming.ADDRESS.value() + "\"],"
                + "\"date\":\"Thu, 1 Jan 2026 00:00:00 +0000\",\"to\":[\"" + recipient + "\"],\"messageId\":\"<priming@mail.invalid>\","
                + "\"subject\":\"\"}},"
                + "\"receipt\":{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"processingTimeMillis\":612,"
                + "\"recipients\":[\"" + recipient + "\"],\"spamVerdict\":{\"status\":\"PASS\"},"
                + "\"virusVerdict\":{\"status\":\"PASS\"},\"spfVerdict\":{\"status\":\"PASS\"},"
                + "\"dkimVerdict\":{\"status\":\"PASS\"},\"dmarcVerdict\":{\"status\":\"PASS\"},\"dmarcPolicy\":\"none\","
                + "\"action\":{\"type\":\"Lambda\",\"invocationType\":\"Event\"}}}}]}";
        byte[] tokenMail = event.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<ReceivedMail> mails = SesReceiptParser.parse(new java.io.ByteArrayInputStream(tokenMail));
        Priming.expect(mails.size() == 1, "the primed receipt event did not parse to one mail");
        store.read(Priming.ADDRESS);
        // The whole handler in a dry run: the token mail's opt-out is built and stopped before it is
        // sent (so it fails as in an outage); the same mail with failed verdicts is refused and answered.
        byte[] refusedMail = event.replace("\"spamVerdict\":{\"status\":\"PASS\"}", "\"spamVerdict\":{\"status\":\"FAIL\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // and a mail to the plain unsubscribe address whose From is not authenticated (SPF passes for
        // another domain, DMARC fails): the alignment rules run, and it is refused
        byte[] plainMail = event.replace(recipient, addresses.plainAddress())
                .replace("\"source\":\"" + Priming.ADDRESS.value() + "\"", "\"source\":\"bounce@elsewhere.invalid\"")
                .replace("\"dmarcVerdict\":{\"status\":\"PASS\"}", "\"dmarcVerdict\":{\"status\":\"FAIL\"}")
                .replace("\"from\":[\"" + Priming.ADDRESS.value() + "\"]", "\"from\":[\"Priming <" + Priming.ADDRESS.value() + ">\"]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DryRun.run(() -> {
            try {
                handleRequest(new java.io.ByteArrayInputStream(tokenMail), OutputStream.nullOutputStream(), null);
            } catch (StoreUnavailableException expected) {
                // the write was stopped: nothing was sent
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (byte[] refused : List.of(refusedMail, plainMail)) {
                try {
                    java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
                    handleRequest(new java.io.ByteArrayInputStream(refused), answer, null);
                    Priming.expect(answer.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\"results\""),
                            "a refused primed mail was not answered");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return null;
        });
        EventLog.prime(Metrics.INBOUND_UNSUBSCRIBE);
    }

    public InboundUnsubscribeHandler(InboundUnsubscribe inbound, EventLog log) {
        this.inbound = inbound;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        List<ReceivedMail> mails;
        try {
            mails = SesReceiptParser.parse(input);
        } catch (InvalidReceiptException e) {
            log.error(requestId, "mail-rejected", Map.of("error", e.getMessage()));
            throw e;
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (ReceivedMail mail : mails) {
            List<Outcome> outcomes;
            try {
                outcomes = inbound.process(mail);
            } catch (StoreUnavailableException e) {
                log.error(requestId, "mail-failed", Map.of("sesMessageId", mail.messageId(), "error", String.valueOf(e.getMessage())));
                throw e;
            }
            for (Outcome o : outcomes) {
                record(requestId, mail, o);
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", o.kind().name());
                r.put("scope", o.scope());
                r.put("detail", o.detail());
                results.add(r);
            }
        }
        LightJson.write(Map.of("results", results), output);
    }

    private void record(String requestId, ReceivedMail mail, Outcome o) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sesMessageId", mail.messageId());
        fields.put("outcome", o.kind().name());
        if (o.scope() != null) {
            fields.put("scope", o.scope());
        }
        if (o.detail() != null) {
            fields.put("detail", o.detail());
        }
        fields.put("verdicts", mail.verdicts().asEvidence());
        if (o.changed()) {
            log.metrics(requestId, "unsubscribed-by-mail", fields, Map.of(Metrics.OPT_OUTS, 1), Map.of("Source", "MAILTO"));
        } else if (o.kind() == InboundUnsubscribe.Kind.DUPLICATE) {
            log.info(requestId, "unsubscribe-mail-repeated", fields);
        } else {
            log.metrics(requestId, "unsubscribe-mail-refused", fields, Map.of(Metrics.MAILS_REFUSED, 1), Map.of("Reason", o.kind().name()));
        }
    }
}
