package dev.optout.feedback;

import dev.optout.address.EmailAddress;

/**
 * One recipient named by a bounce or complaint, with what the reporting MTA said about it.
 *
 * @param address        canonical address (display names removed)
 * @param action         DSN action ({@code failed}, {@code delayed}...), when present
 * @param status         DSN status code ({@code 5.1.1}), when present
 * @param diagnosticCode the remote server's answer, when present
 */
public record FeedbackRecipient(EmailAddress address, String action, String status, String diagnosticCode) {
}
