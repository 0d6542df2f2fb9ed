package dev.optout.consent;

import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.util.Map;

/** Changes as the paths make them, at a time given in seconds after a fixed instant. */
final class Changes {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private Changes() {
    }

    static Instant at(long second) {
        return T0.plusSeconds(second);
    }

    static Provenance by(Source source, long second) {
        return Provenance.of(source, at(second));
    }

    static Provenance operator(long second) {
        return Provenance.byOperator(Source.OPERATOR, at(second), "ops@example.com", "ticket 1");
    }

    static Provenance operatorWithConsent(long second) {
        return operator(second).withEvidence(Map.of(Authority.CONSENT_EVIDENCE, "signed up again, form ref 8812"));
    }

    static Change oneClick(long second) {
        return Change.unsubscribeAll(by(Source.ONE_CLICK, second));
    }

    static Change resubscribe(Source source, long second) {
        return Change.resubscribeAll(by(source, second));
    }

    static Change complaint(long second) {
        return Change.withDetail(Action.COMPLAINT, "abuse", by(Source.SES_COMPLAINT, second));
    }

    static Change hardBounce(long second) {
        return Change.withDetail(Action.HARD_BOUNCE, "General", by(Source.SES_BOUNCE, second));
    }

    static Change frequency(Source source, long second, Frequency f) {
        return Change.frequency(null, f, by(source, second));
    }
}
