package dev.optout.check;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Marketing vs transactional checks against the real table (moto). */
@ExtendWith(LocalAwsExtension.class)
class PurposeCheckIT {
    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    private SuppressionStore store;
    private BatchStateReader reader;
    private PresendCheck check;

    @BeforeEach
    void setUp(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        String table = fixture.table();
        store = fixture.store();
        reader = new BatchStateReader(aws.dynamoDb(), table, 4);
        LinkProvider links = (address, topic, campaign) -> new LinkProvider.Links(
                Map.of("List-Unsubscribe", "<https://optout.example/u/x>"), "https://optout.example/p/x");
        check = new PresendCheck(TopicCatalog.bundled(), KEYS, reader, links);
    }

    @AfterEach
    void close() {
        reader.close();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private List<CheckResult> run(CheckRequest request) {
        return check.check(request, Deadline.after(Duration.ofSeconds(20), Clock.systemUTC())).results();
    }

    @Test
    void transactionalMailReachesTheUnsubscribedAndReportsAComplaintButNotTheHardBounced() {
        store.apply(addr("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        store.apply(addr("topic@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.PREFERENCE_CENTER, T0)));
        store.apply(addr("spam@example.com"), Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, T0)));
        store.apply(addr("dead@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T0)));
        List<String> people = List.of("gone@example.com", "topic@example.com", "spam@example.com", "dead@example.com");

        List<CheckResult> tx = run(new CheckRequest(null, "receipts-2026", people, Purpose.TRANSACTIONAL));

        assertThat(tx).extracting(CheckResult::allowed).containsExactly(true, true, true, false);
        assertThat(tx.get(3).reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(tx.get(3).since()).isEqualTo(T0.toString());
        assertThat(tx.get(2).complained()).isTrue();
        assertThat(tx.get(0).complained()).isNull();
        assertThat(tx.get(0).headers()).as("no List-Unsubscribe on transactional mail").isNull();
        assertThat(tx.get(0).tags()).containsEntry(SesTags.PURPOSE, "transactional").doesNotContainKey(SesTags.TOPIC);

        List<CheckResult> marketing = run(new CheckRequest("newsletter", null, people));
        assertThat(marketing).extracting(CheckResult::reason).containsExactly(BlockReason.UNSUBSCRIBED_ALL,
                BlockReason.UNSUBSCRIBED_TOPIC, BlockReason.COMPLAINED, BlockReason.BOUNCED);
    }

    @Test
    void allowedMarketingResultsCarryTheSesTagsAndBlockedOnesNone() {
        store.apply(addr("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));

        List<CheckResult> r = run(new CheckRequest("newsletter", "Spring sale 2026", List.of("ana@example.com", "gone@example.com")));

        assertThat(r.get(0).tags()).containsEntry(SesTags.TOPIC, "newsletter").containsEntry(SesTags.PURPOSE, "marketing")
                .containsEntry(SesTags.CAMPAIGN, SesTags.value("Spring sale 2026"));
        assertThat(r.get(0).tags().values()).allMatch(SesTags::isValid);
        assertThat(r.get(0).headers()).containsKey("List-Unsubscribe");
        assertThat(r.get(1).tags()).isNull();
    }
}
