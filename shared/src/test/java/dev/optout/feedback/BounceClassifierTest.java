package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.feedback.BounceClassifier.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bounces judged by their cause, with diagnostic lines as receivers write them. */
class BounceClassifierTest {
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
