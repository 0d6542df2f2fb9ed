package dev.optout.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.json.Json;
import dev.optout.web.Page;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Responses for API Gateway HTTP API v2, each with the security headers every page needs:
 * {@code Content-Type}, {@code Cache-Control: no-store} (a link's page is personal: no cache may
 * keep it), {@code Referrer-Policy: no-referrer} (the token in the URL must not leak to other
 * sites), {@code X-Content-Type-Options: nosniff}, and a strict {@code Content-Security-Policy}.
 * No cookies are ever set.
 */
public final class HttpResponses {
    /** For responses without a page: nothing may load, forms post only here, no framing. */
    public static final String STRICT_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private HttpResponses() {
    }

    /** An HTML page with the policy it was rendered for. */
    public static APIGatewayV2HTTPResponse page(int status, Page page) {
        return html(status, page.html(), page.contentSecurityPolicy());
    }

    public static APIGatewayV2HTTPResponse html(int status, String html, String contentSecurityPolicy) {
        return response(status, "text/html; charset=utf-8", html, contentSecurityPolicy);
    }

    /** A short plain-text answer (e.g. to a mail client's one-click POST). */
    public static APIGatewayV2HTTPResponse text(int status, String text) {
        return response(status, "text/plain; charset=utf-8", text, STRICT_CSP);
    }

    public static APIGatewayV2HTTPResponse json(int status, String json) {
        return response(status, "application/json", json, STRICT_CSP);
    }

    /** An error for API clients: {@code {"code": "...", "message": "..."}}. */
    public static APIGatewayV2HTTPResponse jsonError(int status, String code, String message) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("code", code);
        n.put("message", message);
        return json(status, n.toString());
    }

    /** The same response with one more header (e.g. {@code Allow} on a 405). */
    public static APIGatewayV2HTTPResponse withHeader(APIGatewayV2HTTPResponse r, String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(r.getHeaders());
        h.put(name, value);
        r.setHeaders(h);
        return r;
    }

    /** The headers every response carries. */
    public static Map<String, String> securityHeaders(String contentType, String contentSecurityPolicy) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        h.put("Cache-Control", "no-store");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Content-Security-Policy", contentSecurityPolicy);
        h.put("X-Frame-Options", "DENY");
        return h;
    }

    private static APIGatewayV2HTTPResponse response(int status, String contentType, String body, String csp) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(securityHeaders(contentType, csp))
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
