package dev.optout.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.json.Json;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The suppression marks of a state, named as the command line shows and exports them. */
final class Marks {
    static final String HARD_BOUNCE = ReasonNames.HARD_BOUNCE;
    static final String SOFT_BOUNCE = ReasonNames.SOFT_BOUNCE;
    static final String COMPLAINT = ReasonNames.COMPLAINT;
    static final String UNSUBSCRIBE = ReasonNames.UNSUBSCRIBE;
    /** An operator's hold shown apart, when the person's own unsubscribe stands too. */
    static final String OPERATOR_HOLD = "operator_hold";
    static final String TOPIC_PREFIX = "unsubscribe:";

    private Marks() {
    }

    /** Every mark that blocks mail, strongest first; topic opt-outs as {@code unsubscribe:TOPIC}. */
    static Map<String, Mark> of(AddressState s) {
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

    static String describe(Mark m) {
        return m.at() + "  " + m.source() + (m.campaignId() == null ? "" : "  campaign=" + m.campaignId())
                + (m.detail() == null ? "" : "  (" + m.detail() + ")");
    }

    static ObjectNode json(Mark m) {
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
}
