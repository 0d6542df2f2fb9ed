package dev.optout.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.optin.OptInEvidence.IpRetention;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptInEvidenceTest {
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theNetworkAddressIsKeptInFullTruncatedOrNotAtAll() {
        assertThat(IpRetention.FULL.keep("203.0.113.77")).isEqualTo("203.0.113.77");
        assertThat(IpRetention.TRUNCATED.keep("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(IpRetention.TRUNCATED.keep("2001:db8:85a3:8d3:1319:8a2e:370:7348")).isEqualTo("2001:db8:85a3:0:0:0:0:0/48");
        assertThat(IpRetention.NONE.keep("203.0.113.77")).isNull();
        assertThat(IpRetention.TRUNCATED.keep("evil.example.com")).as("never a name lookup").isNull();
        assertThat(IpRetention.FULL.keep("not an address")).isNull();
        assertThat(IpRetention.TRUNCATED.keep(null)).isNull();
    }

    @Test
    void retentionComesFromTheSettingTruncatedByDefaultAndABadValueIsAClearError() {
        assertThat(IpRetention.fromSettings(Settings.of(Map.of()))).isEqualTo(IpRetention.TRUNCATED);
        assertThat(IpRetention.fromSettings(Settings.of(Map.of(Settings.OPT_IN_IP_RETENTION, "none")))).isEqualTo(IpRetention.NONE);
        assertThatThrownBy(() -> IpRetention.fromSettings(Settings.of(Map.of(Settings.OPT_IN_IP_RETENTION, "half"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("full, truncated or none");
    }

    @Test
    void noneKeepsNeitherAddressNorUserAgentAndTheWordsAreVersionedByTheirContent() {
        OptInEvidence e = OptInEvidence.shown("form", "Events: invitations").from("203.0.113.77", "Mozilla/5.0", IpRetention.NONE);
        assertThat(e.asMap()).containsOnlyKeys("optInChannel", "wording", "wordingVersion");
        assertThat(OptInEvidence.versionOf("Events: invitations")).isEqualTo(e.wordingVersion())
                .isNotEqualTo(OptInEvidence.versionOf("Events: invitations!"));
        OptInEvidence c = OptInEvidence.shown("confirmation", "w").confirmed(T, T.plusSeconds(60));
        assertThat(c.asMap()).containsEntry("requestedAt", "2026-12-01T10:00:00Z").containsEntry("confirmedAt", "2026-12-01T10:01:00Z");
    }

    @Test
    void onlyOptInsCarryTheEvidence() {
        Provenance p = Provenance.of(Source.PREFERENCE_CENTER, T);
        List<Change> out = OptInEvidence.attach(List.of(Change.subscribeTopic("events", p), Change.unsubscribeTopic("promotions", p),
                Change.resubscribeAll(p)), c -> OptInEvidence.of("form"));
        assertThat(out.get(0).provenance().evidence()).containsEntry("optInChannel", "form");
        assertThat(out.get(1).provenance().evidence()).isEmpty();
        assertThat(out.get(2).provenance().evidence()).containsEntry("optInChannel", "form");
    }

    @Test
    void theStandingOptInsProofIsTheLatestOptInNotFollowedByAnOptOut() {
        HistoryEvent newer = event(Action.SUBSCRIBE_TOPIC, "events", T.plusSeconds(20), "confirmation");
        HistoryEvent older = event(Action.SUBSCRIBE_TOPIC, "events", T, "form");
        HistoryEvent off = event(Action.UNSUBSCRIBE_TOPIC, "promotions", T.plusSeconds(30), null);
        HistoryEvent on = event(Action.SUBSCRIBE_TOPIC, "promotions", T.plusSeconds(10), "form");
        Map<String, HistoryEvent> proofs = OptInEvidence.latestOptIns(List.of(off, newer, on, older));
        assertThat(proofs).containsOnlyKeys("events");
        assertThat(proofs.get("events")).isSameAs(newer);
    }

    private static HistoryEvent event(Action action, String topic, Instant at, String channel) {
        return new HistoryEvent(action, at, Source.PREFERENCE_CENTER, topic, null, null, null,
                channel == null ? Map.of() : Map.of("optInChannel", channel));
    }
}
