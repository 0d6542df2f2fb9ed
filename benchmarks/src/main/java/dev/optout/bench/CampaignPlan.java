package dev.optout.bench;

import java.util.Arrays;

/**
 * The arithmetic of a campaign checked in calls of at most {@code perCall} recipients: how the
 * recipients split into calls, percentiles of the measured call times, and what a part run
 * (stopped by its time budget) projects for the whole campaign at the rate it measured.
 */
record CampaignPlan(long recipients, int perCall) {
    CampaignPlan {
        if (recipients < 1 || perCall < 1) {
            throw new IllegalArgumentException("recipients and recipients per call must be at least 1");
        }
    }

    /** Calls for the whole campaign: every call full but the last. */
    long calls() {
        return (recipients + perCall - 1) / perCall;
    }

    /** Recipients in call {@code index} (from 0): {@code perCall}, the last one the remainder. */
    int size(long index) {
        if (index < 0 || index >= calls()) {
            throw new IllegalArgumentException("no call " + index + " in " + calls());
        }
        return (int) Math.min(perCall, recipients - index * perCall);
    }

    /**
     * Seconds the whole campaign takes at the rate measured ({@code checked} recipients in
     * {@code seconds}): proportional, since every call but the last is the same size.
     */
    double projectedSeconds(long checked, double seconds) {
        if (checked < 1) {
            throw new IllegalArgumentException("nothing was checked to project from");
        }
        return seconds * recipients / checked;
    }

    /** The nearest-rank percentile {@code p} (0-100) of {@code values}: the smallest value with at least p% at or below it. */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
