package dev.optout.suppression;

/**
 * The suppression table could not be read or written. Callers fail closed: no one is reported
 * as mailable and nothing is claimed as done.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreUnavailableException(String message) {
        super(message);
    }
}
