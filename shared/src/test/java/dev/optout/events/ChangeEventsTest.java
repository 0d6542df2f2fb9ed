package dev.optout.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What event each history item becomes: kind, reason, scope, ids, the address and what an erasure says. */
class ChangeEventsTest {
    private static final String KEY = "k3yOfAnaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
    private static final String SK = "H#2026-12-01T10:00:00.123Z#AbCdEfGh";

    private static Map<String, AttributeValue> history(String action, String src, String topic, Map<String, String> evidence) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s("A#" + KEY));
        item.put("sk", s(SK));
        item.put("action", s(action));
        item.put("at", s("2026-12-01T09:59:58Z"));
        item.put("recordedAt", s("2026-12-01T10:00:00.123Z"));
        item.put("src", s(src));
        if (topic != null) {
            item.put("topic", s(topic));
        }
        if (!evidence.isEmpty()) {
            Map<String, AttributeValue> ev = new HashMap<>();
            evidence.forEach((k, v) -> ev.put(k, s(v)));
            item.put("evidence", AttributeValue.fromM(ev));
        }
        return item;
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static ChangeEvent event(Map<String, AttributeValue> item, String address) {
        return ChangeEvents.fromHistory(item, address).orElseThrow();
    }

    @ParameterizedTest(name = "{0} from {1} is {3} ({4})")
    @CsvSource({
            "UNSUBSCRIBE_ALL,    ONE_CLICK,         , OPTED_OUT,          PERSON,              ALL",
            "UNSUBSCRIBE_TOPIC,  PREFERENCE_CENTER, news, OPTED_OUT,      PERSON,              TOPIC",
            "UNSUBSCRIBE_ALL,    SES_SUBSCRIPTION,  , OPTED_OUT,          PERSON_VIA_PROVIDER, ALL",
            "UNSUBSCRIBE_ALL,    IMPORT,            , OPTED_OUT,          IMPORT,              ALL",
            "UNSUBSCRIBE_ALL,    OPERATOR,          , SUPPRESSED,         OPERATOR,            ALL",
            "UNSUBSCRIBE_TOPIC,  OPERATOR,          news, SUPPRESSED,     OPERATOR,            TOPIC",
            "RESUBSCRIBE_ALL,    PREFERENCE_API,    , OPTED_IN,           PERSON,              ALL",
            "SUBSCRIBE_TOPIC,    PREFERENCE_CENTER, news, OPTED_IN,       PERSON,              TOPIC",
            "RESUBSCRIBE_ALL,    OPERATOR,          , SUPPRESSION_LIFTED, OPERATOR,            ALL",
            "HARD_BOUNCE,        SES_BOUNCE,        , SUPPRESSED,         HARD_BOUNCE,         ALL",
            "COMPLAINT,          SES_COMPLAINT,     , SUPPRESSED,         COMPLAINT,           ALL",
            "SOFT_BOUNCE_SUPPRESS, SES_BOUNCE,      , SUPPRESSED,         SOFT_BOUNCE_STOP,    ALL",
            "LIFT_BOUNCE,        OPERATOR,          , SUPPRESSION_LIFTED, BOUNCE,              ALL",
            "SET_FREQUENCY,      PREFERENCE_CENTER, news, FREQUENCY_CHANGED, PERSON,           TOPIC",
    })
    void eachChangeOfAMarkOrChoiceIsOneEventOfItsKindWithItsReasonAndScope(String action, String src, String topic,
                                                                             ChangeKind kind, String reason, String scope) {
        ChangeEvent e = event(history(action, src, topic, Map.of()), "ana@example.com");
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.scope()).isEqualTo(scope);
        assertThat(e.topic()).isEqualTo(topic);
        assertThat(e.source()).isEqualTo(src);
        assertThat(e.address()).isEqualTo("ana@example.com");
        assertThat(e.addressKey()).isEqualTo(KEY);
        assertThat(e.at()).hasToString("2026-12-01T09:59:58Z");
        assertThat(e.recordedAt()).hasToString("2026-12-01T10:00:00.123Z");
        assertThat(e.kind().detailType()).isNotBlank();
    }

    @Test
    void anOperatorsOptInWithTheRecordedConsentOfThePersonIsAnOptInNotALift() {
        ChangeEvent e = event(history("RESUBSCRIBE_ALL", "OPERATOR", null, Map.of("consent", "phone call 2026-11-30")), null);
        assertThat(e.kind()).isEqualTo(ChangeKind.OPTED_IN);
        assertThat(e.reason()).isEqualTo("OPERATOR_WITH_CONSENT");
    }

    @Test
    void theIdIsTheHistoryEntrysIdTheSameEachTimeTheItemIsRead() {
        Map<String, AttributeValue> item = history("UNSUBSCRIBE_ALL", "ONE_CLICK", null, Map.of());
        assertThat(event(item, null).id()).isEqualTo(KEY + "/2026-12-01T10:00:00.123Z#AbCdEfGh")
                .isEqualTo(event(new HashMap<>(item), "ana@example.com").id());
    }

    @Test
    void theCampaignAndTheFrequencyAreCarried() {
        Map<String, AttributeValue> item = history("SET_FREQUENCY", "PREFERENCE_CENTER", null, Map.of());
        item.put("frequency", s("MONTHLY"));
        item.put("cmp", s("welcome"));
        ChangeEvent e = event(item, null);
        assertThat(e.frequency()).isEqualTo("MONTHLY");
        assertThat(e.campaignId()).isEqualTo("welcome");
        assertThat(e.detail()).containsEntry("frequency", "MONTHLY").containsEntry("campaignId", "welcome")
                .containsEntry("scope", "ALL").containsEntry("version", "1").containsEntry("type", "FREQUENCY_CHANGED");
    }

    @Test
    void withoutAnAddressTheEventCarriesOnlyTheKeyedHashAndNoOperatorNote() {
        Map<String, AttributeValue> item = history("UNSUBSCRIBE_ALL", "OPERATOR", null, Map.of());
        item.put("reason", s("asked by phone, ana@example.com"));
        item.put("actor", s("arn:aws:iam::123456789012:user/ops"));
        assertThat(event(item, null).detail()).doesNotContainKeys("address", "note")
                .containsEntry("addressKey", KEY).containsEntry("actor", "arn:aws:iam::123456789012:user/ops");
        assertThat(event(item, "ana@example.com").detail()).containsEntry("address", "ana@example.com")
                .containsEntry("note", "asked by phone, ana@example.com");
    }

    @Test
    void anErasureNeverCarriesTheAddressAndTellsConsumersToDeleteTheirCopy() {
        Map<String, AttributeValue> item = history("FORGET_ADDRESS", "OPERATOR", null, Map.of());
        item.put("reason", s("GDPR request from ana@example.com"));
        ChangeEvent e = event(item, "ana@example.com");
        assertThat(e.kind()).isEqualTo(ChangeKind.ADDRESS_ERASED);
        assertThat(e.detail()).doesNotContainKeys("address", "note").containsEntry("instruction", "DELETE")
                .containsEntry("addressKey", KEY).containsEntry("reason", "ERASURE");
        assertThat(e.detailJson()).doesNotContain("ana@").doesNotContain("example.com");
        assertThatThrownBy(() -> new ChangeEvent("x", ChangeKind.ADDRESS_ERASED, KEY, "ana@example.com", null, null, null,
                null, java.time.Instant.EPOCH, null, null, null, null, null, "DELETE")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aChangeRecordedButNotAppliedIsNotPublished() {
        assertThat(ChangeEvents.fromHistory(history("RESUBSCRIBE_ALL", "PREFERENCE_CENTER", null,
                Map.of("outcome", "not applied: an opt-out of 2026-12-01T10:00:00Z is newer")), "ana@example.com")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"HARD_BOUNCE, HARD_BOUNCE_EXPIRED", "SOFT_BOUNCE, SOFT_BOUNCE_STOP_EXPIRED"})
    void aStopThatExpiredByPolicyIsALift(String stop, String reason) {
        ChangeEvent e = ChangeEvents.fromHistory(history("EXPIRED", "POLICY", null, Map.of("stop", stop, "policyDays", "30")),
                "ana@example.com").orElseThrow();
        assertThat(e.kind()).isEqualTo(ChangeKind.SUPPRESSION_LIFTED);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.source()).isEqualTo("POLICY");
    }

    @ParameterizedTest
    @CsvSource({"SOFT_BOUNCE, SES_BOUNCE", "DELIVERY, SES_DELIVERY", "SENT_WHILE_SUPPRESSED, SES_SEND", "SENDER_REJECTION, SES_BOUNCE"})
    void countsAndFindingsChangeNoMarkAndAreNotPublished(String action, String src) {
        assertThat(ChangeEvents.fromHistory(history(action, src, null, Map.of()), "ana@example.com")).isEmpty();
    }

    @Test
    void onlyHistoryAndGuardItemsAreEventSources() {
        Map<String, AttributeValue> state = Map.of("pk", s("A#" + KEY), "sk", s("STATE"));
        Map<String, AttributeValue> dedupe = Map.of("pk", s("D#abc"), "sk", s("D"));
        Map<String, AttributeValue> counter = Map.of("pk", s("C#welcome#0"), "sk", s("N"));
        for (Map<String, AttributeValue> item : List.of(state, dedupe, counter)) {
            assertThat(ChangeEvents.isHistory(item)).isFalse();
            assertThat(ChangeEvents.isGuard(item)).isFalse();
        }
        assertThat(ChangeEvents.isHistory(history("UNSUBSCRIBE_ALL", "ONE_CLICK", null, Map.of()))).isTrue();
        assertThatThrownBy(() -> ChangeEvents.fromHistory(state, null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static AttributeValue entry(String action, String at, String reason, String actor) {
        return AttributeValue.fromM(Map.of("action", s(action), "at", s(at), "reason", s(reason), "actor", s(actor),
                "sends", AttributeValue.fromN("1000"), "bounces", AttributeValue.fromN("80"), "complaints", AttributeValue.fromN("0")));
    }

    @Test
    void theGuardsLatestLogEntryIsAPauseOrAResumeWithAnIdNamingItsPlaceInTheLog() {
        Map<String, AttributeValue> guard = new HashMap<>();
        guard.put("pk", s("C#welcome"));
        guard.put("sk", s("GUARD"));
        guard.put("log", AttributeValue.fromL(List.of(entry("PAUSED", "2026-12-01T10:00:00Z", "BOUNCE_RATE", "campaign-guard"))));
        ChangeEvent paused = ChangeEvents.fromGuard(guard).orElseThrow();
        assertThat(paused.kind()).isEqualTo(ChangeKind.CAMPAIGN_PAUSED);
        assertThat(paused.id()).isEqualTo("campaign/welcome/0");
        assertThat(paused.reason()).isEqualTo("BOUNCE_RATE");
        assertThat(paused.campaignId()).isEqualTo("welcome");
        assertThat(paused.detail()).doesNotContainKeys("address", "addressKey");

        guard.put("log", AttributeValue.fromL(List.of(entry("PAUSED", "2026-12-01T10:00:00Z", "BOUNCE_RATE", "campaign-guard"),
                entry("RESUMED", "2026-12-01T11:00:00Z", "list cleaned", "ops"))));
        ChangeEvent resumed = ChangeEvents.fromGuard(guard).orElseThrow();
        assertThat(resumed.kind()).isEqualTo(ChangeKind.CAMPAIGN_RESUMED);
        assertThat(resumed.id()).isEqualTo("campaign/welcome/1");
        assertThat(resumed.actor()).isEqualTo("ops");
        assertThat(resumed.note()).isEqualTo("list cleaned");

        guard.remove("log");
        assertThat(ChangeEvents.fromGuard(guard)).isEqualTo(Optional.empty());
    }
}
