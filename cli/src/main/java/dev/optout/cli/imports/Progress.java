package dev.optout.cli.imports;

import java.io.PrintWriter;

/** A progress bar on standard error for long imports: share of the file read, rows, rows/s. */
final class Progress {
    private static final long EVERY_NANOS = 250_000_000L;
    private final PrintWriter err;
    private final long totalBytes;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long last;
    private boolean drawn;

    Progress(PrintWriter err, long totalBytes, boolean enabled) {
        this.err = err;
        this.totalBytes = Math.max(1, totalBytes);
        this.enabled = enabled;
    }

    void update(long bytes, long rows) {
        long now = System.nanoTime();
        if (!enabled || now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        int width = 30;
        int filled = (int) Math.min(width, width * bytes / totalBytes);
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        err.printf("\r  [%s%s] %3d%%  %,d rows  %,.0f rows/s ", "=".repeat(filled), " ".repeat(width - filled),
                Math.min(100, 100 * bytes / totalBytes), rows, rows / seconds);
        err.flush();
        drawn = true;
    }

    /** Makes the bar for a file of a size (drawn only for long imports). */
    interface Factory {
        Progress create(long totalBytes);
    }

    void finish() {
        if (drawn) {
            err.println();
        }
    }
}
