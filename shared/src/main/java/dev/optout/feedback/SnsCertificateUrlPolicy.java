package dev.optout.feedback;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which {@code SigningCertURL}s may be fetched: https on the default port, no user info, query or
 * fragment, a {@code .pem} path, and the SNS endpoint of the topic's own region and partition:
 * {@code sns.<region>.amazonaws.com} ({@code aws}, and {@code aws-us-gov} with its {@code us-gov-}
 * regions) or {@code sns.<region>.amazonaws.com.cn} ({@code aws-cn}, {@code cn-} regions). Anything
 * else, such as {@code http://}, {@code sns.us-east-1.amazonaws.com.evil.example} or
 * {@code evil-sns.us-east-1.amazonaws.com}, is refused before any connection is made: the
 * certificate is only as trustworthy as the https host it comes from.
 */
public final class SnsCertificateUrlPolicy {
    private static final Pattern HOST = Pattern.compile("^sns\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.amazonaws\\.com(\\.cn)?$");
    private static final Pattern PATH = Pattern.compile("^/[A-Za-z0-9_.-]+\\.pem$");

    private final String partition;
    private final String region;

    /**
     * @param partition the topic's partition ({@code aws}, {@code aws-cn}, {@code aws-us-gov})
     * @param region    the topic's region
     */
    public SnsCertificateUrlPolicy(String partition, String region) {
        this.partition = partition;
        this.region = region;
    }

    public static SnsCertificateUrlPolicy forTopic(FeedbackAuthenticity authenticity) {
        return new SnsCertificateUrlPolicy(authenticity.partition(), authenticity.region());
    }

    /** The URL to fetch, or {@link UnauthenticFeedbackException} saying what is wrong with it. */
    public URI allowed(String url) {
        if (url == null || url.isBlank()) {
            throw new UnauthenticFeedbackException("SNS envelope without SigningCertURL");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new UnauthenticFeedbackException("SigningCertURL is not a URL");
        }
        if (!"https".equals(uri.getScheme())) {
            throw new UnauthenticFeedbackException("SigningCertURL is not https");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getPort() != -1 && uri.getPort() != 443)) {
            throw new UnauthenticFeedbackException("SigningCertURL has user info, a port, a query or a fragment");
        }
        String host = uri.getHost() == null ? "" : uri.getHost();
        Matcher m = HOST.matcher(host);
        if (!m.matches()) {
            throw new UnauthenticFeedbackException("SigningCertURL host '" + host + "' is not an SNS endpoint");
        }
        String hostRegion = m.group(1);
        boolean china = m.group(2) != null;
        String hostPartition = china ? "aws-cn" : hostRegion.startsWith("us-gov-") ? "aws-us-gov" : "aws";
        if (china != hostRegion.startsWith("cn-") || !hostPartition.equals(partition)) {
            throw new UnauthenticFeedbackException("SigningCertURL host '" + host + "' is not in the topic's partition " + partition);
        }
        if (!hostRegion.equals(region.toLowerCase(Locale.ROOT))) {
            throw new UnauthenticFeedbackException("SigningCertURL host '" + host + "' is not the topic's region " + region);
        }
        if (uri.getRawPath() == null || !PATH.matcher(uri.getRawPath()).matches()) {
            throw new UnauthenticFeedbackException("SigningCertURL path is not a .pem file");
        }
        return uri;
    }
}
