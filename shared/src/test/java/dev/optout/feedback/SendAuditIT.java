package dev.optout.feedback;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.SesTags;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The send audit against the real suppression table (moto): which Send and Delivery events are
 * findings of mail sent while a block stood, what a finding records, and that it is recorded once.
 */
@ExtendWith(LocalAwsExtension.class)
class SendAuditIT {
    private static final Instant BLOCKED = Instant.parse("2026-11-02T09:00:00Z");
    private static final Instant SENT = Instant.parse("2026-11-04T10:30:00Z");
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private SuppressionStore store;
    private SendAudit audit;

    @BeforeEach
    void freshTable(LocalAws aws) {
        store = StoreFixture.on(aws).store();
        audit = new SendAudit(store, catalog);
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Map<String, List<String>> tags(String campaign, String topic, String purpose) {
        Map<String, List<String>> tags = new LinkedHashMap<>();
        if (campaign != null) {
            tags.put(SesTags.CAMPAIGN, List.of(campaign));
        }
        if (topic != null) {
            tags.put(SesTags.TOPIC, List.of(topic));
        }
        if (purpose != null) {
            tags.put(SesTags.PURPOSE, List.of(purpose));
        }
        return tags;
    }

    static SesEvent send(String messageId, Instant at, List<String> to, Map<String, List<String>> tags) {
        return new SesEvent(SesEventType.SEND, "Send", SesEvent.Format.EVENT_PUBLISHING, messageId, at, to, tags,
                null, null, null, null, null);
    }

    static SesEvent delivery(String messageId, Instant at, List<String> destination, List<String> delivered,
                             Map<String, List<String>> tags) {
        return new SesEvent(SesEventType.DELIVERY, "Delivery", SesEvent.Format.EVENT_PUBLISHING, messageId, at, destination, tags,
                null, null, new SesEvent.Delivery(delivered.stream().map(SendAuditIT::addr).toList(), 0, at.plusSeconds(2), "mta"),
                null, null);
    }

    private void block(String address, Change change) {
        store.apply(addr(address), change);
    }

    private List<HistoryEvent> sentWhileSuppressed(String address) {
        return store.history(addr(address), 20).stream().filter(h -> h.action() == Action.SENT_WHILE_SUPPRESSED).toList();
    }

    @Test
    void aSendAfterATopicOptOutIsOneFindingWithItsEvidenceAndTheDeliveryOfTheSameMessageAddsNone() {
        block("ana@example.com", Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, BLOCKED)));
        Map<String, List<String>> tags = tags("nov-weekly", "newsletter", "marketing");

        List<SendAudit.Finding> findings = audit.audit(send("msg-1", SENT,
                List.of("Ana <ana@example.com>", "budi@example.com", "not an address"), tags));

        assertThat(findings).containsExactly(new SendAudit.Finding(KEYS.keyOf(addr("ana@example.com")),
                BlockReason.UNSUBSCRIBED_TOPIC, "nov-weekly", BLOCKED, SENT, ApplyResult.APPLIED));
        assertThat(findings.get(0).delay()).isEqualTo(Duration.between(BLOCKED, SENT));
        HistoryEvent h = sentWhileSuppressed("ana@example.com").get(0);
        assertThat(h.source()).isEqualTo(Source.SES_SEND);
        assertThat(h.at()).isEqualTo(SENT);
        assertThat(h.topic()).isEqualTo("newsletter");
        assertThat(h.campaignId()).isEqualTo("nov-weekly");
        assertThat(h.evidence()).containsEntry("reason", "UNSUBSCRIBED_TOPIC").containsEntry("blockedSince", BLOCKED.toString())
                .containsEntry("blockSource", "ONE_CLICK").containsEntry("sesMessageId", "msg-1").containsEntry("eventType", "Send")
                .containsEntry("delaySeconds", Long.toString(Duration.between(BLOCKED, SENT).toSeconds()));
        assertThat(sentWhileSuppressed("budi@example.com")).isEmpty();

        List<SendAudit.Finding> again = audit.audit(delivery("msg-1", SENT, List.of("ana@example.com"), List.of("ana@example.com"), tags));

        assertThat(again).extracting(SendAudit.Finding::result).containsExactly(ApplyResult.DUPLICATE);
        assertThat(sentWhileSuppressed("ana@example.com")).hasSize(1);
    }

    @Test
    void aDeliveryIsJudgedForTheRecipientsItWasDeliveredTo() {
        block("ana@example.com", Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, BLOCKED)));
        block("budi@example.com", Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, BLOCKED)));

        List<SendAudit.Finding> findings = audit.audit(delivery("msg-2", SENT, List.of("ana@example.com", "budi@example.com"),
                List.of("ana@example.com"), tags(null, null, null)));

        assertThat(findings).extracting(SendAudit.Finding::addressKey).containsExactly(KEYS.keyOf(addr("ana@example.com")));
        assertThat(sentWhileSuppressed("ana@example.com").get(0).evidence()).containsEntry("eventType", "Delivery");
    }

    /** Without a known topic tag only what blocks all marketing mail counts, and says where it came from. */
    @Test
    void untaggedMailIsJudgedByWhatBlocksAllMarketingMail() {
        block("hard@example.com", Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, BLOCKED)));
        block("soft@example.com", Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "Transient/General",
                Provenance.of(Source.SES_BOUNCE, BLOCKED.plusSeconds(1))));
        block("angry@example.com", Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, BLOCKED.plusSeconds(2))));
        block("angry@example.com", Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, BLOCKED.plusSeconds(3))));
        block("gone@example.com", Change.unsubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, BLOCKED.plusSeconds(4))));
        block("topic@example.com", Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, BLOCKED)));
        List<String> to = List.of("hard@example.com", "soft@example.com", "angry@example.com", "gone@example.com",
                "topic@example.com", "clean@example.com");

        for (Map<String, List<String>> tags : List.of(tags(null, null, null), tags("c", "no-such-topic", "marketing"))) {
            List<SendAudit.Finding> findings = audit.audit(send("msg-" + tags.size(), SENT, to, tags));

            assertThat(findings).as(tags.toString()).extracting(f -> f.reason() + " " + f.blockedSince()).containsExactly(
                    "BOUNCED " + BLOCKED, "BOUNCED " + BLOCKED.plusSeconds(1), "COMPLAINED " + BLOCKED.plusSeconds(2),
                    "UNSUBSCRIBED_ALL " + BLOCKED.plusSeconds(4));
        }
        assertThat(sentWhileSuppressed("hard@example.com").get(0).evidence()).containsEntry("blockSource", "SES_BOUNCE");
        assertThat(sentWhileSuppressed("soft@example.com").get(0).evidence()).containsEntry("blockSource", "SES_BOUNCE");
        assertThat(sentWhileSuppressed("angry@example.com").get(0).evidence()).containsEntry("blockSource", "SES_COMPLAINT");
        assertThat(sentWhileSuppressed("gone@example.com").get(0).evidence()).containsEntry("blockSource", "UNSUBSCRIBE_PAGE");
        assertThat(sentWhileSuppressed("gone@example.com").get(0).topic()).isNull();
    }

    @Test
    void transactionalMailMailSentBeforeOrAsTheBlockBeganAndABlockWithoutAStartAreNoFindings() {
        block("ana@example.com", Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, BLOCKED)));
        assertThat(catalog.require("events").defaultSubscribed()).as("events is an opt-in topic").isFalse();

        assertThat(audit.audit(send("tx", SENT, List.of("ana@example.com"), tags("c", "newsletter", "transactional")))).isEmpty();
        assertThat(audit.audit(send("early", BLOCKED.minusSeconds(60), List.of("ana@example.com"), tags("c", "newsletter", null))))
                .isEmpty();
        assertThat(audit.audit(send("same-instant", BLOCKED, List.of("ana@example.com"), tags("c", "newsletter", null)))).isEmpty();
        assertThat(audit.audit(send("not-opted-in", SENT, List.of("budi@example.com"), tags("c", "events", "marketing")))).isEmpty();
        assertThat(sentWhileSuppressed("ana@example.com")).isEmpty();

        assertThat(audit.audit(send("just-after", BLOCKED.plusSeconds(1), List.of("ana@example.com"), tags(null, "newsletter", null))))
                .extracting(SendAudit.Finding::campaign).containsExactly((String) null);
        assertThat(sentWhileSuppressed("ana@example.com").get(0).campaignId()).isNull();
    }

    @Test
    void onlySendAndDeliveryEventsWithASendTimeAndMessageIdAreAudited() {
        block("ana@example.com", Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, BLOCKED)));
        List<String> ana = List.of("ana@example.com");

        SesEvent open = new SesEvent(SesEventType.OPEN, "Open", SesEvent.Format.EVENT_PUBLISHING, "o-1", SENT, ana, Map.of(),
                null, null, null, null, null);
        assertThat(audit.audit(open)).isEmpty();
        assertThat(audit.audit(send("no-time", null, ana, Map.of()))).isEmpty();
        assertThat(audit.audit(send(null, SENT, ana, Map.of()))).isEmpty();
        assertThat(SendAudit.NONE.audit(send("m", SENT, ana, Map.of()))).isEmpty();
        assertThat(sentWhileSuppressed("ana@example.com")).isEmpty();
    }

    @Test
    void theProcessorReportsTheFindingsWithWhatTheRulesDid() {
        block("ana@example.com", Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, BLOCKED)));
        FeedbackProcessor processor = new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS, SuppressionMirror.NONE, audit);

        FeedbackOutcome sent = processor.process(send("msg-3", SENT, List.of("ana@example.com"), Map.of()));
        FeedbackOutcome delivered = processor.process(delivery("msg-3", SENT, List.of("ana@example.com"), List.of("ana@example.com"), Map.of()));
        FeedbackOutcome clean = processor.process(send("msg-4", SENT, List.of("budi@example.com"), Map.of()));

        assertThat(sent.sentWhileSuppressed()).extracting(SendAudit.Finding::result).containsExactly(ApplyResult.APPLIED);
        assertThat(sent.note()).isEqualTo("Send events change nothing");
        assertThat(delivered.sentWhileSuppressed()).extracting(SendAudit.Finding::result).containsExactly(ApplyResult.DUPLICATE);
        assertThat(delivered.note()).isEqualTo("no soft bounces to reset");
        assertThat(clean.sentWhileSuppressed()).isEmpty();
        assertThat(clean).isEqualTo(FeedbackOutcome.nothing("Send events change nothing"));
    }
}
