package dev.optout.address;

/** The input is not an email address; the message says why in words a person can act on. */
public final class InvalidAddressException extends Exception {
    public InvalidAddressException(String reason) {
        super(reason, null, false, false);
    }
}
