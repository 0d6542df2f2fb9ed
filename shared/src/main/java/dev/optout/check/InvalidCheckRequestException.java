package dev.optout.check;

/**
 * The check request is malformed: not JSON, no recipients, too many, unknown topic. The message
 * says exactly what is wrong; Lambda reports the class name as the error type.
 */
public final class InvalidCheckRequestException extends RuntimeException {
    public InvalidCheckRequestException(String message) {
        super(message);
    }
}
