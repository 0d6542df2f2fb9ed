package dev.optout.feedback;

import dev.optout.json.JsonTree;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Decides whether an SNS envelope comes from our SES events topic: its {@code TopicArn} must be the
 * configured one and, with signature checking on, its {@code Signature} must verify, with the
 * certificate at its {@code SigningCertURL} (see {@link SnsSigningCertificates}), over the SNS
 * canonical string: {@code SignatureVersion} 1 is SHA1withRSA (refused unless
 * {@link FeedbackAuthenticity#acceptSignatureVersion1()}), 2 is SHA256withRSA (AWS SNS developer
 * guide, "Verifying the signatures of Amazon SNS messages"). The certificate must be valid now and
 * issued to {@code CN=sns.amazonaws.com}: the https host it came from is not the only proof. JDK
 * {@link Signature} only.
 */
public final class SnsEnvelopeVerifier {
    /** The fields signed, in order, for each message type; absent optional fields are left out. */
    private static final List<String> NOTIFICATION_FIELDS = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final List<String> CONFIRMATION_FIELDS = List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");

    /** The subject CN of the certificates SNS signs with, in every partition. */
    static final String SIGNER = "sns.amazonaws.com";

    private final FeedbackAuthenticity authenticity;
    private final SnsSigningCertificates certificates;
    private final Clock clock;

    public SnsEnvelopeVerifier(FeedbackAuthenticity authenticity, SnsSigningCertificates certificates, Clock clock) {
        this.authenticity = Objects.requireNonNull(authenticity);
        this.certificates = Objects.requireNonNull(certificates);
        this.clock = Objects.requireNonNull(clock);
    }

    /** With certificates fetched over https from the topic's SNS endpoint. */
    public static SnsEnvelopeVerifier forTopic(FeedbackAuthenticity authenticity) {
        return new SnsEnvelopeVerifier(authenticity,
                SnsSigningCertificates.overHttps(SnsCertificateUrlPolicy.forTopic(authenticity)), Clock.systemUTC());
    }

    public FeedbackAuthenticity authenticity() {
        return authenticity;
    }

    /** Returns quietly for an authentic envelope; else {@link UnauthenticFeedbackException} saying why. */
    public void verify(JsonTree envelope) {
        String topicArn = text(envelope, "TopicArn");
        if (!authenticity.topicArn().equals(topicArn)) {
            throw new UnauthenticFeedbackException(topicArn == null ? "SNS envelope without TopicArn"
                    : "SNS envelope from topic " + topicArn + ", not the SES events topic");
        }
        if (!authenticity.verifySignatures()) {
            return;
        }
        String algorithm = switch (String.valueOf(text(envelope, "SignatureVersion"))) {
            case "1" -> {
                if (!authenticity.acceptSignatureVersion1()) {
                    throw new UnauthenticFeedbackException("SNS envelope signed with SignatureVersion 1 (SHA1), which is not "
                            + "accepted: the topic must sign with SignatureVersion 2 (or set SnsSignatureVersion1Allowed)");
                }
                yield "SHA1withRSA";
            }
            case "2" -> "SHA256withRSA";
            default -> throw new UnauthenticFeedbackException("SNS envelope with unknown SignatureVersion '"
                    + text(envelope, "SignatureVersion") + "'");
        };
        String signature = text(envelope, "Signature");
        if (signature == null) {
            throw new UnauthenticFeedbackException("SNS envelope without Signature");
        }
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new UnauthenticFeedbackException("SNS Signature is not base64");
        }
        String canonical = canonicalString(envelope);
        X509Certificate certificate = certificates.certificate(text(envelope, "SigningCertURL"));
        if (!SIGNER.equals(commonName(certificate))) {
            throw new UnauthenticFeedbackException("SNS signing certificate is issued to '"
                    + certificate.getSubjectX500Principal().getName() + "', not CN=" + SIGNER);
        }
        try {
            certificate.checkValidity(java.util.Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new UnauthenticFeedbackException("SNS signing certificate is not valid now");
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(canonical.getBytes(StandardCharsets.UTF_8));
            valid = verifier.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            throw new UnauthenticFeedbackException("SNS signature cannot be checked: " + e.getClass().getSimpleName(), e);
        }
        if (!valid) {
            throw new UnauthenticFeedbackException("SNS signature does not verify");
        }
    }

    /**
     * The string SNS signs: for each signed field that is present, in order, its name, a newline,
     * its value, a newline.
     */
    static String canonicalString(JsonTree envelope) {
        String type = text(envelope, "Type");
        List<String> fields = switch (String.valueOf(type)) {
            case "Notification" -> NOTIFICATION_FIELDS;
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> CONFIRMATION_FIELDS;
            default -> throw new UnauthenticFeedbackException("SNS envelope of unknown Type '" + type + "'");
        };
        StringBuilder sb = new StringBuilder();
        for (String field : fields) {
            JsonTree v = envelope.get(field);
            if (v != null && !v.isNull()) {
                sb.append(field).append('\n').append(v.asText()).append('\n');
            }
        }
        return sb.toString();
    }

    /** The certificate subject's CN (the last one, as RFC 6125 §6.4.4 reads it), or null. */
    static String commonName(X509Certificate certificate) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static String text(JsonTree node, String field) {
        JsonTree v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }
}
