package dev.optout.function.feedback;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResult;
import dev.optout.check.LinkProvider;
import dev.optout.check.PresendCheck;
import dev.optout.check.SesTags;
import dev.optout.feedback.FeedbackAuthenticity;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackReader;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.suppression.Action;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SES Send and Delivery events audited for mail sent after an opt-out, and the campaign guard
 * pausing a campaign whose complaint rate crosses the threshold, against the local table (moto).
 */
@ExtendWith(LocalAwsExtension.class)
class SendAuditAndCampaignGuardIT {
    /** The records carry raw SES bodies: accepted as with raw message delivery enabled (no SNS envelope to verify). */
    private static final FeedbackReader RAW_SES_BODIES = FeedbackReader.from(
            new FeedbackAuthenticity("arn:aws:sns:us-east-1:123456789012:optout-ses-feedback", false, true));
    private static final Instant OPTED_OUT = Instant.parse("2026-11-02T09:00:00Z");
    private static final Instant SENT = Instant.parse("2026-11-04T10:30:00Z");

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final EventLog log = new EventLog("ses-feedback", new PrintStream(logBytes, true, StandardCharsets.UTF_8), Clock.systemUTC());
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final AtomicInteger ids = new AtomicInteger();
    private LocalAws aws;
    private String table;
    private SuppressionStore store;
    private CampaignGuard guard;
    private SesFeedbackHandler handler;
    private BatchStateReader reader;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws);
        table = fixture.table();
        store = fixture.store();
        guard = new CampaignGuard(aws.dynamoDb(), table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        handler = new SesFeedbackHandler(RAW_SES_BODIES, new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS, SuppressionMirror.NONE,
                new SendAudit(store, catalog)), guard, log, 4);
        reader = new BatchStateReader(aws.dynamoDb(), table, 2);
    }

    @AfterEach
    void close() {
        reader.close();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static String tags(String campaign, String topic, String purpose) {
        List<String> t = new ArrayList<>();
        t.add("\"ses:configuration-set\":[\"optout\"]");
        if (campaign != null) {
            t.add("\"" + SesTags.CAMPAIGN + "\":[\"" + campaign + "\"]");
        }
        if (topic != null) {
            t.add("\"" + SesTags.TOPIC + "\":[\"" + topic + "\"]");
        }
        if (purpose != null) {
            t.add("\"" + SesTags.PURPOSE + "\":[\"" + purpose + "\"]");
        }
        return "{" + String.join(",", t) + "}";
    }

    private static String mail(String messageId, Instant at, List<String> to, String tags) {
        return "\"mail\":{\"timestamp\":\"" + at + "\",\"messageId\":\"" + messageId + "\",\"destination\":"
                + Json.MAPPER.valueToTree(to) + ",\"tags\":" + tags + "}";
    }

    private static String send(String messageId, Instant at, List<String> to, String tags) {
        return "{\"eventType\":\"Send\"," + mail(messageId, at, to, tags) + ",\"send\":{}}";
    }

    private static String delivery(String messageId, Instant at, String to, String tags) {
        return "{\"eventType\":\"Delivery\"," + mail(messageId, at, List.of(to), tags) + ",\"delivery\":{\"timestamp\":\""
                + at.plusSeconds(2) + "\",\"recipients\":[\"" + to + "\"],\"reportingMTA\":\"a8-1.smtp-out.amazonses.com\"}}";
    }

    private static String complaint(String messageId, Instant at, String to, String tags) {
        return "{\"eventType\":\"Complaint\"," + mail(messageId, at, List.of(to), tags) + ",\"complaint\":{\"timestamp\":\""
                + at.plusSeconds(60) + "\",\"feedbackId\":\"fb-" + messageId + "\",\"complaintFeedbackType\":\"abuse\","
                + "\"complainedRecipients\":[{\"emailAddress\":\"" + to + "\"}]}}";
    }

    /** One Lambda invocation with these SQS bodies (raw message delivery). */
    private SQSBatchResponse deliver(List<String> bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (String b : bodies) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("sqs-" + ids.incrementAndGet());
            m.setBody(b);
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return handler.handleRequest(event, null);
    }

    private List<JsonNode> logLines(String event) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logBytes.toString(StandardCharsets.UTF_8).split("\n")) {
            try {
                JsonNode n = Json.MAPPER.readTree(line);
                if (event.equals(n.path("event").asText())) {
                    lines.add(n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    private List<HistoryEvent> sentWhileSuppressed(String address) {
        return store.history(addr(address), 20).stream().filter(h -> h.action() == Action.SENT_WHILE_SUPPRESSED).toList();
    }

    private CheckResult check(String address, String campaign) {
        PresendCheck check = new PresendCheck(catalog, KEYS, reader, LinkProvider.NONE, guard);
        return check.check(new CheckRequest("newsletter", campaign, List.of(address)),
                Deadline.after(Duration.ofSeconds(10), Clock.systemUTC())).results().get(0);
    }

    @Test
    void aSendAfterAnOptOutIsRecordedOnceInTheHistoryWithTheMetric() {
        store.apply(addr("ana@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, OPTED_OUT)));
        String tags = tags("nov-weekly", "newsletter", "marketing");

        SQSBatchResponse response = deliver(List.of(send("msg-1", SENT, List.of("Ana <ana@example.com>", "budi@example.com"), tags)));

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<HistoryEvent> found = sentWhileSuppressed("ana@example.com");
        assertThat(found).hasSize(1);
        HistoryEvent h = found.get(0);
        assertThat(h.source()).isEqualTo(Source.SES_SEND);
        assertThat(h.at()).isEqualTo(SENT);
        assertThat(h.campaignId()).isEqualTo("nov-weekly");
        assertThat(h.topic()).isEqualTo("newsletter");
        assertThat(h.evidence()).containsEntry("reason", "UNSUBSCRIBED_TOPIC").containsEntry("blockedSince", OPTED_OUT.toString())
                .containsEntry("sesMessageId", "msg-1").containsEntry("blockSource", "ONE_CLICK")
                .containsEntry("delaySeconds", Long.toString(Duration.between(OPTED_OUT, SENT).toSeconds()));
        assertThat(sentWhileSuppressed("budi@example.com")).as("not blocked: nothing recorded").isEmpty();

        JsonNode metric = logLines("sent-while-suppressed-detail").get(0);
        assertThat(metric.path(Metrics.SENT_WHILE_SUPPRESSED).asInt()).isEqualTo(1);
        assertThat(metric.path("Reason").asText()).isEqualTo("UNSUBSCRIBED_TOPIC");
        assertThat(metric.path("Campaign").asText()).isEqualTo("nov-weekly");
        assertThat(metric.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").get(0))
                .extracting(JsonNode::asText).containsExactlyInAnyOrder("Function", "Reason", "Campaign");
        assertThat(logLines("sent-while-suppressed").get(0).path(Metrics.SENT_WHILE_SUPPRESSED).asInt()).isEqualTo(1);

        // the same message's Delivery event, and a redelivery of the Send, record nothing more
        deliver(List.of(delivery("msg-1", SENT, "ana@example.com", tags), send("msg-1", SENT, List.of("ana@example.com"), tags)));
        assertThat(sentWhileSuppressed("ana@example.com")).hasSize(1);
        assertThat(logLines("sent-while-suppressed")).hasSize(1);
    }

    @Test
    void transactionalMailAndMailSentBeforeTheOptOutAreNotFindings() {
        store.apply(addr("ana@example.com"), Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, OPTED_OUT)));

        deliver(List.of(send("msg-tx", SENT, List.of("ana@example.com"), tags(null, null, "transactional")),
                send("msg-early", OPTED_OUT.minusSeconds(60), List.of("ana@example.com"), tags("c", "newsletter", "marketing"))));

        assertThat(sentWhileSuppressed("ana@example.com")).isEmpty();
        assertThat(logLines("sent-while-suppressed")).isEmpty();
    }

    @Test
    void untaggedMailToSomeoneWhoOptedOutOfEverythingIsAFinding() {
        store.apply(addr("ana@example.com"), Change.unsubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, OPTED_OUT)));

        deliver(List.of(send("msg-raw", SENT, List.of("ana@example.com"), "{}")));

        assertThat(sentWhileSuppressed("ana@example.com")).extracting(h -> h.evidence().get("reason"))
                .containsExactly("UNSUBSCRIBED_ALL");
    }

    @Test
    void aCampaignOverTheComplaintRateIsPausedForMarketingUntilAnOperatorResumesIt() {
        String campaign = "black-friday";
        String tags = tags(campaign, "newsletter", "marketing");
        // 1,000 sends in batches of 10 events of 10 recipients each: one counter write per batch
        for (int batch = 0; batch < 10; batch++) {
            List<String> bodies = new ArrayList<>();
            for (int e = 0; e < 10; e++) {
                List<String> to = new ArrayList<>();
                for (int r = 0; r < 10; r++) {
                    to.add("p" + batch + "-" + e + "-" + r + "@example.com");
                }
                bodies.add(send("bf-" + batch + "-" + e, SENT, to, tags));
            }
            assertThat(deliver(bodies).getBatchItemFailures()).isEmpty();
        }
        deliver(List.of(complaint("bf-0-0", SENT, "p0-0-0@example.com", tags)));
        assertThat(check("ana@example.com", campaign).allowed()).as("1 complaint in 1,000 = 0.1%: not over").isTrue();

        deliver(List.of(complaint("bf-0-1", SENT, "p0-1-0@example.com", tags)));

        assertThat(guard.status(campaign).total().sends()).isEqualTo(1_000);
        assertThat(guard.status(campaign).total().complaints()).isEqualTo(2);
        CheckResult paused = check("ana@example.com", campaign);
        assertThat(paused.allowed()).isFalse();
        assertThat(paused.reason()).isEqualTo(BlockReason.CAMPAIGN_PAUSED);
        assertThat(paused.since()).isNotNull();
        assertThat(check("ana@example.com", "another-campaign").allowed()).as("other campaigns go on").isTrue();
        assertThat(logLines("campaign-paused").get(0).path("reason").asText()).isEqualTo(CampaignGuard.COMPLAINT_RATE);

        CampaignGuard.ResumeOutcome resumed = guard.resume(campaign, "list cleaned, complainers removed", "ops@example.com");

        assertThat(resumed.resumed()).isTrue();
        assertThat(check("ana@example.com", campaign).allowed()).isTrue();
        assertThat(resumed.status().log()).extracting(e -> e.action() + " " + e.actor())
                .containsExactly("PAUSED campaign-guard", "RESUMED ops@example.com");
        assertThat(resumed.status().log().get(1).reason()).isEqualTo("list cleaned, complainers removed");
        assertThat(resumed.status().judged().sends()).as("judged afresh after the resume").isZero();
        // one more complaint right after the resume stays below the minimum volume
        deliver(List.of(complaint("bf-0-2", SENT, "p0-2-0@example.com", tags)));
        assertThat(check("ana@example.com", campaign).allowed()).isTrue();
        assertThat(guard.resume(campaign, "again", "ops").resumed()).as("not paused: nothing to resume").isFalse();
    }

    @Test
    void counterWritesAreSpreadOverTheShardsAndSummedOnRead() {
        String tags = tags("spread", "newsletter", "marketing");
        for (int i = 0; i < 40; i++) {
            deliver(List.of(send("s-" + i, SENT, List.of("x" + i + "@example.com"), tags)));
        }
        long distinct = java.util.stream.IntStream.range(0, GuardThresholds.DEFAULTS.shards())
                .filter(s -> !aws.dynamoDb().getItem(r -> r.tableName(table).key(CampaignGuard.counterKey("spread", s))).item().isEmpty())
                .count();
        assertThat(distinct).as("40 batches over 10 shards").isGreaterThan(3);
        assertThat(guard.status("spread").total().sends()).isEqualTo(40);
    }
}
