package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.feedback.BounceClassifier.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bounces judged by their cause, with diagnostic lines as receivers write them. */
class BounceClassificationTest {
    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            Permanent | General | 5.1.1 | smtp; 550 5.1.1 user unknown                                                                              | HARD
            Permanent | General | 5.0.0 | smtp; 550 user unknown                                                                                    | HARD
            Permanent | General | 5.1.1 | smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos | HARD
            Permanent | General | 5.2.1 | smtp; 550 5.2.1 The email account that you tried to reach is disabled.                                   | HARD
            Permanent | General | 5.4.1 | smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)                                  | HARD
            Permanent | NoEmail |       | Amazon SES could not find the domain                                                                       | HARD
            Permanent | General | 5.2.2 | smtp; 552 5.2.2 The email account that you tried to reach is over quota.                                  | SOFT
            Permanent | General | 5.7.26 | smtp; 550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. | SENDER_REJECTION
            Permanent | General | 5.7.27 | smtp; 550-5.7.27 This mail has been blocked because the sender doesn't pass SPF                          | SENDER_REJECTION
            Permanent | General | 5.7.28 | smtp; 550-5.7.28 There's an unusual rate of unsolicited mail originating from your IP address              | SENDER_REJECTION
            Permanent | General | 5.7.1 | smtp; 550 5.7.1 Our system has detected that this message is likely unsolicited mail                       | SENDER_REJECTION
            Permanent | General | 5.7.515 | smtp; 550 5.7.515 Access denied, sending domain example.com doesn't meet the required authentication level | SENDER_REJECTION
            Permanent | General | 5.0.0 | smtp; 554 5.7.9 Message not accepted for policy reasons. See https://help.yahoo.com/kb/postmaster/SLN7253.html | SENDER_REJECTION
            Permanent | General |       | smtp; 550 rejected                                                                                          | SOFT
            Permanent | General |       |                                                                                                             | SOFT
            Transient | General | 4.4.1 | smtp; 421 4.4.1 Unable to connect to remote host                                                          | SOFT
            Transient | MailboxFull | 5.2.2 | smtp; 552 5.2.2 mailbox full                                                                           | SOFT
            Undetermined | Undetermined |  |                                                                                                          | SOFT
            Permanent | Suppressed | 5.1.1 | Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address. | SES_SUPPRESSED
            Permanent | OnAccountSuppressionList |  | Amazon SES did not send the message to this address because it is on the suppression list for your account. | SES_SUPPRESSED
            Permanent | General | 5.1.1 | smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550 5.1.1  https://support.google.com/mail/answer/6596 la2si14278441wjb.120 - gsmtp | HARD
            Permanent | General | 5.1.1 | smtp; 550 5.1.1 <perla11381@icloud.com>: user does not exist                                              | HARD
            Permanent | General | 5.1.1 | smtp; 550 5.1.1 user unknown ( blacklisted address: suppressionlist@simulator.amazonses.com )            | HARD
            Permanent | General | 4.0.0 |                                                                                                             | SOFT
            Transient | General | 4.4.7 | smtp; 554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection closed unexpectedly> | SOFT
            Permanent | General | 5.0.0 | smtp; 550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1 AS(1450) | SENDER_REJECTION
            Permanent | General | 5.0.0 | smtp; 550 5.7.515 Access denied, sending domain [EXAMPLE.COM] doesn't meet the required authentication level. The sender's domain in the 5322.From address doesn't meet the authentication requirements defined for the sender. | SENDER_REJECTION
            Permanent | General | 5.0.0 | smtp; 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302)                                | HARD
            Permanent | General | 5.0.0 | smtp; 554 30 Sorry, your message to someone@yahoo.com cannot be delivered. This mailbox is disabled (554.30) | HARD
            Permanent | General | 5.0.0 | smtp; 552 1 Requested mail action aborted, mailbox not found                                               | HARD
            Permanent | General | 5.0.0 | smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes | SOFT
            Permanent | General | 5.0.0 | smtp; 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see https://postmaster.yahooinc.com/error-codes | SENDER_REJECTION
            Permanent | General | 5.0.0 | smtp; 550-5.7.1 [192.0.2.1] Gmail has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked. | SENDER_REJECTION
            """)
    void eachBounceIsJudgedByItsCause(String type, String subtype, String status, String diagnostic, Kind expected) {
        assertThat(BounceClassifier.classify(type, subtype, status, diagnostic).kind()).isEqualTo(expected);
    }

    @Test
    void theCodeIsReadFromTheStatusOrElseFromTheReceiversWords() {
        assertThat(BounceClassifier.code("5.1.1")).isEqualTo("5.1.1");
        assertThat(BounceClassifier.code("smtp; 550-5.7.26 blocked")).isEqualTo("5.7.26");
        assertThat(BounceClassifier.code("version 10.5.1.12 of the server")).isNull();
        assertThat(BounceClassifier.code(null)).isNull();
        assertThat(BounceClassifier.classify("Permanent", "General", "5.0.0", "smtp; 550 5.7.1 blocked").code()).isEqualTo("5.7.1");
    }

    @Test
    void everyRuleNamesItsSource() {
        assertThat(BounceClassifier.RULES).allSatisfy(r -> assertThat(r.source()).isNotBlank());
    }
}
