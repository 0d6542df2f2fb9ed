package dev.optout.localaws.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * API Gateway HTTP API payload format 2.0, both ways: the event API Gateway sends a function for a
 * request, and the HTTP response it makes of the function's answer. The one translation of both
 * the local runtime's gateway ({@code ./optout local}) and the tests' {@link LambdaHttpServer}. Follows
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
public final class HttpApiEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private HttpApiEvents() {
    }

    /** What arrived over HTTP. Header names as received; repeated headers as several values. */
    public record Request(String method, String rawPath, String rawQueryString, Map<String, List<String>> headers,
                          byte[] body, String sourceIp, String domainName, String requestId, Instant time) {
    }

    /** What goes back over HTTP. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
    }

    /** The v2 event for a request matched to a route. */
    public static byte[] event(Request request, HttpApiRoute route, Map<String, String> pathParameters) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", route.routeKey());
        e.put("rawPath", request.rawPath());
        e.put("rawQueryString", request.rawQueryString() == null ? "" : request.rawQueryString());
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie")) {
                // v2 moves cookies to their own list and leaves them out of the headers.
                for (String v : values) {
                    for (String c : v.split(";")) {
                        if (!c.isBlank()) {
                            cookies.add(c.strip());
                        }
                    }
                }
            } else {
                headers.merge(lower, String.join(",", values), (a, b) -> a + "," + b);
            }
        });
        if (!cookies.isEmpty()) {
            ArrayNode c = e.putArray("cookies");
            cookies.forEach(c::add);
        }
        ObjectNode h = e.putObject("headers");
        headers.forEach(h::put);
        Map<String, String> query = queryParameters(request.rawQueryString());
        if (!query.isEmpty()) {
            ObjectNode q = e.putObject("queryStringParameters");
            query.forEach(q::put);
        }
        if (!pathParameters.isEmpty()) {
            ObjectNode p = e.putObject("pathParameters");
            pathParameters.forEach((k, v) -> p.put(k, URLDecoder.decode(v.replace("+", "%2B"), StandardCharsets.UTF_8)));
        }
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "123456789012");
        ctx.put("apiId", "local");
        ctx.put("domainName", request.domainName());
        ctx.put("domainPrefix", request.domainName().split("[.:]")[0]);
        ObjectNode http = ctx.putObject("http");
        http.put("method", request.method().toUpperCase(Locale.ROOT));
        http.put("path", request.rawPath());
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        ctx.put("requestId", request.requestId());
        ctx.put("routeKey", route.routeKey());
        ctx.put("stage", "$default");
        ctx.put("time", TIME.format(request.time()));
        ctx.put("timeEpoch", request.time().toEpochMilli());
        if (request.body() != null && request.body().length > 0) {
            boolean text = isText(headers.get("content-type"));
            e.put("body", text ? new String(request.body(), StandardCharsets.UTF_8)
                    : Base64.getEncoder().encodeToString(request.body()));
            e.put("isBase64Encoded", !text);
        } else {
            e.put("isBase64Encoded", false);
        }
        try {
            return JSON.writeValueAsBytes(e);
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * API Gateway passes text bodies as they are and base64-encodes the rest (form posts included),
     * so a function must honour {@code isBase64Encoded}.
     */
    public static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.contains("json") || t.contains("xml") || t.contains("javascript");
    }

    /** The HTTP response for the function's answer (format 2.0, including the inferred form). */
    public static Response response(byte[] payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (java.io.IOException e) {
            root = null;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (root == null || !root.isObject() || !root.has("statusCode")) {
            // No statusCode: API Gateway answers 200 with the returned value as JSON.
            headers.put("content-type", List.of("application/json"));
            byte[] body = root != null && root.isTextual() ? root.asText().getBytes(StandardCharsets.UTF_8) : payload;
            return new Response(200, headers, body);
        }
        root.path("headers").fields().forEachRemaining(f -> headers.put(f.getKey().toLowerCase(Locale.ROOT), List.of(f.getValue().asText())));
        List<String> setCookies = new ArrayList<>();
        root.path("cookies").forEach(c -> setCookies.add(c.asText()));
        if (!setCookies.isEmpty()) {
            headers.put("set-cookie", setCookies);
        }
        JsonNode body = root.path("body");
        byte[] bytes = body.isMissingNode() || body.isNull() ? new byte[0]
                : root.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body.asText())
                : body.asText().getBytes(StandardCharsets.UTF_8);
        return new Response(root.path("statusCode").asInt(200), headers, bytes);
    }

    /** Decoded query parameters; repeated names are joined with commas, as API Gateway does. */
    public static Map<String, String> queryParameters(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int i = pair.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out;
    }
}
