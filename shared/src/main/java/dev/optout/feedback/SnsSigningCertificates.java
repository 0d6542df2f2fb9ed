package dev.optout.feedback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The X.509 certificates SNS signs with, fetched from the envelope's {@code SigningCertURL} once
 * {@link SnsCertificateUrlPolicy} allows it, and cached by URL (SNS uses one certificate for a long
 * time; the cache holds only public certificates, so it may be kept in a SnapStart snapshot).
 */
public final class SnsSigningCertificates {
    /** PEM certificates are ~2 KB; anything much larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    /** How the bytes of an allowed URL are obtained: over https in production, given by tests. */
    @FunctionalInterface
    public interface Source {
        byte[] fetch(URI url) throws IOException;
    }

    private final SnsCertificateUrlPolicy policy;
    private final Source source;
    private final ConcurrentMap<URI, X509Certificate> cache = new ConcurrentHashMap<>();

    public SnsSigningCertificates(SnsCertificateUrlPolicy policy, Source source) {
        this.policy = Objects.requireNonNull(policy);
        this.source = Objects.requireNonNull(source);
    }

    /** Fetches over https with the JDK's HTTP client, its default trust store, and no redirects. */
    public static SnsSigningCertificates overHttps(SnsCertificateUrlPolicy policy) {
        return new SnsSigningCertificates(policy, new HttpsSource());
    }

    /** The certificate at {@code url}, or {@link UnauthenticFeedbackException} when it is not allowed or not there. */
    public X509Certificate certificate(String url) {
        URI uri = policy.allowed(url);
        X509Certificate cached = cache.get(uri);
        if (cached != null) {
            return cached;
        }
        byte[] bytes;
        try {
            bytes = source.fetch(uri);
        } catch (IOException e) {
            // Not proof of forgery, but nothing can be verified: the message is retried, then dead-lettered.
            throw new UnauthenticFeedbackException("SNS signing certificate could not be fetched: " + e.getMessage(), e);
        }
        X509Certificate certificate = parse(bytes);
        cache.put(uri, certificate);
        return certificate;
    }

    private static X509Certificate parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new UnauthenticFeedbackException("SNS signing certificate is empty or too large");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(bytes));
        } catch (CertificateException | ClassCastException e) {
            throw new UnauthenticFeedbackException("SNS signing certificate is not an X.509 certificate", e);
        }
    }

    /** GET over https; the client is built on first use (never frozen into a SnapStart snapshot). */
    static final class HttpsSource implements Source {
        private volatile HttpClient client;

        @Override
        public byte[] fetch(URI url) throws IOException {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).GET().build();
            try {
                HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new IOException("HTTP " + response.statusCode() + " from " + url.getHost());
                    }
                    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                    if (bytes.length > MAX_BYTES) {
                        throw new IOException("more than " + MAX_BYTES + " bytes from " + url.getHost());
                    }
                    return bytes;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private HttpClient client() {
            HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    if (client == null) {
                        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                                .followRedirects(HttpClient.Redirect.NEVER).build();
                    }
                    c = client;
                }
            }
            return c;
        }
    }
}
