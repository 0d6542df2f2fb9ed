package dev.optout.expiry;

import dev.optout.address.EmailAddress;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

/**
 * Removes an address from the SES account-level suppression list (SES v2
 * {@code DeleteSuppressedDestination}), so that the re-test of an expired hard bounce reaches the
 * mailbox instead of SES answering {@code OnAccountSuppressionList} itself. An address not on the
 * list is no failure. Needs the SES v2 client, an optional dependency of the core that the expiry
 * sweep's function and the command line declare.
 */
public final class SesSuppressionListRemoval implements ExpirySweep.SesSuppressionList {
    private final SesV2Client ses;

    public SesSuppressionListRemoval(SesV2Client ses) {
        this.ses = ses;
    }

    @Override
    public void remove(EmailAddress address) {
        try {
            ses.deleteSuppressedDestination(r -> r.emailAddress(address.value()));
        } catch (NotFoundException e) {
            // not on the list (never mirrored, or removed by an earlier run): nothing to do
        } catch (AwsServiceException e) {
            // the error code only: SES messages may quote the address
            throw new IllegalStateException("SES DeleteSuppressedDestination failed: "
                    + (e.awsErrorDetails() == null ? "HTTP " + e.statusCode() : e.awsErrorDetails().errorCode()
                    + " (HTTP " + e.statusCode() + ")"), e);
        } catch (SdkException e) {
            throw new IllegalStateException("SES DeleteSuppressedDestination failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
