package dev.optout.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import java.util.Map;

/** The suppression marks of a state, named as the command line shows and exports them. */
final class Marks {
    static final String HARD_BOUNCE = ReasonNames.HARD_BOUNCE;
    static final String SOFT_BOUNCE = ReasonNames.SOFT_BOUNCE;
    static final String COMPLAINT = ReasonNames.COMPLAINT;
    static final String UNSUBSCRIBE = ReasonNames.UNSUBSCRIBE;
    /** An operator's hold shown apart, when the person's own unsubscribe stands too. */
    static final String OPERATOR_HOLD = dev.optout.preferences.PersonalData.OPERATOR_HOLD;
    static final String TOPIC_PREFIX = dev.optout.preferences.PersonalData.TOPIC_PREFIX;

    private Marks() {
    }

    /** Every mark that blocks mail, strongest first; topic opt-outs as {@code unsubscribe:TOPIC} (the shared naming). */
    static Map<String, Mark> of(AddressState s) {
        return dev.optout.preferences.PersonalData.marks(s);
    }

    static String describe(Mark m) {
        return m.at() + "  " + m.source() + (m.campaignId() == null ? "" : "  campaign=" + m.campaignId())
                + (m.detail() == null ? "" : "  (" + m.detail() + ")");
    }

    static ObjectNode json(Mark m) {
        return dev.optout.preferences.PersonalData.json(m);
    }
}
