package dev.optout.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A function for the limit tests only: answers a JSON string of {@code "bytes"} bytes after
 * {@code "sleepMillis"}. The check itself refuses any request whose answer could exceed Lambda's
 * limit, so the runtime's own enforcement needs a function that does not. Packed into a copy of a
 * real function jar by {@link LambdaLimitsIT}.
 */
public final class OversizeAnswerHandler implements RequestStreamHandler {
    private static final Pattern NUMBER = Pattern.compile("\"(bytes|sleepMillis)\"\\s*:\\s*(\\d+)");

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String request = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        long bytes = 2;
        long sleep = 0;
        Matcher m = NUMBER.matcher(request);
        while (m.find()) {
            if (m.group(1).equals("bytes")) {
                bytes = Long.parseLong(m.group(2));
            } else {
                sleep = Long.parseLong(m.group(2));
            }
        }
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        output.write('"');
        byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
        for (long left = bytes - 2; left > 0; left -= chunk.length) {
            output.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        output.write('"');
    }
}
