package dev.optout.cli;

/** The command line is wrong (exit 2); the message says how to write it. */
public final class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }
}
