package dev.optout.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The daily expiry sweep over the real table (moto) and its sparse index: stops seeded at several ages. */
@ExtendWith(LocalAwsExtension.class)
class ExpirySweepIT {
    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00Z");
    /** Soft-bounce stops for 7 days, hard bounces for 30 (a re-test). */
    private static final ExpiryPolicy POLICY = ExpiryPolicy.ofDays(7, 30);
    private SuppressionStore store;
    private final List<String> removedFromSes = new ArrayList<>();

    @BeforeEach
    void freshTable(LocalAws aws) {
        store = StoreFixture.on(aws).store();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Instant daysAgo(double days) {
        return NOW.minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
    }

    private void hardBounce(String address, Instant at) {
        store.apply(addr(address), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, at)));
    }

    private void softBounceStop(String address, Instant at) {
        store.apply(addr(address), Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "Transient/General", Provenance.of(Source.SES_BOUNCE, at)));
    }

    private ExpirySweep sweep(ExpirySweep.SesSuppressionList ses) {
        return new ExpirySweep(store, POLICY, ses, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private ExpirySweep.Result run(ExpirySweep.SesSuppressionList ses) {
        return sweep(ses).run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true);
    }

    private List<HistoryEvent> expiries(String address) {
        return store.fullHistory(addr(address)).stream().filter(e -> e.action() == Action.EXPIRED).toList();
    }

    @Test
    void dueStopsGetOneExpiryEachAndNothingElseDoesEvenOnASecondRun() {
        hardBounce("hard.due@example.com", daysAgo(31));
        hardBounce("hard.caught.up@example.com", daysAgo(32.5));
        hardBounce("hard.later.today@example.com", daysAgo(29.9));
        hardBounce("hard.young@example.com", daysAgo(10));
        softBounceStop("soft.due@example.com", daysAgo(8));
        softBounceStop("soft.young@example.com", daysAgo(3));
        hardBounce("renewed@example.com", daysAgo(31));
        hardBounce("renewed@example.com", daysAgo(2));
        hardBounce("lifted@example.com", daysAgo(31));
        store.apply(addr("lifted@example.com"), Change.of(Action.LIFT_BOUNCE,
                Provenance.byOperator(Source.OPERATOR, daysAgo(20), "ops", "mailbox fixed")));
        store.apply(addr("complained@example.com"), Change.withDetail(Action.COMPLAINT, "abuse",
                Provenance.of(Source.SES_COMPLAINT, daysAgo(400))));

        ExpirySweep.Result first = run(null);

        assertThat(first.finished()).isTrue();
        assertThat(first.count(ExpirySweep.Outcome.RECORDED)).isEqualTo(3);
        HistoryEvent hard = expiries("hard.due@example.com").get(0);
        assertThat(hard.at()).as("dated when it expired").isEqualTo(daysAgo(31).plus(Duration.ofDays(30)));
        assertThat(hard.source()).isEqualTo(Source.POLICY);
        assertThat(hard.evidence()).containsEntry("stop", "HARD_BOUNCE").containsEntry("policyDays", "30")
                .containsEntry("countedFrom", daysAgo(31).toString()).containsEntry("sesSuppressionList", "not mirrored");
        assertThat(expiries("hard.caught.up@example.com")).as("inside the catch-up days").hasSize(1);
        assertThat(expiries("soft.due@example.com")).singleElement()
                .satisfies(e -> assertThat(e.evidence()).containsEntry("stop", "SOFT_BOUNCE").containsEntry("policyDays", "7"));
        for (String notDue : List.of("hard.later.today@example.com", "hard.young@example.com", "soft.young@example.com",
                "renewed@example.com", "lifted@example.com", "complained@example.com")) {
            assertThat(expiries(notDue)).as(notDue).isEmpty();
        }
        assertThat(store.fullHistory(addr("hard.due@example.com")).get(0).action())
                .as("lookup's history, newest first").isEqualTo(Action.EXPIRED);

        ExpirySweep.Result second = run(null);

        assertThat(second.count(ExpirySweep.Outcome.RECORDED)).isZero();
        assertThat(second.count(ExpirySweep.Outcome.ALREADY_RECORDED)).isEqualTo(3);
        assertThat(expiries("hard.due@example.com")).hasSize(1);
        assertThat(expiries("soft.due@example.com")).hasSize(1);
    }

    @Test
    void aStopRenewedAfterItExpiredIsRecordedAgainOnlyWhenTheRenewalExpires() {
        hardBounce("retest@example.com", daysAgo(61));
        ExpirySweep early = new ExpirySweep(store, POLICY, null, Clock.fixed(daysAgo(30), ZoneOffset.UTC));
        assertThat(early.run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true).count(ExpirySweep.Outcome.RECORDED)).isEqualTo(1);
        hardBounce("retest@example.com", daysAgo(29)); // the re-test bounced: renewed from it

        assertThat(run(null).count(ExpirySweep.Outcome.RECORDED)).as("the renewal is not due yet").isZero();
        assertThat(expiries("retest@example.com")).hasSize(1);

        ExpirySweep later = new ExpirySweep(store, POLICY, null, Clock.fixed(NOW.plus(Duration.ofDays(2)), ZoneOffset.UTC));
        assertThat(later.run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true).count(ExpirySweep.Outcome.RECORDED)).isEqualTo(1);
        assertThat(expiries("retest@example.com")).extracting(e -> e.evidence().get("countedFrom"))
                .containsExactlyInAnyOrder(daysAgo(61).toString(), daysAgo(29).toString());
    }

    @Test
    void aSoftBounceStopUnderAStandingHardBounceWaitsForTheHardBounce() {
        softBounceStop("both@example.com", daysAgo(12));
        hardBounce("both@example.com", daysAgo(11));
        ExpirySweep atSoftDue = new ExpirySweep(store, POLICY, null, Clock.fixed(daysAgo(4), ZoneOffset.UTC));
        assertThat(atSoftDue.run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true).count(ExpirySweep.Outcome.RECORDED)).isZero();

        ExpirySweep atHardDue = new ExpirySweep(store, POLICY, null, Clock.fixed(daysAgo(11).plus(Duration.ofDays(30).plusHours(1)),
                ZoneOffset.UTC));
        assertThat(atHardDue.run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true).count(ExpirySweep.Outcome.RECORDED)).isEqualTo(2);
        assertThat(expiries("both@example.com")).extracting(e -> e.evidence().get("stop"))
                .containsExactlyInAnyOrder("HARD_BOUNCE", "SOFT_BOUNCE");
    }

    @Test
    void aSoftBounceStopAfterAHardBounceExpiredIsFoundWhenDueAndTheHardBounceIsNotRecordedTwice(LocalAws aws) {
        hardBounce("retest.soft@example.com", daysAgo(45));
        ExpirySweep atHardDue = new ExpirySweep(store, POLICY, null, Clock.fixed(daysAgo(14), ZoneOffset.UTC));
        assertThat(atHardDue.run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> true).count(ExpirySweep.Outcome.RECORDED)).isEqualTo(1);
        softBounceStop("retest.soft@example.com", daysAgo(8)); // the re-test bounced softly, three times
        // the idempotency records are gone after 30 days (the table's TTL): only the history remembers
        aws.dynamoDb().scan(r -> r.tableName(store.tableName())).items().stream()
                .filter(i -> i.get("pk").s().startsWith("D#"))
                .forEach(i -> aws.dynamoDb().deleteItem(r -> r.tableName(store.tableName()).key(Map.of("pk", i.get("pk"), "sk", i.get("sk")))));

        ExpirySweep.Result result = run(null);

        assertThat(result.count(ExpirySweep.Outcome.RECORDED)).isEqualTo(1);
        assertThat(result.count(ExpirySweep.Outcome.ALREADY_RECORDED)).isEqualTo(1);
        assertThat(expiries("retest.soft@example.com")).extracting(e -> e.evidence().get("stop"))
                .containsExactlyInAnyOrder("HARD_BOUNCE", "SOFT_BOUNCE");
    }

    @Test
    void anExpiredHardBounceLeavesTheSesSuppressionListAndAFailureThereIsRetriedNextRun() {
        hardBounce("mirrored@example.com", daysAgo(31));

        ExpirySweep.Result failed = run(address -> {
            throw new IllegalStateException("ThrottlingException");
        });

        assertThat(failed.count(ExpirySweep.Outcome.FAILED)).isEqualTo(1);
        assertThat(failed.failures()).singleElement().asString().contains("HARD_BOUNCE").contains("ThrottlingException")
                .doesNotContain("mirrored@example.com");
        assertThat(expiries("mirrored@example.com")).as("not recorded while SES still refuses the re-test").isEmpty();

        ExpirySweep.Result retried = run(address -> removedFromSes.add(address.value()));

        assertThat(retried.count(ExpirySweep.Outcome.RECORDED)).isEqualTo(1);
        assertThat(removedFromSes).containsExactly("mirrored@example.com");
        assertThat(expiries("mirrored@example.com")).singleElement()
                .satisfies(e -> assertThat(e.evidence()).containsEntry("sesSuppressionList", "removed"));
    }

    @Test
    void anExpiredSoftBounceStopLeavesTheSesListTooButNotWhileAComplaintStands() {
        softBounceStop("soft.listed@example.com", daysAgo(8));
        softBounceStop("complained.too@example.com", daysAgo(8));
        store.apply(addr("complained.too@example.com"), Change.withDetail(Action.COMPLAINT, "abuse",
                Provenance.of(Source.SES_COMPLAINT, daysAgo(9))));

        run(address -> removedFromSes.add(address.value()));

        assertThat(removedFromSes).containsExactly("soft.listed@example.com");
        assertThat(expiries("complained.too@example.com")).singleElement()
                .satisfies(e -> assertThat(e.evidence()).containsEntry("sesSuppressionList", "kept: a complaint stands"));
    }

    @Test
    void aRunOutOfTimeStopsAndTheNextRunGoesOn() {
        for (int i = 0; i < 4; i++) {
            hardBounce("many" + i + "@example.com", daysAgo(31 + i * 0.1));
        }
        int[] budget = {3};

        ExpirySweep.Result cut = sweep(null).run(ExpirySweep.DEFAULT_CATCH_UP_DAYS, () -> budget[0]-- > 0);

        assertThat(cut.finished()).isFalse();
        assertThat(cut.count(ExpirySweep.Outcome.RECORDED)).isLessThan(4);
        ExpirySweep.Result rest = run(null);
        assertThat(rest.finished()).isTrue();
        assertThat(cut.count(ExpirySweep.Outcome.RECORDED) + rest.count(ExpirySweep.Outcome.RECORDED)).isEqualTo(4);
    }

    @Test
    void theDaysLookedAtAreTheDueOnesAndTheCatchUpBeforeThemUnderTheCurrentPolicy() {
        assertThat(sweep(null).days(NOW, 1)).containsExactly(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-03"),
                LocalDate.parse("2026-11-25"), LocalDate.parse("2026-11-26"));
        assertThat(new ExpirySweep(store, ExpiryPolicy.DEFAULT, null, Clock.systemUTC()).days(NOW, 0))
                .as("hard bounces never expire by default").containsExactly(LocalDate.parse("2026-11-26"));
        assertThat(new ExpirySweep(store, ExpiryPolicy.NEVER, null, Clock.systemUTC()).days(NOW, 3)).isEmpty();
        assertThat(ExpiryPolicy.countsFrom(SendPolicy.Stop.COMPLAINT, store.read(addr("x@example.com")))).isNull();
    }
}
