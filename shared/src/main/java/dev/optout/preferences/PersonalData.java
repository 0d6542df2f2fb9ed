package dev.optout.preferences;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.optin.OptInEvidence;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Decision;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Mark;
import dev.optout.suppression.SendPolicy;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything optout holds about one address, as JSON: the operator's {@code lookup --json} and the
 * person's own "Download my data" from the preference center (GDPR Art. 15 and 20, UU PDP Pasal 32)
 * are this one document. It is read by the address's key, so it holds nothing about anyone else:
 * the canonical address, its key, what the check answers per topic, every mark with time and
 * source, the topic choices and frequencies, the standing opt-ins' evidence, and the full history.
 */
public final class PersonalData {
    public static final String HARD_BOUNCE = "hard_bounce";
    public static final String SOFT_BOUNCE = "soft_bounce";
    public static final String COMPLAINT = "complaint";
    public static final String UNSUBSCRIBE = "unsubscribe";
    /** An operator's hold shown apart, when the person's own unsubscribe stands too. */
    public static final String OPERATOR_HOLD = "operator_hold";
    public static final String TOPIC_PREFIX = "unsubscribe:";

    private PersonalData() {
    }

    /** Every mark that blocks mail, strongest first; topic opt-outs as {@code unsubscribe:TOPIC}. */
    public static Map<String, Mark> marks(AddressState s) {
        Map<String, Mark> m = new LinkedHashMap<>();
        if (s.hardBounce() != null) {
            m.put(HARD_BOUNCE, s.hardBounce());
        }
        if (s.softBounce() != null) {
            m.put(SOFT_BOUNCE, s.softBounce());
        }
        if (s.complaint() != null) {
            m.put(COMPLAINT, s.complaint());
        }
        if (s.unsubscribedAll() != null) {
            m.put(UNSUBSCRIBE, s.unsubscribedAll());
        }
        if (s.operatorHold() != null) {
            // an operator's hold reads as the unsubscribe it always was, unless the person's own stands beside it
            m.put(s.unsubscribedAll() == null ? UNSUBSCRIBE : OPERATOR_HOLD, s.operatorHold());
        }
        new TreeMap<>(s.topicOptOuts()).forEach((t, mark) -> m.put(TOPIC_PREFIX + t, mark));
        return m;
    }

    public static ObjectNode json(Mark m) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("at", m.at().toString());
        n.put("source", m.source().name());
        if (m.campaignId() != null) {
            n.put("campaignId", m.campaignId());
        }
        if (m.detail() != null) {
            n.put("detail", m.detail());
        }
        return n;
    }

    /** The document (history newest first, as {@code SuppressionStore#fullHistory} answers it). */
    public static ObjectNode of(EmailAddress address, AddressState state, TopicCatalog catalog, List<HistoryEvent> history) {
        java.util.Map<Topic, Decision> decisions = new java.util.LinkedHashMap<>();
        for (Topic t : catalog.all()) {
            decisions.put(t, SendPolicy.decide(state, t));
        }
        return of(address, state, decisions, history);
    }

    /**
     * As above, with the send decisions already made (the command line's, with the expiry policy
     * and the time of the lookup: a decision then carries {@code until} where a stop will expire).
     */
    public static ObjectNode of(EmailAddress address, AddressState state, java.util.Map<Topic, Decision> decisions,
                                List<HistoryEvent> history) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("address", address.value());
        root.put("key", state.key());
        root.put("known", state.exists());
        root.put("addressKept", state.address() != null);
        if (state.forgotten() != null) {
            root.set("forgotten", json(state.forgotten()));
        }
        ObjectNode check = root.putObject("check");
        for (java.util.Map.Entry<Topic, Decision> e : decisions.entrySet()) {
            Topic t = e.getKey();
            Decision d = e.getValue();
            ObjectNode n = check.putObject(t.id());
            n.put("allowed", d.allowed());
            if (d.reason() != null) {
                n.put("reason", d.reason().name());
            }
            if (d.since() != null) {
                n.put("since", d.since().toString());
            }
            if (d.until() != null) {
                n.put("until", d.until().toString());
            }
            if (d.frequency() != null) {
                n.put("frequency", d.frequency().name());
            }
        }
        ObjectNode marks = root.putObject("marks");
        marks(state).forEach((name, m) -> marks.set(name, json(m)));
        ObjectNode optIns = root.putObject("topicOptIns");
        state.topicOptIns().forEach((t, m) -> optIns.set(t, json(m)));
        if (state.frequency() != null) {
            root.put("frequency", state.frequency().name());
        }
        ObjectNode freq = root.putObject("topicFrequency");
        state.topicFrequency().forEach((t, f) -> freq.put(t, f.name()));
        ArrayNode soft = root.putArray("softBounces");
        state.softBounceTimes().forEach(t -> soft.add(t.toString()));
        ObjectNode proofs = root.putObject("optInEvidence");
        OptInEvidence.latestOptIns(history).forEach((slot, e) -> {
            ObjectNode n = proofs.putObject(slot);
            n.put("action", e.action().name());
            n.put("at", e.at().toString());
            n.put("source", e.source().name());
            new TreeMap<>(e.evidence()).forEach(n::put);
        });
        ArrayNode events = root.putArray("history");
        for (HistoryEvent e : history) {
            ObjectNode n = events.addObject();
            n.put("action", e.action().name());
            n.put("at", e.at().toString());
            n.put("source", e.source().name());
            putIf(n, "topic", e.topic());
            putIf(n, "frequency", e.frequency() == null ? null : e.frequency().name());
            putIf(n, "campaignId", e.campaignId());
            putIf(n, "tokenIssuedAt", e.tokenIssuedAt() == null ? null : e.tokenIssuedAt().toString());
            putIf(n, "actor", e.actor());
            putIf(n, "reason", e.reason());
            if (!e.evidence().isEmpty()) {
                ObjectNode ev = n.putObject("evidence");
                new TreeMap<>(e.evidence()).forEach(ev::put);
            }
        }
        return root;
    }

    private static void putIf(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }
}
