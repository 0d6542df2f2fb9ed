package dev.optout.record;

/** The record API's request as a whole cannot be read: nothing was recorded (a function error the caller sees). */
public class InvalidRecordRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordRequestException(String message) {
        super(message);
    }
}
