package dev.optout.function.feedback;

import dev.optout.address.EmailAddress;
import dev.optout.feedback.MirrorUnavailableException;
import dev.optout.feedback.SuppressionMirror;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/**
 * Mirrors a suppression into the SES account-level suppression list (SES v2
 * {@code PutSuppressedDestination}), so that a send that skipped the pre-send check is still
 * stopped by SES. The call is idempotent (it overwrites), so redelivery may repeat it.
 */
public final class SesSuppressionMirror implements SuppressionMirror {
    private final SesV2Client ses;

    public SesSuppressionMirror(SesV2Client ses) {
        this.ses = ses;
    }

    @Override
    public void mirror(EmailAddress address, Reason reason) {
        SuppressionListReason sesReason = reason == Reason.COMPLAINT ? SuppressionListReason.COMPLAINT : SuppressionListReason.BOUNCE;
        try {
            ses.putSuppressedDestination(r -> r.emailAddress(address.value()).reason(sesReason));
        } catch (AwsServiceException e) {
            // the error code only: SES messages may quote the address
            throw new MirrorUnavailableException("SES PutSuppressedDestination failed: "
                    + (e.awsErrorDetails() == null ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode()
                    + " (HTTP " + e.statusCode() + ")"), e);
        } catch (SdkException e) {
            throw new MirrorUnavailableException("SES PutSuppressedDestination failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
