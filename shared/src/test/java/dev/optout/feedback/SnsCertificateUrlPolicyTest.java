package dev.optout.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Only SNS's own https endpoint, in the topic's region and partition, may serve the signing certificate. */
class SnsCertificateUrlPolicyTest {
    private static final SnsCertificateUrlPolicy US_EAST_1 = new SnsCertificateUrlPolicy("aws", "us-east-1");

    @ParameterizedTest
    @CsvSource({
            "aws, us-east-1, https://sns.us-east-1.amazonaws.com/SimpleNotificationService-010a507c1833636cd94bdb98bd93083a.pem",
            "aws, eu-west-2, https://sns.eu-west-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem",
            "aws, us-east-1, https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-abc.pem",
            "aws-cn, cn-north-1, https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
            "aws-us-gov, us-gov-west-1, https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem"})
    void snsEndpointsOfTheTopicsRegionAndPartitionAreAllowed(String partition, String region, String url) {
        assertThat(new SnsCertificateUrlPolicy(partition, region).allowed(url).getHost()).startsWith("sns.");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "ftp://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com.cn.evil.com/SimpleNotificationService-abc.pem",
            "https://evil-sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.evil.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://snsXus-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-abc.pem",
            "https://evil.com@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1",
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem#f",
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.txt",
            "https://sns.us-east-1.amazonaws.com/../etc/SimpleNotificationService-abc.pem",
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
            "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
            "https://sns.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://192.0.2.1/SimpleNotificationService-abc.pem",
            "//sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "https://sns.us-east-1.amazonaws.com./SimpleNotificationService-abc.pem",
            "not a url at all",
            ""})
    void everythingElseIsRefusedBeforeAnyConnection(String url) {
        assertThatThrownBy(() -> US_EAST_1.allowed(url)).isInstanceOf(UnauthenticFeedbackException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "aws-cn, cn-north-1, https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "aws, us-gov-west-1, https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-abc.pem",
            "aws-us-gov, us-east-1, https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"})
    void aHostOfAnotherPartitionIsRefused(String partition, String region, String url) {
        assertThatThrownBy(() -> new SnsCertificateUrlPolicy(partition, region).allowed(url))
                .isInstanceOf(UnauthenticFeedbackException.class);
    }
}
