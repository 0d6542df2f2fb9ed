package dev.optout.events;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The history items the real store writes (against moto) become the events the mapping promises. */
@ExtendWith(LocalAwsExtension.class)
class ChangeEventsIT {
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void aOneClickABounceALiftAndAForgetWrittenByTheStoreAreFourEventsInOrderAndTheErasureNamesNoAddress(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        String table = fixture.table();
        SuppressionStore store = fixture.store();
        EmailAddress ana = AddressParser.parseOrNull("ana@example.com");
        store.apply(ana, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T).withCampaign("welcome")));
        store.apply(ana, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T.plusSeconds(60))));
        store.apply(ana, Change.of(Action.LIFT_BOUNCE, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(120), "ops", "mailbox fixed")));
        // an opt-in older than the opt-out: the consent model records it without applying it
        store.recordNotApplied(ana, Change.resubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, T.minusSeconds(60))), "older");
        store.forget(ana, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(180), "ops", "erasure request"));

        List<Map<String, AttributeValue>> history = new ArrayList<>(aws.dynamoDb().scan(r -> r.tableName(table)).items().stream()
                .filter(ChangeEvents::isHistory).toList());
        history.sort(Comparator.comparing(i -> i.get("sk").s()));
        List<ChangeEvent> events = history.stream().flatMap(i -> ChangeEvents.fromHistory(i, "ana@example.com").stream()).toList();

        assertThat(events).extracting(ChangeEvent::kind).containsExactly(ChangeKind.OPTED_OUT, ChangeKind.SUPPRESSED,
                ChangeKind.SUPPRESSION_LIFTED, ChangeKind.ADDRESS_ERASED);
        assertThat(events).extracting(ChangeEvent::reason).containsExactly("PERSON", "HARD_BOUNCE", "BOUNCE", "ERASURE");
        assertThat(events).extracting(ChangeEvent::addressKey).containsOnly(KEYS.keyOf(ana));
        assertThat(events.get(0).campaignId()).isEqualTo("welcome");
        assertThat(events.get(0).at()).isEqualTo(T);
        assertThat(events).extracting(ChangeEvent::id).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith(KEYS.keyOf(ana) + "/"));
        assertThat(events.get(3).detailJson()).doesNotContain("ana@example.com").contains("\"instruction\":\"DELETE\"");
    }
}
