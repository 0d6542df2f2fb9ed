package dev.optout.report;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SesEvent;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.localaws.LocalAws;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A known history, written through the real code paths (store, feedback processor with the send
 * audit, campaign guard) into a fresh table; the report tests hold the report's figures against it.
 *
 * <pre>
 * opt-outs in the period (since 2026-11-01):  ONE_CLICK 2 (11-02), UNSUBSCRIBE_PAGE 1, PREFERENCE_CENTER 1 (11-03)
 * opt-out before the period:                  eko, OPERATOR, 2026-10-20T08:00Z (not counted)
 * sends after a block:  ana  +24 h (newsletter, nov-weekly)   met everything
 *                       citra +72 h (UNSUBSCRIBED_ALL)         late for Gmail and Yahoo
 *                       eko  +16 days                          late for all four: the longest
 * sent before the opt-out: budi (no finding)
 * campaign nov-weekly: 1 hard bounce, 1 complaint in the period; guard counts 1,000 / 1 / 1
 * campaign flash: guard counts 2,000 sends, 5 complaints: paused (0.25% > 0.1%)
 * a complaint tagged campaign "&lt;b&gt;x&lt;/b&gt;" (legacy tag): must come out escaped
 * </pre>
 */
final class ScriptedHistory {
    static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");
    static final Clock REPORT_CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    final String table;

    ScriptedHistory(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        table = fixture.table();
        SuppressionStore store = fixture.store();
        TopicCatalog catalog = TopicCatalog.bundled();
        FeedbackProcessor processor = new FeedbackProcessor(store, catalog, FeedbackRules.DEFAULTS, SuppressionMirror.NONE,
                new SendAudit(store, catalog));
        store.apply(a("ana@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, t("2026-11-02T09:00:00Z"))));
        store.apply(a("budi@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, t("2026-11-02T10:00:00Z"))));
        store.apply(a("citra@example.com"), Change.unsubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, t("2026-11-03T12:00:00Z"))));
        store.apply(a("dewi@example.com"), Change.unsubscribeTopic("promotions", Provenance.of(Source.PREFERENCE_CENTER, t("2026-11-03T13:00:00Z"))));
        store.apply(a("eko@example.com"), Change.unsubscribeAll(Provenance.of(Source.OPERATOR, t("2026-10-20T08:00:00Z"))));

        String weekly = tags("nov-weekly", "newsletter");
        process(processor, send("msg-ana", "2026-11-03T09:00:00Z", "ana@example.com", weekly));
        process(processor, send("msg-citra", "2026-11-06T12:00:00Z", "citra@example.com", weekly));
        process(processor, send("msg-eko", "2026-11-05T08:00:00Z", "eko@example.com", weekly));
        process(processor, send("msg-budi", "2026-11-02T09:30:00Z", "budi@example.com", weekly));
        process(processor, "{\"eventType\":\"Bounce\",\"mail\":{\"timestamp\":\"2026-11-04T10:00:00Z\",\"messageId\":\"msg-gone\","
                + "\"destination\":[\"gone@example.com\"],\"tags\":" + weekly + "},\"bounce\":{\"bounceType\":\"Permanent\","
                + "\"bounceSubType\":\"General\",\"timestamp\":\"2026-11-04T10:00:05Z\",\"feedbackId\":\"fb-gone\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"gone@example.com\",\"status\":\"5.1.1\"}]}}");
        process(processor, complaint("msg-frank", "frank@example.com", weekly));
        process(processor, complaint("msg-odd", "odd@example.com", "{\"campaign\":[\"<b>x</b>\"]}"));
        // without a campaign: an untagged bounce (the demo's), an untagged complaint, an imported bounce
        process(processor, bounce("msg-demo", "2026-11-06T10:00:00Z", "nobody@gmail.com", "5.1.1", "smtp; 550 5.1.1 no such user", "{}"));
        process(processor, complaint("msg-hal", "hal@hotmail.com", "{}"));
        store.apply(a("old@yahoo.com"), Change.withDetail(dev.optout.suppression.Action.HARD_BOUNCE, "imported",
                Provenance.of(Source.IMPORT, t("2026-11-07T08:00:00Z"))));
        // the sender's setup broke: Gmail refuses, nobody is suppressed
        process(processor, bounce("msg-dkim", "2026-11-06T11:00:00Z", "rani@gmail.com", "5.7.26",
                "smtp; 550-5.7.26 This mail has been blocked because the sender is unauthenticated.", weekly));

        // data requests: a download served at once, an erasure asked for on the 5th and done on the 9th
        // (four days: later than 3x24 hours), and one served before the period
        store.recordDataRequest(new dev.optout.suppression.DataRequest(dev.optout.suppression.DataRequest.Kind.ACCESS,
                Source.PREFERENCE_CENTER, t("2026-11-04T10:00:00Z"), t("2026-11-04T10:00:02Z")));
        store.recordDataRequest(new dev.optout.suppression.DataRequest(dev.optout.suppression.DataRequest.Kind.ERASURE,
                Source.OPERATOR, t("2026-11-05T09:00:00Z"), t("2026-11-09T09:00:00Z")));
        store.recordDataRequest(new dev.optout.suppression.DataRequest(dev.optout.suppression.DataRequest.Kind.ERASURE,
                Source.PREFERENCE_CENTER, t("2026-10-25T09:00:00Z"), t("2026-10-25T09:00:01Z")));

        CampaignGuard guard = new CampaignGuard(aws.dynamoDb(), table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        guard.record("nov-weekly", new CampaignCounts(1_000, 1, 1));
        guard.record("flash", new CampaignCounts(2_000, 0, 5));
    }

    private static void process(FeedbackProcessor p, String json) {
        p.process((SesEvent) SesFeedbackParser.parse(json));
    }

    private static String tags(String campaign, String topic) {
        return "{\"optout-campaign\":[\"" + campaign + "\"],\"optout-topic\":[\"" + topic + "\"],\"optout-purpose\":[\"marketing\"]}";
    }

    private static String send(String id, String at, String to, String tags) {
        return "{\"eventType\":\"Send\",\"mail\":{\"timestamp\":\"" + at + "\",\"messageId\":\"" + id + "\",\"destination\":[\""
                + to + "\"],\"tags\":" + tags + "},\"send\":{}}";
    }

    private static String bounce(String id, String at, String to, String status, String diagnostic, String tags) {
        return "{\"eventType\":\"Bounce\",\"mail\":{\"timestamp\":\"" + at + "\",\"messageId\":\"" + id + "\","
                + "\"destination\":[\"" + to + "\"],\"tags\":" + tags + "},\"bounce\":{\"bounceType\":\"Permanent\","
                + "\"bounceSubType\":\"General\",\"timestamp\":\"" + at + "\",\"feedbackId\":\"fb-" + id + "\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"" + to + "\",\"status\":\"" + status + "\",\"diagnosticCode\":\""
                + diagnostic + "\"}]}}";
    }

    private static String complaint(String id, String to, String tags) {
        return "{\"eventType\":\"Complaint\",\"mail\":{\"timestamp\":\"2026-11-05T10:00:00Z\",\"messageId\":\"" + id + "\","
                + "\"destination\":[\"" + to + "\"],\"tags\":" + tags + "},\"complaint\":{\"timestamp\":\"2026-11-05T11:00:00Z\","
                + "\"feedbackId\":\"fb-" + id + "\",\"complaintFeedbackType\":\"abuse\",\"complainedRecipients\":[{\"emailAddress\":\""
                + to + "\"}]}}";
    }

    private static EmailAddress a(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Instant t(String s) {
        return Instant.parse(s);
    }
}
