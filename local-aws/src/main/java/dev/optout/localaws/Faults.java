package dev.optout.localaws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Fault injection on the local AWS endpoint ({@code moto_server.py}): makes every DynamoDB call
 * fail as DynamoDB does when it is down or throttling, while SNS, SQS, SES and Secrets Manager
 * keep working. The same switch as {@code POST {faultsUrl}} with
 * {@code {"service":"dynamodb","mode":"unavailable"}} from {@code .optout/local.json}.
 */
public final class Faults {
    /** Where the switch is, on the endpoint. */
    public static final String PATH = "/_optout/faults";

    /** What DynamoDB does. */
    public enum Mode {
        /** Works normally. */
        NONE,
        /** Every call answers HTTP 500 InternalServerError (the SDK retries, then fails). */
        UNAVAILABLE,
        /** Every call answers ProvisionedThroughputExceededException (ThrottlingException for table operations). */
        THROTTLE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final URI url;

    Faults(URI endpoint) {
        this.url = URI.create(endpoint.toString().replaceAll("/$", "") + PATH);
    }

    public URI url() {
        return url;
    }

    /** Sets DynamoDB's mode; fails with a clear message where the endpoint cannot inject faults. */
    public void dynamoDb(Mode mode) {
        byte[] body = ("{\"service\":\"dynamodb\",\"mode\":\"" + mode.wire() + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (status != 200 || !answer.contains("\"" + mode.wire() + "\"")) {
                    throw new IllegalStateException("the local AWS endpoint at " + url + " cannot inject faults (HTTP " + status
                            + "): faults need optout's moto_server.py (not a plain moto_server or LocalStack)");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the fault switch at " + url + ": " + e.getMessage(), e);
        }
    }
}
