package dev.optout.check;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The check's own rules (input order, invalid and repeated recipients, the campaign guard) against moto. */
@ExtendWith(LocalAwsExtension.class)
class PresendCheckIT {
    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    private SuppressionStore store;
    private BatchStateReader reader;
    private CampaignGuard guard;
    private PresendCheck check;
    private String table;

    @BeforeEach
    void setUp(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        table = fixture.table();
        store = fixture.store();
        reader = new BatchStateReader(aws.dynamoDb(), table, 2);
        guard = new CampaignGuard(aws.dynamoDb(), table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        check = new PresendCheck(TopicCatalog.bundled(), KEYS, reader, LinkProvider.NONE, guard);
    }

    @AfterEach
    void close() {
        reader.close();
    }

    private CheckResponse run(CheckRequest request) {
        return check.check(request, Deadline.after(Duration.ofSeconds(20), Clock.systemUTC()));
    }

    @Test
    void whenOnlyThePauseReadFailsTheCheckFailsClosedInsteadOfAnsweringAllowed(LocalAws aws) {
        // the guard reads through its own client, whose BatchGetItem of the guard item fails;
        // the recipients' states read fine through the store's client
        software.amazon.awssdk.core.interceptor.ExecutionInterceptor failPauseRead = new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
            @Override
            public void beforeTransmission(software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                           software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("pause read failed (test)");
            }
        };
        software.amazon.awssdk.services.dynamodb.DynamoDbClient failing = aws.client(software.amazon.awssdk.services.dynamodb.DynamoDbClient
                .builder().overrideConfiguration(c -> c.addExecutionInterceptor(failPauseRead)));
        CampaignGuard unreadable = new CampaignGuard(failing, table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        PresendCheck guarded = new PresendCheck(TopicCatalog.bundled(), KEYS, reader, LinkProvider.NONE, unreadable);

        assertThat(guarded.check(new CheckRequest("newsletter", null, List.of("ana@example.com")),
                Deadline.after(Duration.ofSeconds(20), Clock.systemUTC())).results().get(0).allowed())
                .as("without a campaign the pause is not read").isTrue();
        assertThatThrownBy(() -> guarded.check(new CheckRequest("newsletter", "Spring sale 2026", List.of("ana@example.com")),
                Deadline.after(Duration.ofSeconds(20), Clock.systemUTC())))
                .isInstanceOf(dev.optout.suppression.StoreUnavailableException.class);
    }

    @Test
    void invalidAndRepeatedRecipientsAreAnsweredInPlaceAndCountAsBlocked() {
        store.apply(AddressParser.parseOrNull("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));

        CheckResponse r = run(new CheckRequest("newsletter", null, List.of(
                "ana@example.com", "not an address", "Ana <ANA@example.com>", "gone@example.com", "budi@example.com")));

        assertThat(r.results()).extracting(CheckResult::recipient).containsExactly(
                "ana@example.com", "not an address", "Ana <ANA@example.com>", "gone@example.com", "budi@example.com");
        assertThat(r.results()).extracting(CheckResult::reason).containsExactly(
                null, BlockReason.INVALID_ADDRESS, BlockReason.DUPLICATE, BlockReason.UNSUBSCRIBED_ALL, null);
        assertThat(r.results().get(1).detail()).isNotBlank();
        assertThat(r.results().get(2).address()).isEqualTo("ana@example.com");
        assertThat(r.summary()).isEqualTo(new CheckResponse.Summary(5, 2, 3));
    }

    @Test
    void aPausedCampaignBlocksOnlyItsOwnMarketingMailAndOnlyThoseWhoWouldBeAllowed() {
        guard.record(SesTags.value("Spring sale 2026"), new CampaignCounts(1_000, 0, 5));
        Instant since = guard.pausedSince(SesTags.value("Spring sale 2026")).orElseThrow();
        store.apply(AddressParser.parseOrNull("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        List<String> people = List.of("ana@example.com", "gone@example.com");

        List<CheckResult> paused = run(new CheckRequest("newsletter", "Spring sale 2026", people)).results();
        assertThat(paused).extracting(CheckResult::reason).containsExactly(BlockReason.CAMPAIGN_PAUSED, BlockReason.UNSUBSCRIBED_ALL);
        assertThat(paused.get(0).since()).isEqualTo(since.toString());
        assertThat(paused.get(0).tags()).isNull();

        assertThat(run(new CheckRequest("newsletter", "autumn-2026", people)).results().get(0).allowed()).isTrue();
        assertThat(run(new CheckRequest("newsletter", null, people)).results().get(0).allowed()).isTrue();
        assertThat(run(new CheckRequest(null, "Spring sale 2026", people, Purpose.TRANSACTIONAL)).results())
                .extracting(CheckResult::allowed).containsExactly(true, true);
        assertThat(run(new CheckRequest(null, null, people, Purpose.TRANSACTIONAL)).results())
                .extracting(CheckResult::allowed).containsExactly(true, true);
    }

    @Test
    void aSoftBounceStopAnswersUntilWhenItExpiresAndThenLetsMailGoWithoutAWrite(LocalAws aws) {
        Instant stopped = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        var address = AddressParser.parseOrNull("full@example.com");
        store.apply(address, Change.of(dev.optout.suppression.Action.SOFT_BOUNCE_SUPPRESS, Provenance.of(Source.SES_BOUNCE, stopped)));
        Instant until = stopped.plus(Duration.ofDays(7));
        CheckRequest request = new CheckRequest("newsletter", null, List.of("full@example.com"));

        PresendCheck dayOne = new PresendCheck(TopicCatalog.bundled(), KEYS, reader, LinkProvider.NONE, guard,
                dev.optout.suppression.ExpiryPolicy.DEFAULT, Clock.fixed(stopped.plus(Duration.ofDays(1)), java.time.ZoneOffset.UTC));
        CheckResult blocked = dayOne.check(request, Deadline.after(Duration.ofSeconds(20), Clock.systemUTC())).results().get(0);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.reason()).isEqualTo(BlockReason.BOUNCED);
        assertThat(blocked.until()).isEqualTo(until.toString());

        long version = store.read(address).version();
        PresendCheck dayEight = new PresendCheck(TopicCatalog.bundled(), KEYS, reader, LinkProvider.NONE, guard,
                dev.optout.suppression.ExpiryPolicy.DEFAULT, Clock.fixed(until, java.time.ZoneOffset.UTC));
        CheckResult again = dayEight.check(request, Deadline.after(Duration.ofSeconds(20), Clock.systemUTC())).results().get(0);
        assertThat(again.allowed()).isTrue();
        assertThat(again.until()).isNull();
        assertThat(store.read(address).version()).as("no write").isEqualTo(version);
        assertThat(run(request).results().get(0).allowed()).as("a check without a policy never expires a stop").isFalse();
    }
}
