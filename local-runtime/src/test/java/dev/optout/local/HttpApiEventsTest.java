package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.optout.localaws.http.HttpApiEvents;
import dev.optout.localaws.http.HttpApiRoute;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events the local HTTP API builds, read back with Lambda's own classes and serializer. */
class HttpApiEventsTest {
    private final HttpApiRoute route = HttpApiRoute.of("POST", "/u/{token}", "UnsubscribeFunction");

    private APIGatewayV2HTTPEvent eventFor(String method, String rawPath, String query, Map<String, List<String>> headers, String body) {
        HttpApiEvents.Request request = new HttpApiEvents.Request(method, rawPath, query, headers,
                body.getBytes(StandardCharsets.UTF_8), "127.0.0.1", "127.0.0.1:3000", "req-1", Instant.parse("2026-01-02T03:04:05Z"));
        byte[] json = HttpApiEvents.event(request, route, route.match(method, rawPath));
        return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(json));
    }

    @Test
    void aOneClickPostBecomesTheVersion2EventApiGatewaySends() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
        headers.put("User-Agent", List.of("Mail/1.0"));
        headers.put("Cookie", List.of("a=1; b=2"));
        headers.put("Accept-Language", List.of("id", "en;q=0.5"));

        APIGatewayV2HTTPEvent e = eventFor("POST", "/u/tok%2Ben", "lang=id&x=1&x=2", headers, "List-Unsubscribe=One-Click");

        assertThat(e.getVersion()).isEqualTo("2.0");
        assertThat(e.getRouteKey()).isEqualTo("POST /u/{token}");
        assertThat(e.getRawPath()).isEqualTo("/u/tok%2Ben");
        assertThat(e.getPathParameters()).containsEntry("token", "tok+en");
        assertThat(e.getRawQueryString()).isEqualTo("lang=id&x=1&x=2");
        assertThat(e.getQueryStringParameters()).containsEntry("lang", "id").containsEntry("x", "1,2");
        assertThat(e.getHeaders()).containsEntry("content-type", "application/x-www-form-urlencoded")
                .containsEntry("accept-language", "id,en;q=0.5").doesNotContainKey("cookie");
        assertThat(e.getCookies()).containsExactly("a=1", "b=2");
        assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("POST");
        assertThat(e.getRequestContext().getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(e.getRequestContext().getHttp().getUserAgent()).isEqualTo("Mail/1.0");
        assertThat(e.getRequestContext().getRequestId()).isEqualTo("req-1");
        assertThat(e.getRequestContext().getTimeEpoch()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z").toEpochMilli());
        // a form post arrives base64-encoded, as from API Gateway
        assertThat(e.getIsBase64Encoded()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(e.getBody()), StandardCharsets.UTF_8)).isEqualTo("List-Unsubscribe=One-Click");
    }

    @Test
    void aJsonBodyArrivesAsText() {
        APIGatewayV2HTTPEvent e = eventFor("POST", "/u/t", null, Map.of("content-type", List.of("application/json")), "{\"a\":1}");

        assertThat(e.getIsBase64Encoded()).isFalse();
        assertThat(e.getBody()).isEqualTo("{\"a\":1}");
        assertThat(e.getRawQueryString()).isEmpty();
    }

    @Test
    void aResponseWithStatusHeadersAndCookiesBecomesThatHttpResponse() {
        HttpApiEvents.Response r = HttpApiEvents.response(("{\"statusCode\":303,\"headers\":{\"Location\":\"/p/x\"},"
                + "\"cookies\":[\"s=1; Secure\"],\"body\":\"\",\"isBase64Encoded\":false}").getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(303);
        assertThat(r.headers()).containsEntry("location", List.of("/p/x")).containsEntry("set-cookie", List.of("s=1; Secure"));
        assertThat(r.body()).isEmpty();
    }

    @Test
    void aBase64BodyIsDecodedAndAnAnswerWithoutStatusIs200Json() {
        HttpApiEvents.Response bin = HttpApiEvents.response(("{\"statusCode\":200,\"body\":\""
                + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\",\"isBase64Encoded\":true}").getBytes(StandardCharsets.UTF_8));
        HttpApiEvents.Response inferred = HttpApiEvents.response("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));

        assertThat(bin.body()).containsExactly(1, 2, 3);
        assertThat(inferred.status()).isEqualTo(200);
        assertThat(inferred.headers()).containsEntry("content-type", List.of("application/json"));
        assertThat(new String(inferred.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    }

    @Test
    void routesMatchOneSegmentPerParameterAndTheMethod() {
        assertThat(route.match("POST", "/u/abc")).containsEntry("token", "abc");
        assertThat(route.match("GET", "/u/abc")).isNull();
        assertThat(route.match("POST", "/u/abc/def")).isNull();
        assertThat(HttpApiRoute.of("GET", "/files/{path+}", "F").match("GET", "/files/a/b")).containsEntry("path", "a/b");
    }
}
