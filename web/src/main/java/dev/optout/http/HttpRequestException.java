package dev.optout.http;

/** The request cannot be served as sent: a 4xx with a message fit to show the person. */
public final class HttpRequestException extends RuntimeException {
    private final int status;

    public HttpRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
