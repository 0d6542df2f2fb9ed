package dev.optout.feedback;

/** The suppression is in the table but could not be mirrored; the message is retried. */
public final class MirrorUnavailableException extends RuntimeException {
    public MirrorUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
