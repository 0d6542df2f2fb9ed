package dev.optout.localaws;

import java.util.function.Consumer;

/**
 * The background loop of a local event source mapping (SQS or a DynamoDB stream): poll until
 * {@link #close()}, let the mapping report what it delivered, wait a little after a poll that found
 * nothing, and after a failed poll say so and wait a second before the next.
 */
abstract class PollingLoop implements AutoCloseable {
    private static final long WAIT_AFTER_FAILURE_MILLIS = 1000;

    private final String source;
    private final String threadName;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param source     what is polled, as the log names it ("SQS", "stream")
     * @param threadName the background thread's name
     */
    PollingLoop(String source, String threadName) {
        this.source = source;
        this.threadName = threadName;
    }

    /**
     * One poll of the background loop, reporting to {@code log} what the operator should see.
     *
     * @return how long to wait before the next poll, in milliseconds (0 for at once: a long poll waits by itself)
     */
    abstract long pollAndReport(Consumer<String> log);

    /** Polls in a background thread until {@link #close()}, reporting to {@code log}. */
    public final synchronized void start(Consumer<String> log) {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(() -> {
            while (running) {
                try {
                    long wait = pollAndReport(log);
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (running) {
                        log.accept(source + " poll failed: " + e.getMessage());
                        try {
                            Thread.sleep(WAIT_AFTER_FAILURE_MILLIS);
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public final void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
