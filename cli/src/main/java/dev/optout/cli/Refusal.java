package dev.optout.cli;

/** The command will not do what was asked (exit 1); the message says why and what to do. */
public final class Refusal extends RuntimeException {
    public Refusal(String message) {
        super(message);
    }

    public Refusal(String message, Throwable cause) {
        super(message, cause);
    }
}
