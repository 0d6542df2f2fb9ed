package dev.optout.snapstart;

import java.util.function.Supplier;

/**
 * Priming that runs the write paths without writing. While {@link #run} is on, every AWS call that
 * is not a read is stopped after it was built and signed, before it leaves the function
 * ({@link dev.optout.aws.DryRunInterceptor}), and log lines go nowhere ({@code EventLog}): so a
 * function's priming can go through a real opt-out or bounce (marshalling, signing, the failure
 * path) and change nothing, log nothing, count nothing.
 *
 * <p>One flag for the whole process, not per thread: the feedback function's work runs on a pool.
 * Priming runs in {@code beforeCheckpoint}, when no request is being handled; the flag is always
 * cleared when the priming ends, also when it fails.
 */
public final class DryRun {
    private static volatile boolean active;

    private DryRun() {
    }

    public static <T> T run(Supplier<T> priming) {
        active = true;
        try {
            return priming.get();
        } finally {
            active = false;
        }
    }

    public static boolean active() {
        return active;
    }
}
