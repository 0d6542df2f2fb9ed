package dev.optout.localaws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Signs SNS envelopes as SNS does, with a TEST-ONLY key and self-signed certificate
 * ({@code local-aws/test-keys/}, see its README), so that tests can show what the feedback
 * function's signature check accepts and refuses. moto's SNS does not sign.
 */
public final class SnsTestSigner {
    /** A SigningCertURL the URL policy allows for a us-east-1 topic; tests serve the test certificate for it. */
    public static final String CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000test.pem";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path KEYS = ProjectRoot.find().resolve("local-aws/test-keys");

    private final PrivateKey key;
    private final byte[] certificatePem;
    private final byte[] otherSubjectPem;

    private SnsTestSigner(PrivateKey key, byte[] certificatePem, byte[] otherSubjectPem) {
        this.key = key;
        this.certificatePem = certificatePem;
        this.otherSubjectPem = otherSubjectPem;
    }

    public static SnsTestSigner load() {
        try {
            String pem = Files.readString(KEYS.resolve("test-signing-key.pem"));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            return new SnsTestSigner(key, Files.readAllBytes(KEYS.resolve("test-signing-cert.pem")),
                    Files.readAllBytes(KEYS.resolve("test-signing-cert-other-subject.pem")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate (PEM, {@code CN=sns.amazonaws.com}) whose key signs: what SNS would serve at {@link #CERT_URL}. */
    public byte[] certificatePem() {
        return certificatePem.clone();
    }

    /** A certificate for the same key issued to another subject ({@code CN=sns.amazonaws.com.evil.example}). */
    public byte[] otherSubjectCertificatePem() {
        return otherSubjectPem.clone();
    }

    /**
     * An SNS Notification envelope around {@code message} from {@code topicArn}, signed with
     * SignatureVersion {@code version} (1: SHA1withRSA, 2: SHA256withRSA).
     */
    public String notification(String topicArn, String messageId, String message, int version) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", messageId);
        n.put("TopicArn", topicArn);
        n.put("Message", message);
        n.put("Timestamp", "2026-03-02T10:15:39.512Z");
        n.put("SignatureVersion", Integer.toString(version));
        n.put("Signature", sign(canonical(n, List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")), version));
        n.put("SigningCertURL", CERT_URL);
        n.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":test");
        return n.toString();
    }

    /** A signed SubscriptionConfirmation or UnsubscribeConfirmation envelope. */
    public String confirmation(String type, String topicArn, String messageId, int version) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", type);
        n.put("MessageId", messageId);
        n.put("Token", "2336412f37EXAMPLE");
        n.put("TopicArn", topicArn);
        n.put("Message", "You have chosen to subscribe to the topic " + topicArn + ".");
        n.put("SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + topicArn + "&Token=x");
        n.put("Timestamp", "2026-03-01T20:45:04.751Z");
        n.put("SignatureVersion", Integer.toString(version));
        n.put("Signature", sign(canonical(n, List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")), version));
        n.put("SigningCertURL", CERT_URL);
        return n.toString();
    }

    /** The envelope with one field replaced, its signature left as it was (a tampered message). */
    public static String withField(String envelope, String field, String value) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(envelope);
            n.put(field, value);
            return n.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses an envelope into a map (for assertions). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> fields(String envelope) {
        try {
            return JSON.readValue(envelope, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String canonical(ObjectNode n, List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (String f : fields) {
            if (n.hasNonNull(f)) {
                sb.append(f).append('\n').append(n.get(f).asText()).append('\n');
            }
        }
        return sb.toString();
    }

    private String sign(String canonical, int version) {
        try {
            Signature s = Signature.getInstance(version == 1 ? "SHA1withRSA" : "SHA256withRSA");
            s.initSign(key);
            s.update(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
