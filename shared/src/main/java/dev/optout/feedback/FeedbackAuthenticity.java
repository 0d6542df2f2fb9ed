package dev.optout.feedback;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the feedback function accepts as coming from SES, from the settings template.yaml sets.
 *
 * @param topicArn          the SES events topic ({@code SES_EVENTS_TOPIC_ARN}): an SNS envelope
 *                          naming any other topic is refused, whether or not signatures are checked
 * @param verifySignatures  {@code SNS_SIGNATURE_VERIFICATION} (default true): SNS envelopes must carry
 *                          a valid SNS signature. Off only where the SNS endpoint does not sign (moto,
 *                          for {@code ./optout local} and the tests)
 * @param acceptRawDelivery {@code SES_RAW_MESSAGE_DELIVERY} (default false): raw SES JSON bodies are
 *                          accepted only where the subscription enables raw message delivery. Raw
 *                          bodies carry no signature: only the queue policy vouches for them
 * @param acceptSignatureVersion1 {@code SNS_SIGNATURE_VERSION_1_ALLOWED} (default false): SignatureVersion
 *                          1 (SHA1withRSA) is accepted too. The SES events topic sets
 *                          {@code SignatureVersion: "2"}, and SHA1 is no longer collision resistant
 *                          (NIST SP 800-131A Rev. 2 disallows it for signature generation)
 */
public record FeedbackAuthenticity(String topicArn, boolean verifySignatures, boolean acceptRawDelivery,
                                   boolean acceptSignatureVersion1) {
    private static final Pattern TOPIC_ARN = Pattern.compile("^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\\d{12}):[A-Za-z0-9_.-]+$");

    public FeedbackAuthenticity {
        if (topicArn == null || !TOPIC_ARN.matcher(topicArn).matches()) {
            throw new ConfigurationException(Settings.SES_EVENTS_TOPIC_ARN + " must be an SNS topic ARN, got '" + topicArn + "'");
        }
    }

    /** Only SignatureVersion 2 accepted. */
    public FeedbackAuthenticity(String topicArn, boolean verifySignatures, boolean acceptRawDelivery) {
        this(topicArn, verifySignatures, acceptRawDelivery, false);
    }

    public static FeedbackAuthenticity from(Settings settings) {
        return new FeedbackAuthenticity(settings.required(Settings.SES_EVENTS_TOPIC_ARN),
                settings.flag(Settings.SNS_SIGNATURE_VERIFICATION, true),
                settings.flag(Settings.SES_RAW_MESSAGE_DELIVERY, false),
                settings.flag(Settings.SNS_SIGNATURE_VERSION_1_ALLOWED, false));
    }

    /** The topic's partition: {@code aws}, {@code aws-cn} or {@code aws-us-gov}. */
    public String partition() {
        return part(1);
    }

    /** The topic's region, e.g. {@code us-east-1}: SNS signs with a certificate served from that region. */
    public String region() {
        return part(2);
    }

    private String part(int group) {
        Matcher m = TOPIC_ARN.matcher(topicArn);
        if (!m.matches()) {
            throw new IllegalStateException("checked in the constructor");
        }
        return m.group(group);
    }
}
