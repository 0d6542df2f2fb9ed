package dev.optout.feedback;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.Purpose;
import dev.optout.check.SesTags;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Decision;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proof that opt-outs are honoured: for each SES Send and Delivery event, was the message sent to
 * an address whose state already blocked it when it was sent ({@code mail.timestamp})? If so, a
 * {@link Action#SENT_WHILE_SUPPRESSED} finding goes to the address history (which message, which
 * campaign, the reason and since when the block stood), once per message and address (Send and
 * Delivery of one message share the idempotency key).
 *
 * <p>Judged as marketing mail for the {@code optout-topic} tag's topic; without a known topic tag,
 * only what blocks all marketing mail counts (global opt-out, complaint, bounces). Mail tagged
 * {@code optout-purpose=transactional} is exempt. A block with no time ({@code NOT_OPTED_IN}) is not
 * a finding: there is no moment it began. Untagged mail is audited: a pipeline that skipped the
 * check is exactly what this catches.
 */
public final class SendAudit {
    /** No audit (the processor's default). */
    public static final SendAudit NONE = new SendAudit(null, null);

    private final SuppressionStore store;
    private final TopicCatalog topics;
    private final ExpiryPolicy expiry;

    /** Nothing expires by policy. */
    public SendAudit(SuppressionStore store, TopicCatalog topics) {
        this(store, topics, ExpiryPolicy.NEVER);
    }

    /** A stop expired under {@code expiry} when the message was sent is no finding: the check let it go. */
    public SendAudit(SuppressionStore store, TopicCatalog topics, ExpiryPolicy expiry) {
        this.store = store;
        this.topics = topics;
        this.expiry = expiry;
    }

    /**
     * One message sent while a block stood.
     *
     * @param addressKey   the recipient's table key (never the address in clear)
     * @param reason       the block, as the check would have answered it
     * @param campaign     the {@code optout-campaign} tag, if any
     * @param blockedSince when the block began
     * @param sentAt       {@code mail.timestamp}
     * @param result       written now, or already recorded (the other event of the message, a redelivery)
     */
    public record Finding(String addressKey, BlockReason reason, String campaign, Instant blockedSince, Instant sentAt,
                          ApplyResult result) {
        public Duration delay() {
            return Duration.between(blockedSince, sentAt);
        }
    }

    public List<Finding> audit(SesEvent event) {
        if (store == null || (event.type() != SesEventType.SEND && event.type() != SesEventType.DELIVERY)) {
            return List.of();
        }
        Instant sentAt = event.mailTimestamp();
        if (sentAt == null || event.sesMessageId() == null
                || Purpose.TRANSACTIONAL.wireName().equals(CampaignTally.tag(event, SesTags.PURPOSE))) {
            return List.of();
        }
        List<EmailAddress> recipients = new ArrayList<>();
        if (event.type() == SesEventType.DELIVERY) {
            recipients.addAll(event.delivery().recipients());
        } else {
            for (String d : event.destination()) {
                EmailAddress a = AddressParser.parseOrNull(d);
                if (a != null) {
                    recipients.add(a);
                }
            }
        }
        String topicTag = CampaignTally.tag(event, SesTags.TOPIC);
        Optional<Topic> topic = topicTag == null ? Optional.empty()
                : topics.all().stream().filter(t -> SesTags.value(t.id()).equals(topicTag)).findFirst();
        String campaign = CampaignTally.tag(event, SesTags.CAMPAIGN);
        List<Finding> findings = new ArrayList<>();
        for (EmailAddress address : recipients) {
            AddressState state = store.read(address);
            Decision d = topic.map(t -> SendPolicy.decide(state, t, expiry, sentAt)).orElseGet(() -> allMarketing(state, sentAt));
            if (d.allowed() || d.since() == null || !d.since().isBefore(sentAt)) {
                continue;
            }
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("reason", d.reason().name());
            evidence.put("blockedSince", d.since().toString());
            evidence.put("blockSource", blockSource(state, d, topic).orElse(null));
            evidence.put("sesMessageId", event.sesMessageId());
            evidence.put("eventType", event.typeName());
            evidence.put("delaySeconds", Long.toString(Duration.between(d.since(), sentAt).toSeconds()));
            Provenance p = Provenance.of(Source.SES_SEND, sentAt).withEvidence(evidence);
            if (campaign != null) {
                p = p.withCampaign(campaign);
            }
            Change change = new Change(Action.SENT_WHILE_SUPPRESSED, topic.map(Topic::id).orElse(null), null,
                    d.reason().name(), p, null)
                    .once(FeedbackProcessor.idempotencyKey(event.sesMessageId(), "SentWhileSuppressed", state.key()));
            ApplyResult result = store.recordEvent(address, change);
            findings.add(new Finding(state.key(), d.reason(), campaign, d.since(), sentAt, result));
        }
        return findings;
    }

    /** What blocks all marketing mail, whatever the topic. */
    private Decision allMarketing(AddressState state, Instant sentAt) {
        SendPolicy.Stop stop = SendPolicy.stop(state, expiry, sentAt);
        return stop == null ? Decision.allow(null) : Decision.block(stop.reason(), stop.markIn(state).at());
    }

    /** Where the standing block came from (ONE_CLICK, PREFERENCE_CENTER...), for the report. */
    private static Optional<String> blockSource(AddressState state, Decision d, Optional<Topic> topic) {
        var mark = switch (d.reason()) {
            case BOUNCED -> state.hardBounce() != null ? state.hardBounce() : state.softBounce();
            case COMPLAINED -> state.complaint();
            case UNSUBSCRIBED_ALL -> state.unsubscribedAll() != null ? state.unsubscribedAll() : state.operatorHold();
            case UNSUBSCRIBED_TOPIC -> topic.map(t -> state.topicOptOuts().get(t.id())).orElse(null);
            default -> null;
        };
        return mark == null ? Optional.empty() : Optional.of(mark.source().name());
    }

}
