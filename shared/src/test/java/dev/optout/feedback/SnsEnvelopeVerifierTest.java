package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.json.JsonTree;
import dev.optout.localaws.SnsTestSigner;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SNS signature checking with a test certificate served for an allowed SNS URL: what SNS signs
 * verifies, anything altered, re-signed by someone else, or from another topic does not.
 */
class SnsEnvelopeVerifierTest {
    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:optout-ses-events";
    private static final SnsTestSigner SNS = SnsTestSigner.load();
    private static final String BOUNCE = Fixtures.ses("notification-bounce-permanent");
    private static final Clock NOW = Clock.fixed(Instant.parse("2027-06-01T00:00:00Z"), ZoneOffset.UTC);

    private final List<URI> fetched = new ArrayList<>();

    private SnsEnvelopeVerifier verifier(boolean verifySignatures) {
        return verifier(new FeedbackAuthenticity(TOPIC, verifySignatures, false, true), SNS.certificatePem());
    }

    private SnsEnvelopeVerifier verifier(FeedbackAuthenticity authenticity, byte[] servedCertificate) {
        SnsSigningCertificates certificates = new SnsSigningCertificates(SnsCertificateUrlPolicy.forTopic(authenticity), url -> {
            fetched.add(url);
            if (!url.toString().equals(SnsTestSigner.CERT_URL)) {
                throw new IOException("HTTP 404");
            }
            return servedCertificate;
        });
        return new SnsEnvelopeVerifier(authenticity, certificates, NOW);
    }

    @Test
    void signatureVersion1IsRefusedUnlessTheDeploymentAllowsIt() {
        String sha1 = SNS.notification(TOPIC, "m-1", BOUNCE, 1);
        SnsEnvelopeVerifier byDefault = verifier(new FeedbackAuthenticity(TOPIC, true, false), SNS.certificatePem());

        assertThatThrownBy(() -> byDefault.verify(json(sha1))).isInstanceOf(UnauthenticFeedbackException.class)
                .hasMessageContaining("SignatureVersion 1 (SHA1)");
        byDefault.verify(json(SNS.notification(TOPIC, "m-2", BOUNCE, 2)));
        verifier(new FeedbackAuthenticity(TOPIC, true, false, true), SNS.certificatePem()).verify(json(sha1));
    }

    @Test
    void theAllowanceOfVersion1IsReadFromItsSettingAndIsOffWhenUnset() {
        assertThat(FeedbackAuthenticity.from(dev.optout.config.Settings.of(java.util.Map.of(
                "SES_EVENTS_TOPIC_ARN", TOPIC))).acceptSignatureVersion1()).isFalse();
        assertThat(FeedbackAuthenticity.from(dev.optout.config.Settings.of(java.util.Map.of(
                "SES_EVENTS_TOPIC_ARN", TOPIC, "SNS_SIGNATURE_VERSION_1_ALLOWED", "true"))).acceptSignatureVersion1()).isTrue();
    }

    @Test
    void aCertificateIssuedToAnotherSubjectIsRefusedEvenWhenItsKeyVerifiesTheSignature() {
        SnsEnvelopeVerifier verifier = verifier(new FeedbackAuthenticity(TOPIC, true, false), SNS.otherSubjectCertificatePem());

        assertThatThrownBy(() -> verifier.verify(json(SNS.notification(TOPIC, "m-1", BOUNCE, 2))))
                .isInstanceOf(UnauthenticFeedbackException.class)
                .hasMessageContaining("CN=sns.amazonaws.com.evil.example").hasMessageContaining("not CN=sns.amazonaws.com");
    }

    @Test
    void theTestSigningCertificateCarriesTheSubjectSnsCertificatesCarry() throws Exception {
        java.security.cert.X509Certificate c = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(SNS.certificatePem()));

        assertThat(SnsEnvelopeVerifier.commonName(c)).isEqualTo("sns.amazonaws.com");
    }

    private static JsonTree json(String s) {
        try {
            return JsonTree.parse(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aNotificationSignedBySnsVerifies(int signatureVersion) {
        verifier(true).verify(json(SNS.notification(TOPIC, "m-1", BOUNCE, signatureVersion)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SubscriptionConfirmation", "UnsubscribeConfirmation"})
    void subscriptionHandshakesAreCheckedOverTheirOwnFields(String type) {
        SnsEnvelopeVerifier verifier = verifier(true);
        String signed = SNS.confirmation(type, TOPIC, "c-1", 2);
        verifier.verify(json(signed));
        assertThatThrownBy(() -> verifier.verify(json(SnsTestSigner.withField(signed, "SubscribeURL", "https://evil.example/confirm"))))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessage("SNS signature does not verify");
    }

    @Test
    void theCertificateIsFetchedOnceAndCached() {
        SnsEnvelopeVerifier verifier = verifier(true);
        verifier.verify(json(SNS.notification(TOPIC, "m-1", BOUNCE, 1)));
        verifier.verify(json(SNS.notification(TOPIC, "m-2", BOUNCE, 2)));

        assertThat(fetched).containsExactly(URI.create(SnsTestSigner.CERT_URL));
    }

    @Test
    void aCertificateFromAnotherUrlIsCheckedAfreshNotTakenForTheOneCheckedBefore() {
        // Two allowed URLs: the first serves SNS's certificate, the second one for the same key issued to another subject.
        String otherUrl = SnsTestSigner.CERT_URL.replace("0000test", "0001test");
        FeedbackAuthenticity authenticity = new FeedbackAuthenticity(TOPIC, true, false, true);
        SnsEnvelopeVerifier verifier = new SnsEnvelopeVerifier(authenticity, new SnsSigningCertificates(
                SnsCertificateUrlPolicy.forTopic(authenticity),
                url -> url.toString().equals(otherUrl) ? SNS.otherSubjectCertificatePem() : SNS.certificatePem()), NOW);
        verifier.verify(json(SNS.notification(TOPIC, "m-1", BOUNCE, 2)));

        String fromOther = SnsTestSigner.withField(SNS.notification(TOPIC, "m-2", BOUNCE, 2), "SigningCertURL", otherUrl);
        assertThatThrownBy(() -> verifier.verify(json(fromOther)))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("not CN=sns.amazonaws.com");
        verifier.verify(json(SNS.notification(TOPIC, "m-3", BOUNCE, 2)));
    }

    @Test
    void aBatchVerifiedOnManyThreadsAtOnceGivesEachMessageItsOwnAnswer() throws Exception {
        SnsEnvelopeVerifier verifier = verifier(true);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String signed = SNS.notification(TOPIC, "m-" + i, BOUNCE, i % 2 == 0 ? 2 : 1);
            messages.add(i % 4 == 3 ? SnsTestSigner.withField(signed, "MessageId", "forged-" + i) : signed);
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> answers = new ArrayList<>();
            for (String m : messages) {
                answers.add(pool.submit(() -> {
                    try {
                        verifier.verify(json(m));
                        return true;
                    } catch (UnauthenticFeedbackException e) {
                        return false;
                    }
                }));
            }
            for (int i = 0; i < messages.size(); i++) {
                assertThat(answers.get(i).get()).as("message %d", i).isEqualTo(i % 4 != 3);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anAlteredMessageDoesNotVerify() {
        String signed = SNS.notification(TOPIC, "m-1", BOUNCE, 1);
        String forged = SnsTestSigner.withField(signed, "Message", BOUNCE.replace("ana.gone@example.com", "victim@example.com"));

        assertThatThrownBy(() -> verifier(true).verify(json(forged)))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessage("SNS signature does not verify");
    }

    @Test
    void aSignatureVersionDowngradeDoesNotVerify() {
        String signed = SNS.notification(TOPIC, "m-1", BOUNCE, 2);

        assertThatThrownBy(() -> verifier(true).verify(json(SnsTestSigner.withField(signed, "SignatureVersion", "1"))))
                .isInstanceOf(UnauthenticFeedbackException.class);
        assertThatThrownBy(() -> verifier(true).verify(json(SnsTestSigner.withField(signed, "SignatureVersion", "3"))))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("unknown SignatureVersion");
    }

    @Test
    void aMessageSignedWithAnotherKeyDoesNotVerify() throws Exception {
        String signed = SNS.notification(TOPIC, "m-1", BOUNCE, 2);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(g.generateKeyPair().getPrivate());
        s.update(SnsEnvelopeVerifier.canonicalString(json(signed)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String forged = SnsTestSigner.withField(signed, "Signature", Base64.getEncoder().encodeToString(s.sign()));

        assertThatThrownBy(() -> verifier(true).verify(json(forged)))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessage("SNS signature does not verify");
    }

    @Test
    void aCertificateFromAnyOtherUrlIsNeverFetched() {
        String signed = SNS.notification(TOPIC, "m-1", BOUNCE, 2);
        String forged = SnsTestSigner.withField(signed, "SigningCertURL", "https://sns.us-east-1.amazonaws.com.evil.com/cert.pem");

        assertThatThrownBy(() -> verifier(true).verify(json(forged))).isInstanceOf(UnauthenticFeedbackException.class)
                .hasMessageContaining("not an SNS endpoint");
        assertThat(fetched).isEmpty();
    }

    @Test
    void missingSignatureFieldsDoNotVerify() {
        String signed = SNS.notification(TOPIC, "m-1", BOUNCE, 2);
        assertThatThrownBy(() -> verifier(true).verify(json(SnsTestSigner.withField(signed, "Signature", "not base64!"))))
                .isInstanceOf(UnauthenticFeedbackException.class);
        assertThatThrownBy(() -> verifier(true).verify(json(signed.replace("\"SignatureVersion\"", "\"X\""))))
                .isInstanceOf(UnauthenticFeedbackException.class);
    }

    @Test
    void anotherTopicIsRefusedEvenWithAValidSignatureAndWithSignatureCheckingOff() {
        String otherTopic = "arn:aws:sns:us-east-1:999999999999:someone-elses-topic";
        String signed = SNS.notification(otherTopic, "m-1", BOUNCE, 2);

        assertThatThrownBy(() -> verifier(true).verify(json(signed)))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("not the SES events topic");
        assertThatThrownBy(() -> verifier(false).verify(json(signed)))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("not the SES events topic");
    }

    @Test
    void withSignatureCheckingOffAnUnsignedEnvelopeFromTheTopicPasses() {
        verifier(false).verify(json(Fixtures.sqsBody("sqs-sns-notification-bounce-permanent.json")
                .replace("arn:aws:sns:us-east-1:123456789012:optout-ses-feedback", TOPIC)));
        assertThat(fetched).isEmpty();
    }

    @Test
    void theCanonicalStringOfARealSnsNotificationHasItsFieldsInOrder() {
        // A real SNS envelope (AWS SNS developer guide's field list: Message, MessageId, Subject if
        // present, Timestamp, TopicArn, Type), with values as SNS sent them.
        JsonTree real = json("{\"Type\":\"Notification\",\"MessageId\":\"8cb71acc-e9e3-5ec8-9b1c-42b34c7fef02\","
                + "\"TopicArn\":\"arn:aws:sns:us-east-1:329390064905:apprent-handle-bounce\",\"Message\":\"{\\\"a\\\":1}\","
                + "\"Timestamp\":\"2021-01-18T15:03:56.897Z\",\"SignatureVersion\":\"1\",\"Signature\":\"x\","
                + "\"SigningCertURL\":\"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-010a507c1833636cd94bdb98bd93083a.pem\","
                + "\"UnsubscribeURL\":\"https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe\"}");

        assertThat(SnsEnvelopeVerifier.canonicalString(real)).isEqualTo("Message\n{\"a\":1}\nMessageId\n8cb71acc-e9e3-5ec8-9b1c-42b34c7fef02\n"
                + "Timestamp\n2021-01-18T15:03:56.897Z\nTopicArn\narn:aws:sns:us-east-1:329390064905:apprent-handle-bounce\nType\nNotification\n");
    }

    @Test
    void anExpiredCertificateIsRefused() {
        FeedbackAuthenticity authenticity = new FeedbackAuthenticity(TOPIC, true, false, true);
        SnsEnvelopeVerifier later = new SnsEnvelopeVerifier(authenticity, new SnsSigningCertificates(
                SnsCertificateUrlPolicy.forTopic(authenticity), url -> SNS.certificatePem()),
                Clock.fixed(Instant.parse("2200-01-01T00:00:00Z"), ZoneOffset.UTC));

        assertThatThrownBy(() -> later.verify(json(SNS.notification(TOPIC, "m-1", BOUNCE, 2))))
                .isInstanceOf(UnauthenticFeedbackException.class).hasMessageContaining("not valid now");
    }
}
