package dev.optout.feedback;

import dev.optout.consent.ConsentModel;
import dev.optout.consent.ConsentState;
import dev.optout.consent.Outcome;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.Change;
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
import java.util.Objects;
import java.util.Optional;

/**
 * The SES feedback rules, applied to the suppression table:
 * <ul>
 *   <li>permanent bounce: {@link Action#HARD_BOUNCE} with the subtype (incl. {@code OnAccountSuppressionList},
 *   which records that SES already suppresses the address);</li>
 *   <li>transient or undetermined bounce: {@link Action#SOFT_BOUNCE}, counted once per bounce (per
 *   feedback id and recipient, at the bounce's own timestamp: equal timestamps still count apart); once the threshold is reached inside the window, {@link Action#SOFT_BOUNCE_SUPPRESS};</li>
 *   <li>delivery later than every counted soft bounce: {@link Action#DELIVERY} resets the count
 *   (only when there is a count: a delivery otherwise costs one read and no write);</li>
 *   <li>complaint: {@link Action#COMPLAINT} with the feedback type, except {@code not-spam};</li>
 *   <li>subscription (SES list management): only what the event says the contact changed
 *   ({@link SubscriptionChanges}), and only where no newer choice was made in optout (the consent
 *   model's time order): an older event is recorded in the history and changes nothing.</li>
 * </ul>
 * Every write is idempotent ({@link Change#once}) with a key made of the SES feedback id (or
 * message id), the event type and the recipient's address key, so a redelivered message changes
 * nothing. Failures of the table surface as {@code StoreUnavailableException}.
 */
public final class FeedbackProcessor {
    private final SuppressionStore store;
    private final TopicCatalog topics;
    private final FeedbackRules rules;
    private final SuppressionMirror mirror;
    private final SendAudit audit;

    public FeedbackProcessor(SuppressionStore store, TopicCatalog topics, FeedbackRules rules, SuppressionMirror mirror) {
        this(store, topics, rules, mirror, SendAudit.NONE);
    }

    /** @param audit checks Send and Delivery events for mail sent to a blocked address ({@link SendAudit}) */
    public FeedbackProcessor(SuppressionStore store, TopicCatalog topics, FeedbackRules rules, SuppressionMirror mirror,
                             SendAudit audit) {
        this.store = Objects.requireNonNull(store);
        this.topics = Objects.requireNonNull(topics);
        this.rules = Objects.requireNonNull(rules);
        this.mirror = Objects.requireNonNull(mirror);
        this.audit = Objects.requireNonNull(audit);
    }

    public FeedbackOutcome process(SesEvent event) {
        return rules(event).withSentWhileSuppressed(audit.audit(event));
    }

    private FeedbackOutcome rules(SesEvent event) {
        return switch (event.type()) {
            case BOUNCE -> bounce(event);
            case COMPLAINT -> complaint(event);
            case DELIVERY -> delivery(event);
            case SUBSCRIPTION -> subscription(event);
            default -> FeedbackOutcome.nothing(event.typeName() + " events change nothing");
        };
    }

    private FeedbackOutcome bounce(SesEvent event) {
        SesEvent.Bounce b = event.bounce();
        List<FeedbackOutcome.Effect> effects = new ArrayList<>();
        for (FeedbackRecipient r : b.recipients()) {
            EmailAddress address = r.address();
            String key = store.addressKeys().keyOf(address);
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("type", b.bounceType());
            evidence.put("subtype", b.bounceSubType());
            evidence.put("sesMessageId", event.sesMessageId());
            evidence.put("feedbackId", b.feedbackId());
            evidence.put("time", b.timestamp().toString());
            evidence.put("reportingMta", b.reportingMta());
            evidence.put("remoteMtaIp", b.remoteMtaIp());
            evidence.put("diagnosticCode", r.diagnosticCode());
            evidence.put("status", r.status());
            evidence.put("action", r.action());
            if (b.onAccountSuppressionList()) {
                evidence.put("sesAccountSuppressed", "true");
            }
            BounceClassifier.Classified judged = BounceClassifier.classify(b.bounceType(), b.bounceSubType(), r.status(),
                    r.diagnosticCode());
            evidence.put("classified", judged.kind().name());
            evidence.put("code", judged.code());
            Provenance p = provenance(Source.SES_BOUNCE, b.timestamp(), event).withEvidence(evidence);
            if (judged.kind() == BounceClassifier.Kind.SENDER_REJECTION) {
                // The receiver refused the sender, not the mailbox: recorded per recipient (with the
                // receiving domain) for the operator and the report; nobody is suppressed or mirrored.
                Provenance rejection = p.withEvidence(Map.of("receivingDomain", address.domain(), "why", judged.why()));
                ApplyResult result = store.recordEvent(address, Change.withDetail(Action.SENDER_REJECTION, judged.code(), rejection)
                        .once(idempotencyKey(b.feedbackId(), "Bounce", key)));
                effects.add(new FeedbackOutcome.Effect(key, Action.SENDER_REJECTION, result, false));
            } else if (judged.kind() == BounceClassifier.Kind.SES_SUPPRESSED && mirroredMarkSet(address)) {
                // SES refused to send from its own list, which holds our mirrored mark: no new fact
                // about the mailbox, so it renews nothing (a bounce that expired by policy would
                // otherwise never be re-tested). Recorded in the history, not applied.
                Change change = Change.withDetail(Action.HARD_BOUNCE, b.bounceSubType(), p).once(idempotencyKey(b.feedbackId(), "Bounce", key));
                ApplyResult result = store.recordNotApplied(address, change, "SES did not send: the address is on the SES account "
                        + "suppression list, which holds the mark optout mirrored; no re-test, the mark is not renewed");
                effects.add(new FeedbackOutcome.Effect(key, Action.HARD_BOUNCE, result, false));
            } else if (judged.kind() == BounceClassifier.Kind.HARD || judged.kind() == BounceClassifier.Kind.SES_SUPPRESSED) {
                ApplyResult result = store.apply(address, Change.withDetail(Action.HARD_BOUNCE, b.bounceSubType(), p)
                        .once(idempotencyKey(b.feedbackId(), "Bounce", key)));
                // SES already holds an address it suppressed: nothing to mirror back.
                boolean mirrored = judged.kind() == BounceClassifier.Kind.HARD && mirror(address, SuppressionMirror.Reason.BOUNCE);
                effects.add(new FeedbackOutcome.Effect(key, Action.HARD_BOUNCE, result, mirrored));
            } else {
                ApplyResult result = store.apply(address, Change.withDetail(Action.SOFT_BOUNCE, b.bounceSubType(), p)
                        .once(idempotencyKey(b.feedbackId(), "Bounce", key)));
                effects.add(new FeedbackOutcome.Effect(key, Action.SOFT_BOUNCE, result, false));
                // Checked on a duplicate too: a redelivery completes a suppression an earlier attempt
                // did not get to.
                softBounceThreshold(event, address, key, p).ifPresent(effects::add);
            }
        }
        return new FeedbackOutcome(effects, List.of(), null);
    }

    /** Whether the address holds a mark optout mirrors to the SES list (a hard bounce, a soft-bounce stop, a complaint), expired or not. */
    private boolean mirroredMarkSet(EmailAddress address) {
        AddressState state = store.read(address);
        return state.hardBounce() != null || state.softBounce() != null || state.complaint() != null;
    }

    private Optional<FeedbackOutcome.Effect> softBounceThreshold(SesEvent event, EmailAddress address, String key, Provenance p) {
        AddressState state = store.read(address);
        List<Instant> times = state.softBounceTimes(); // sorted
        if (times.isEmpty()) {
            return Optional.empty();
        }
        Duration window = rules.softBounceWindow();
        Instant newest = times.get(times.size() - 1);
        Instant cutoff = newest.minus(window);
        int most = mostInsideWindow(times, window);
        Optional<FeedbackOutcome.Effect> effect = Optional.empty();
        if (most >= rules.softBounceThreshold()) {
            ApplyResult result = ApplyResult.DUPLICATE;
            if (state.softBounce() == null) {
                Provenance suppress = p.withEvidence(Map.of("softBounces", Integer.toString(most),
                        "windowDays", Long.toString(window.toDays())));
                result = store.apply(address, Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS,
                                event.bounce().bounceType() + "/" + event.bounce().bounceSubType(), suppress)
                        .once(idempotencyKey(event.bounce().feedbackId(), "SoftBounceSuppress", key)));
            }
            boolean mirrored = mirror(address, SuppressionMirror.Reason.BOUNCE);
            effect = Optional.of(new FeedbackOutcome.Effect(key, Action.SOFT_BOUNCE_SUPPRESS, result, mirrored));
        }
        // Times older than the window before the newest can never count again: keep the set small.
        if (times.get(0).isBefore(cutoff)) {
            store.dropSoftBouncesBefore(address, cutoff);
        }
        return effect;
    }

    /** The largest number of times inside any one window (inclusive), times sorted. */
    static int mostInsideWindow(List<Instant> sorted, Duration window) {
        int most = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (Duration.between(sorted.get(start), sorted.get(end)).compareTo(window) > 0) {
                start++;
            }
            most = Math.max(most, end - start + 1);
        }
        return most;
    }

    private FeedbackOutcome complaint(SesEvent event) {
        SesEvent.Complaint c = event.complaint();
        if (c.notSpam()) {
            return FeedbackOutcome.nothing("complaint feedback type not-spam: no suppression");
        }
        List<FeedbackOutcome.Effect> effects = new ArrayList<>();
        for (FeedbackRecipient r : c.recipients()) {
            EmailAddress address = r.address();
            String key = store.addressKeys().keyOf(address);
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("type", "Complaint");
            evidence.put("feedbackType", c.feedbackType());
            evidence.put("subtype", c.complaintSubType());
            evidence.put("sesMessageId", event.sesMessageId());
            evidence.put("feedbackId", c.feedbackId());
            evidence.put("time", c.timestamp().toString());
            evidence.put("userAgent", c.userAgent());
            boolean sesHasIt = "OnAccountSuppressionList".equalsIgnoreCase(c.complaintSubType());
            if (sesHasIt) {
                evidence.put("sesAccountSuppressed", "true");
            }
            Provenance p = provenance(Source.SES_COMPLAINT, c.timestamp(), event).withEvidence(evidence);
            ApplyResult result = store.apply(address, Change.withDetail(Action.COMPLAINT, c.feedbackType(), p)
                    .once(idempotencyKey(c.feedbackId(), "Complaint", key)));
            boolean mirrored = !sesHasIt && mirror(address, SuppressionMirror.Reason.COMPLAINT);
            effects.add(new FeedbackOutcome.Effect(key, Action.COMPLAINT, result, mirrored));
        }
        return new FeedbackOutcome(effects, List.of(), null);
    }

    private FeedbackOutcome delivery(SesEvent event) {
        SesEvent.Delivery d = event.delivery();
        List<FeedbackOutcome.Effect> effects = new ArrayList<>();
        for (EmailAddress address : d.recipients()) {
            AddressState state = store.read(address);
            List<Instant> times = state.softBounceTimes();
            // Only a delivery later than every counted soft bounce resets the count: a delivery
            // reported late must not wipe out a bounce that came after it.
            if (times.isEmpty() || !d.timestamp().isAfter(times.get(times.size() - 1))) {
                continue;
            }
            String key = state.key();
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("type", "Delivery");
            evidence.put("sesMessageId", event.sesMessageId());
            evidence.put("time", d.timestamp().toString());
            evidence.put("reportingMta", d.reportingMta());
            evidence.put("softBouncesReset", Integer.toString(times.size()));
            Provenance p = provenance(Source.SES_DELIVERY, d.timestamp(), event).withEvidence(evidence);
            ApplyResult result = store.apply(address, Change.of(Action.DELIVERY, p)
                    .once(idempotencyKey(messageIdOr(event, d.timestamp()), "Delivery", key)));
            effects.add(new FeedbackOutcome.Effect(key, Action.DELIVERY, result, false));
        }
        return new FeedbackOutcome(effects, List.of(), effects.isEmpty() ? "no soft bounces to reset" : null);
    }

    private FeedbackOutcome subscription(SesEvent event) {
        SesEvent.Subscription s = event.subscription();
        EmailAddress address = contact(event);
        AddressState state = store.read(address);
        String key = state.key();
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("type", "Subscription");
        evidence.put("sesMessageId", event.sesMessageId());
        evidence.put("contactList", s.contactList());
        evidence.put("subscriptionSource", s.source());
        evidence.put("time", s.timestamp().toString());
        Provenance p = provenance(Source.SES_SUBSCRIPTION, s.timestamp(), event).withEvidence(evidence);
        String base = messageIdOr(event, s.timestamp()) + "|" + s.timestamp();
        List<FeedbackOutcome.Effect> effects = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> superseded = new ArrayList<>();
        ConsentState consent = store.readConsent(address); // the slots in full: a person's GO included
        SubscriptionChanges changed = SubscriptionChanges.of(s);
        if (changed.unsubscribeAll() && state.unsubscribedAll() == null) {
            Change change = Change.unsubscribeAll(p).once(idempotencyKey(base, "Subscription:ALL", key));
            applyUnlessSuperseded(address, key, consent, change, effects, superseded);
        }
        for (Map.Entry<String, Boolean> e : changed.topics().entrySet()) {
            Optional<Topic> topic = matchTopic(e.getKey());
            if (topic.isEmpty()) {
                ignored.add(e.getKey());
                continue;
            }
            Topic t = topic.get();
            boolean chosen = SendPolicy.topicChosen(state, t);
            boolean optIn = e.getValue();
            if (!optIn && chosen) {
                Change change = Change.unsubscribeTopic(t.id(), p).once(idempotencyKey(base, "Subscription:OptOut:" + t.id(), key));
                applyUnlessSuperseded(address, key, consent, change, effects, superseded);
            } else if (optIn && !chosen && rules.sesOptIns()) {
                Change change = dev.optout.optin.OptInEvidence.attach(Change.subscribeTopic(t.id(), p),
                        dev.optout.optin.OptInEvidence.of(dev.optout.optin.OptInEvidence.PROVIDER))
                        .once(idempotencyKey(base, "Subscription:OptIn:" + t.id(), key));
                applyUnlessSuperseded(address, key, consent, change, effects, superseded);
            } else if (optIn && !chosen) {
                superseded.add(t.id() + " (SES opt-ins are ignored: SES_SUBSCRIPTION_OPT_INS=ignore)");
            }
        }
        String note = !superseded.isEmpty() ? "not applied: " + String.join(", ", superseded)
                : effects.isEmpty() ? "preferences already as chosen" : null;
        return new FeedbackOutcome(effects, ignored, note);
    }

    /**
     * Applies a subscription change unless the consent model finds it older than a newer choice
     * of the same scope (made in optout after the SES event): then it is only recorded in the
     * history, so the proof shows that SES reported it and why it changed nothing.
     */
    private void applyUnlessSuperseded(EmailAddress address, String key, ConsentState consent, Change change,
                                       List<FeedbackOutcome.Effect> effects, List<String> superseded) {
        Outcome outcome = ConsentModel.apply(consent, change);
        if (outcome.stale() || outcome.refused()) {
            String why = outcome.effects().get(0).why();
            store.recordNotApplied(address, change, why);
            superseded.add((change.topic() == null ? "all mail" : change.topic()) + " (" + why + ")");
            return;
        }
        effects.add(new FeedbackOutcome.Effect(key, change.action(), store.apply(address, change), false));
    }

    /** The one contact whose preferences changed: list management mail goes to one recipient. */
    private static EmailAddress contact(SesEvent event) {
        if (event.destination().size() != 1) {
            throw new InvalidFeedbackException("Subscription names " + event.destination().size()
                    + " destinations; cannot tell whose preferences changed");
        }
        EmailAddress address = AddressParser.parseOrNull(event.destination().get(0));
        if (address == null) {
            throw new InvalidFeedbackException("Subscription destination is not an address");
        }
        return address;
    }

    /** An SES topic name matches the catalog topic of the same id, ignoring case. */
    private Optional<Topic> matchTopic(String sesTopicName) {
        Optional<Topic> exact = topics.find(sesTopicName);
        if (exact.isPresent()) {
            return exact;
        }
        return topics.all().stream().filter(t -> t.id().equalsIgnoreCase(sesTopicName)).findFirst();
    }

    private boolean mirror(EmailAddress address, SuppressionMirror.Reason reason) {
        if (mirror == SuppressionMirror.NONE) {
            return false;
        }
        mirror.mirror(address, reason);
        return true;
    }

    private static Provenance provenance(Source source, Instant at, SesEvent event) {
        Provenance p = Provenance.of(source, at);
        // the tag the check hands out (SesTags), then the names senders used before it
        String campaign = firstTag(event, dev.optout.check.SesTags.CAMPAIGN);
        if (campaign == null) {
            campaign = firstTag(event, "campaignId");
        }
        if (campaign == null) {
            campaign = firstTag(event, "campaign");
        }
        return campaign == null ? p : p.withCampaign(campaign);
    }

    private static String firstTag(SesEvent event, String name) {
        List<String> values = event.tags().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String messageIdOr(SesEvent event, Instant timestamp) {
        return event.sesMessageId() != null ? event.sesMessageId() : "t" + timestamp;
    }

    /** Never holds the address in clear: the recipient is named by its key (and the store hashes the whole). */
    static String idempotencyKey(String id, String eventType, String addressKey) {
        return "ses|" + id + "|" + eventType + "|" + addressKey;
    }
}
