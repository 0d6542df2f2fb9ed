package dev.optout.expiry;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.ApplyResult;
import dev.optout.suppression.Change;
import dev.optout.suppression.ExpiryPolicy;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.suppression.StaleStateException;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * The daily expiry sweep: records in the history each stop that expired by policy (a hard bounce,
 * a soft-bounce stop). The check never needed it (it reads the expiry); the history does, as proof
 * of when and why mail went again.
 *
 * <p>Which items: the state items the sparse index {@code StopExpiry} files under the days whose
 * stops are due under the current policy (today minus the policy's days), and the
 * {@code catchUpDays} before them (a run that failed or stopped early, a policy made shorter).
 * Oldest day first. For each item the state is read again (strongly consistent) and judged with
 * {@link ExpiryPolicy}; a stop that expired gets one {@link Action#EXPIRED} finding, written
 * through the consent model on the condition that the state did not move since it was judged, at
 * most once per address, stop and the time it counted from (an idempotency record in the same
 * transaction, and the history itself, which outlives the record: a rerun, or a later visit of the
 * item for its other stop, records nothing twice; a stop renewed by a later bounce counts from the
 * new bounce and is judged again when that is due). The index files an item under the latest day
 * one of its stops counts from, and each visit judges both stops. A soft-bounce stop is left alone
 * while a hard bounce stands (it changes nothing for the check); both are judged when the hard
 * bounce is due.
 *
 * <p>With suppressions mirrored to the SES account suppression list (hard bounces, soft-bounce
 * stops and complaints are), an expired stop's address is first removed from that list
 * ({@link SesSuppressionList#remove}), or SES would refuse the re-test itself; not while a
 * complaint or another bounce stop still stands. A failure there fails that item: nothing is
 * recorded, and the next run tries again.
 */
public final class ExpirySweep {
    /** How many days before the due ones a run also looks at, unless told otherwise. */
    public static final int DEFAULT_CATCH_UP_DAYS = 3;
    /**
     * At most this many: a stop's "already recorded" is its idempotency record, which the table's
     * TTL removes after {@link SuppressionStore#DEDUPE_RETENTION} (30 days).
     */
    public static final int MAX_CATCH_UP_DAYS = (int) SuppressionStore.DEDUPE_RETENTION.toDays() - 2;
    private static final int MAX_JUDGEMENTS = 3;

    /** The SES account-level suppression list, when suppressions are mirrored to it. */
    @FunctionalInterface
    public interface SesSuppressionList {
        /**
         * Removes the address; an address not on the list is no failure. Throws when the removal
         * could not be made (the item is retried on the next run).
         */
        void remove(EmailAddress address);
    }

    /** What one item came to. */
    public enum Outcome {
        /** The stop expired and its finding was written now. */
        RECORDED,
        /** Already recorded by an earlier run. */
        ALREADY_RECORDED,
        /** The stop still stands (not yet due, or renewed by a later bounce). */
        STANDING,
        /** No stop that can expire stands any more (lifted; the index lags the table). */
        GONE,
        /** Could not be recorded (SES list, table): retried on the next run. */
        FAILED
    }

    /**
     * One run's account.
     *
     * @param days     the days (UTC, of the index) looked at, oldest first
     * @param counts   items by outcome
     * @param failures one line per failed item (address key and why), for the log
     * @param finished false when the run stopped for lack of time: the next run goes on
     */
    public record Result(List<LocalDate> days, Map<Outcome, Integer> counts, List<String> failures, boolean finished) {
        public int count(Outcome outcome) {
            return counts.getOrDefault(outcome, 0);
        }
    }

    private final SuppressionStore store;
    private final ExpiryPolicy policy;
    private final SesSuppressionList sesList;
    private final Clock clock;

    /** @param sesList the SES account suppression list to remove expired hard bounces from; {@code null}: not mirrored */
    public ExpirySweep(SuppressionStore store, ExpiryPolicy policy, SesSuppressionList sesList, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.policy = Objects.requireNonNull(policy);
        this.sesList = sesList;
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * The index days a run at {@code now} looks at: for each stop that expires under the policy, the
     * day whose stops become due today and the {@code catchUpDays} before it; oldest first.
     */
    public List<LocalDate> days(Instant now, int catchUpDays) {
        if (catchUpDays < 0 || catchUpDays > MAX_CATCH_UP_DAYS) {
            throw new IllegalArgumentException("catchUpDays must be 0 to " + MAX_CATCH_UP_DAYS + ", got " + catchUpDays);
        }
        TreeSet<LocalDate> days = new TreeSet<>();
        for (SendPolicy.Stop stop : ExpiryPolicy.EXPIRING) {
            Duration after = policy.duration(stop);
            if (after != null) {
                LocalDate due = LocalDate.ofInstant(now.minus(after), ZoneOffset.UTC);
                for (int i = 0; i <= catchUpDays; i++) {
                    days.add(due.minusDays(i));
                }
            }
        }
        return List.copyOf(days);
    }

    /**
     * One run.
     *
     * @param timeLeft asked before each item: false stops the run (the rest is left for the next)
     */
    public Result run(int catchUpDays, BooleanSupplier timeLeft) {
        Instant now = clock.instant();
        List<LocalDate> days = days(now, catchUpDays);
        Map<Outcome, Integer> counts = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (LocalDate day : days) {
            if (!timeLeft.getAsBoolean()) {
                return new Result(days, counts, failures, false);
            }
            for (String key : store.keysWithExpiryDay(day)) {
                if (!timeLeft.getAsBoolean()) {
                    return new Result(days, counts, failures, false);
                }
                for (Judged j : sweep(key, now)) {
                    counts.merge(j.outcome(), 1, Integer::sum);
                    if (j.outcome() == Outcome.FAILED) {
                        failures.add(key + " " + j.stop() + ": " + j.why());
                    }
                }
            }
        }
        return new Result(days, counts, failures, true);
    }

    /** What one stop of one item came to, and why it failed. */
    record Judged(SendPolicy.Stop stop, Outcome outcome, String why) {
    }

    /** One state item: each stop that can expire and is set, judged ({@link Outcome#GONE} when none is). */
    List<Judged> sweep(String key, Instant now) {
        List<Judged> judged = new ArrayList<>(2);
        for (SendPolicy.Stop stop : ExpiryPolicy.EXPIRING) {
            try {
                Outcome o = sweep(key, stop, now);
                if (o != null) {
                    judged.add(new Judged(stop, o, null));
                }
            } catch (StoreUnavailableException | SesListException e) {
                judged.add(new Judged(stop, Outcome.FAILED, e.getMessage()));
            }
        }
        return judged.isEmpty() ? List.of(new Judged(null, Outcome.GONE, null)) : judged;
    }

    /** One stop of one item; {@code null} when the stop is not set at all. */
    private Outcome sweep(String key, SendPolicy.Stop stop, Instant now) {
        for (int judgement = 1; ; judgement++) {
            AddressState state = store.readKey(key);
            if (stop.markIn(state) == null) {
                return null;
            }
            Instant until = policy.until(stop, state);
            if (until == null || now.isBefore(until) || strongerStands(stop, state, now)) {
                return Outcome.STANDING;
            }
            Instant from = ExpiryPolicy.countsFrom(stop, state);
            String once = "expired#" + key + "#" + stop + "#" + from;
            // the idempotency record first (one read), then the history, which outlives it
            if (store.written(once) || store.historyHas(key, Action.EXPIRED, Map.of("stop", stop.name(), "countedFrom", from.toString()))) {
                return Outcome.ALREADY_RECORDED;
            }
            String ses = sesList == null ? "not mirrored" : removeFromSes(state, now);
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("stop", stop.name());
            evidence.put("countedFrom", from.toString());
            evidence.put("expiredAt", until.toString());
            evidence.put("policyDays", Long.toString(policy.duration(stop).toDays()));
            evidence.put("sesSuppressionList", ses);
            String detail = stop + " counted from " + from + ", " + policy.duration(stop).toDays() + " days";
            Change change = Change.withDetail(Action.EXPIRED, detail, Provenance.of(Source.POLICY, until).withEvidence(evidence))
                    .once(once);
            try {
                return store.recordFinding(key, change, state.version()) == ApplyResult.DUPLICATE
                        ? Outcome.ALREADY_RECORDED : Outcome.RECORDED;
            } catch (StaleStateException e) {
                if (judgement >= MAX_JUDGEMENTS) {
                    throw new StoreUnavailableException("the state kept changing while its expiry was recorded");
                }
                // a bounce or a lift got there first: judge the new state
            }
        }
    }

    /** A soft-bounce stop under a hard bounce that still stands changes nothing for the check. */
    private boolean strongerStands(SendPolicy.Stop stop, AddressState state, Instant now) {
        for (SendPolicy.Stop s : ExpiryPolicy.EXPIRING) {
            if (s == stop) {
                return false;
            }
            if (policy.stands(s, state, now)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the address off the SES account suppression list, where optout mirrored its bounce
     * stops and complaints: unless a mark that is mirrored still stands (a complaint never expires;
     * another bounce stop), which the list must keep holding.
     */
    private String removeFromSes(AddressState state, Instant now) {
        if (state.complaint() != null) {
            return "kept: a complaint stands";
        }
        for (SendPolicy.Stop s : ExpiryPolicy.EXPIRING) {
            if (policy.stands(s, state, now)) {
                return "kept: " + s + " stands";
            }
        }
        EmailAddress address = state.address() == null ? null : AddressParser.parseOrNull(state.address());
        if (address == null) {
            // an erased address is not known in clear: SES's copy, if any, cannot be named
            return "address not kept: not removed";
        }
        try {
            sesList.remove(address);
            return "removed";
        } catch (RuntimeException e) {
            throw new SesListException("SES account suppression list: not removed (" + e.getMessage() + ")", e);
        }
    }

    /** The SES list refused the removal: the item fails and is tried again on the next run. */
    static final class SesListException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SesListException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
