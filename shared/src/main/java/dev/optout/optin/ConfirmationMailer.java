package dev.optout.optin;

import dev.optout.address.EmailAddress;
import java.util.List;

/** Sends the mail that asks a person to confirm their opt-in (the subscribe function: Amazon SES v2). */
public interface ConfirmationMailer {
    /**
     * @param topics   the topics asked for, by id
     * @param language {@code en} or {@code id}
     * @param link     the confirmation page's URL (signed, expiring)
     * @throws MailNotSentException when the mail could not be handed over
     */
    void send(EmailAddress to, List<String> topics, String language, String link);

    /** The mail could not be handed to the mail service. */
    final class MailNotSentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MailNotSentException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
