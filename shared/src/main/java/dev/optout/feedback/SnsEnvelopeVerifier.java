package dev.optout.feedback;

import dev.optout.json.JsonTree;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private volatile Signer lastSigner;

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
        Signer signer = signer(certificates.certificate(text(envelope, "SigningCertURL")));
        if (!SIGNER.equals(signer.commonName())) {
            throw new UnauthenticFeedbackException("SNS signing certificate is issued to '"
                    + signer.certificate().getSubjectX500Principal().getName() + "', not CN=" + SIGNER);
        }
        try {
            // Every message: a certificate valid when the last message came may have expired since.
            signer.certificate().checkValidity(java.util.Date.from(clock.instant()));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new UnauthenticFeedbackException("SNS signing certificate is not valid now");
        }
        boolean valid;
        try {
            Signature verifier = VERIFIERS.get().get(algorithm);
            verifier.initVerify(signer.key());
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
     * The subject and key of a signing certificate, read once per certificate: parsing the subject
     * name and translating the key cost more than the RSA check itself, and SNS signs with one
     * certificate for months. Keyed by the certificate instance, which {@link SnsSigningCertificates}
     * caches by URL, so a different certificate is always read afresh.
     */
    private Signer signer(X509Certificate certificate) {
        Signer last = lastSigner;
        if (last != null && last.certificate() == certificate) {
            return last;
        }
        Signer signer = new Signer(certificate, commonName(certificate), certificate.getPublicKey());
        lastSigner = signer;
        return signer;
    }

    private record Signer(X509Certificate certificate, String commonName, PublicKey key) {
    }

    /**
     * One {@link Signature} per algorithm per thread (a Signature is not thread-safe, and the
     * handler reads a batch's records in parallel); {@code initVerify} resets it for every message.
     * Holds no key material between messages beyond the public key.
     */
    private static final ThreadLocal<Map<String, Signature>> VERIFIERS = ThreadLocal.withInitial(() -> {
        Map<String, Signature> m = new HashMap<>();
        for (String algorithm : List.of("SHA1withRSA", "SHA256withRSA")) {
            try {
                m.put(algorithm, Signature.getInstance(algorithm));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " is missing from this JDK", e);
            }
        }
        return m;
    });

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
