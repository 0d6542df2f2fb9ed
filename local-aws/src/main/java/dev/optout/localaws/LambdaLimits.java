package dev.optout.localaws;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What Lambda and API Gateway (HTTP API) enforce on an invocation, with the exact answers they
 * give, so that the local runtime refuses locally what AWS refuses in production.
 *
 * <ul>
 *   <li>Invocation payload, synchronous (RequestResponse): 6 MB for the request and the response
 *       (Lambda quotas; Invoke API: "For synchronous invocations, the maximum payload size is 6 MB.
 *       For asynchronous invocations, the maximum payload size is 1 MB."). In bytes Lambda counts
 *       6 MiB (6,291,456) for a request and 6,291,556 for a response: the figures its own errors
 *       name ("Request must be smaller than 6291456 bytes for the InvokeFunction operation";
 *       "Response payload size exceeded maximum allowed payload size (6291556 bytes).").</li>
 *   <li>Asynchronous (Event): 1 MiB (1,048,576 bytes), refused as
 *       "N byte payload is too large for the Event invocation type (limit L bytes)"; the same
 *       message Lambda gave at the earlier 128 KiB (131072) and 256 KiB (262144) limits.</li>
 *   <li>Both refusals are HTTP 413 with {@code x-amzn-ErrorType: RequestEntityTooLargeException}.
 *       The SDKs' service model names {@code RequestTooLargeException} instead, which Lambda never
 *       sends (aws/aws-sdk issue 45), so the AWS SDK for Java v2 surfaces it as a plain
 *       {@code LambdaException} with status 413 and that error code; locally it does the same.</li>
 *   <li>A response over the limit is not an API error: Invoke answers 200 with
 *       {@code X-Amz-Function-Error: Unhandled} and errorType {@code Function.ResponseSizeTooLarge}.</li>
 *   <li>A timeout: errorType {@code Sandbox.Timedout}, "Task timed out after N.NN seconds", and the
 *       execution environment is abandoned (its next invocation starts a fresh one).</li>
 *   <li>HTTP API: a body over 10 MiB (10,485,760 bytes) is refused by API Gateway itself (413,
 *       "HTTP content length exceeded 10485760 bytes."); an event Lambda refuses as too large is
 *       answered 413 {@code {"message":"Request Too Long"}}; a function error, a timeout or an
 *       answer over the limit is 500 {@code {"message":"Internal Server Error"}}.</li>
 * </ul>
 */
public final class LambdaLimits {
    /** Synchronous request payload: 6 MiB. */
    public static final int SYNC_REQUEST_MAX = 6_291_456;
    /** Synchronous response payload, as Lambda measures it (6 MiB + 100). */
    public static final int SYNC_RESPONSE_MAX = 6_291_556;
    /** Asynchronous (Event) request payload: 1 MiB. */
    public static final int ASYNC_REQUEST_MAX = 1_048_576;
    /** API Gateway HTTP API request payload: 10 MiB. */
    public static final int HTTP_API_REQUEST_MAX = 10_485_760;

    /** API Gateway's answer (413, text) to a body over {@link #HTTP_API_REQUEST_MAX}. */
    public static final String HTTP_API_BODY_TOO_LARGE = "HTTP content length exceeded " + HTTP_API_REQUEST_MAX + " bytes.";
    /** API Gateway's answer (413, {@code x-amzn-ErrorType: BadRequestException}) when Lambda refuses the event as too large. */
    public static final String HTTP_API_EVENT_TOO_LARGE = "{\"message\":\"Request Too Long\"}";

    public static final String REQUEST_TOO_LARGE_TYPE = "RequestEntityTooLargeException";
    public static final String RESPONSE_TOO_LARGE_TYPE = "Function.ResponseSizeTooLarge";
    public static final String TIMEOUT_TYPE = "Sandbox.Timedout";

    private LambdaLimits() {
    }

    /** Lambda's invocation types (header {@code X-Amz-Invocation-Type}). */
    public enum InvocationType {
        REQUEST_RESPONSE, EVENT, DRY_RUN;

        /** The header's value; absent means RequestResponse. */
        public static InvocationType of(String header) {
            if (header == null || header.equals("RequestResponse")) {
                return REQUEST_RESPONSE;
            }
            return switch (header) {
                case "Event" -> EVENT;
                case "DryRun" -> DRY_RUN;
                default -> throw new IllegalArgumentException("X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got " + header);
            };
        }
    }

    /** A request Lambda refuses before running anything: HTTP 413, this error type and message. */
    public record Refusal(int status, String errorType, String message) {
        /** The invoke API's error body, as Lambda sends it. */
        public byte[] body() {
            return ("{\"Type\":\"User\",\"message\":" + quote(message) + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A request too large to invoke with; carries Lambda's refusal. */
    public static final class RequestTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Refusal refusal;

        public RequestTooLargeException(Refusal refusal) {
            super(refusal.message());
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** Lambda's refusal of a request payload of this many bytes, or empty when it is accepted. */
    public static Optional<Refusal> checkRequest(long bytes, InvocationType type) {
        if (bytes > SYNC_REQUEST_MAX) {
            return Optional.of(new Refusal(413, REQUEST_TOO_LARGE_TYPE,
                    "Request must be smaller than " + SYNC_REQUEST_MAX + " bytes for the InvokeFunction operation"));
        }
        if (type == InvocationType.EVENT && bytes > ASYNC_REQUEST_MAX) {
            return Optional.of(new Refusal(413, REQUEST_TOO_LARGE_TYPE,
                    bytes + " byte payload is too large for the Event invocation type (limit " + ASYNC_REQUEST_MAX + " bytes)"));
        }
        return Optional.empty();
    }

    /** Throws {@link RequestTooLargeException} for a payload Lambda would refuse. */
    public static void requireAccepted(long bytes, InvocationType type) {
        checkRequest(bytes, type).ifPresent(r -> {
            throw new RequestTooLargeException(r);
        });
    }

    /** Whether a function's answer of this many bytes is over the synchronous limit. */
    public static boolean responseTooLarge(long bytes) {
        return bytes > SYNC_RESPONSE_MAX;
    }

    /** The function error Lambda answers in place of a response over the limit. */
    public static byte[] responseTooLargeError() {
        return error("Response payload size exceeded maximum allowed payload size (" + SYNC_RESPONSE_MAX + " bytes).",
                RESPONSE_TOO_LARGE_TYPE);
    }

    /** The function error of an invocation that ran past its Timeout (seconds, as the template gives it). */
    public static byte[] timedOutError(String requestId, double seconds) {
        return error("RequestId: " + requestId + " Error: Task timed out after "
                + String.format(Locale.ROOT, "%.2f", seconds) + " seconds", TIMEOUT_TYPE);
    }

    /** Lambda's function-error body: {@code {"errorMessage": ..., "errorType": ...}}. */
    public static byte[] error(String message, String type) {
        return ("{\"errorMessage\":" + quote(message) + ",\"errorType\":" + quote(type) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The JVM options Lambda's Java runtime starts a function with, from its memory (MB): metaspace 10%,
     * code cache 5% and the heap the rest (85%) (e.g. 256 MB: {@code -XX:MaxHeapSize=222823k
     * -XX:MaxMetaspaceSize=26214k -XX:ReservedCodeCacheSize=13107k}, as the java runtime's bootstrap
     * runs it), so that a function that needs more heap than its MemorySize gives fails locally too.
     */
    public static java.util.List<String> jvmMemoryOptions(int memoryMb) {
        long kb = memoryMb * 1024L;
        long metaspace = kb / 10;
        long codeCache = kb / 20;
        return java.util.List.of("-XX:MaxHeapSize=" + (kb - metaspace - codeCache) + "k",
                "-XX:MaxMetaspaceSize=" + metaspace + "k", "-XX:ReservedCodeCacheSize=" + codeCache + "k");
    }

    /** A JSON string literal of {@code s} (quotes, backslashes and control characters escaped). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
