package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.localaws.SnsTestSigner;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The signing certificate is taken only when it is a certificate of a plausible size, and fetched once per URL. */
class SnsSigningCertificatesTest {
    private static final SnsTestSigner SNS = SnsTestSigner.load();
    private static final SnsCertificateUrlPolicy POLICY = SnsCertificateUrlPolicy.forTopic(
            new FeedbackAuthenticity("arn:aws:sns:us-east-1:123456789012:optout-ses-events", true, false));

    /** The test certificate's PEM followed by blank lines up to {@code size} bytes. */
    private static byte[] padded(int size) {
        byte[] pem = SNS.certificatePem();
        byte[] out = Arrays.copyOf(pem, size);
        Arrays.fill(out, pem.length, size, (byte) '\n');
        return out;
    }

    @Test
    void aCertificateOfUpToSixtyFourKibibytesIsTakenAndALargerBodyIsNot() {
        assertThat(new SnsSigningCertificates(POLICY, url -> padded(SnsSigningCertificates.MAX_BYTES)).certificate(SnsTestSigner.CERT_URL))
                .isNotNull();
        assertThatThrownBy(() -> new SnsSigningCertificates(POLICY, url -> padded(SnsSigningCertificates.MAX_BYTES + 1))
                .certificate(SnsTestSigner.CERT_URL)).isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("too large");
    }

    @Test
    void anEmptyOrUnreadableBodyOrAFailedFetchIsUnauthentic() {
        for (byte[] body : new byte[][] {null, new byte[0], "not a certificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII)}) {
            assertThatThrownBy(() -> new SnsSigningCertificates(POLICY, url -> body).certificate(SnsTestSigner.CERT_URL))
                    .isInstanceOf(UnauthenticFeedbackException.class);
        }
        assertThatThrownBy(() -> new SnsSigningCertificates(POLICY, url -> {
            throw new IOException("HTTP 503 from sns.us-east-1.amazonaws.com");
        }).certificate(SnsTestSigner.CERT_URL)).isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("HTTP 503");
    }
}
