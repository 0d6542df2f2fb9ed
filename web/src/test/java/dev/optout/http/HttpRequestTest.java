package dev.optout.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.web.Language;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRequestTest {
    private static APIGatewayV2HTTPEvent post(Map<String, String> headers, String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /u/{token}").withRawPath("/u/abc").withPathParameters(Map.of("token", "abc"))
                .withHeaders(headers).withBody(body).withIsBase64Encoded(base64)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").withPath("/u/abc").build())
                        .build())
                .build();
    }

    @Test
    void headersAreFoundWhateverTheirCase() {
        HttpRequest r = HttpRequest.of(post(Map.of("content-type", "application/x-www-form-urlencoded"), "", false));
        assertThat(r.header("Content-Type")).contains("application/x-www-form-urlencoded");
        assertThat(r.header("CONTENT-TYPE")).contains("application/x-www-form-urlencoded");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.pathParameter("token")).contains("abc");
        assertThat(r.pathAfter("/u/")).contains("abc");
    }

    @Test
    void aUrlEncodedOneClickBodyIsRead() {
        HttpRequest r = HttpRequest.of(post(Map.of("Content-Type", "application/x-www-form-urlencoded"),
                "List-Unsubscribe=One-Click", false));
        assertThat(r.form().first("List-Unsubscribe")).contains("One-Click");
    }

    @Test
    void aBase64MultipartBodyIsDecodedAndRead() {
        String multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTerima kasih ✓\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nignored\r\n--XyZ--\r\n";
        HttpRequest r = HttpRequest.of(post(Map.of("content-type", "multipart/form-data; boundary=XyZ"),
                Base64.getEncoder().encodeToString(multipart.getBytes(StandardCharsets.UTF_8)), true));
        assertThat(r.form().first("List-Unsubscribe")).contains("One-Click");
        assertThat(r.form().first("note")).contains("Terima kasih ✓");
        assertThat(r.form().names()).containsExactly("List-Unsubscribe", "note");
    }

    @Test
    void urlEncodingRulesApply() {
        FormData f = FormData.urlEncoded("a=two+words&b=%C3%A9t%C3%A9&a=again&flag");
        assertThat(f.all("a")).containsExactly("two words", "again");
        assertThat(f.first("b")).contains("été");
        assertThat(f.first("flag")).contains("");
        assertThatThrownBy(() -> FormData.urlEncoded("a=%ZZ")).isInstanceOf(HttpRequestException.class);
    }

    @Test
    void unreadableBodiesAreClientErrors() {
        assertThatThrownBy(() -> HttpRequest.of(post(Map.of("Content-Type", "application/json"), "{}", false)).form())
                .isInstanceOf(HttpRequestException.class).extracting(e -> ((HttpRequestException) e).status()).isEqualTo(415);
        assertThatThrownBy(() -> HttpRequest.of(post(Map.of("Content-Type", "multipart/form-data"), "x", false)).form())
                .isInstanceOf(HttpRequestException.class).extracting(e -> ((HttpRequestException) e).status()).isEqualTo(400);
        assertThatThrownBy(() -> HttpRequest.of(post(Map.of(), "a=" + "x".repeat(20_000), false)).form())
                .isInstanceOf(HttpRequestException.class).extracting(e -> ((HttpRequestException) e).status()).isEqualTo(413);
        assertThatThrownBy(() -> HttpRequest.of(post(Map.of(), "***", true)).body()).isInstanceOf(HttpRequestException.class);
    }

    @Test
    void languageFollowsTheSwitchThenTheBrowserThenTheDefault() {
        assertThat(AcceptLanguage.negotiate("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", Language.EN)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("fr-FR, en;q=0.5, id;q=0.8", Language.EN)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("fr, de", Language.ID)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("en-GB", Language.ID)).isEqualTo(Language.EN);
        assertThat(AcceptLanguage.negotiate("id;q=0, en;q=0.1", Language.ID)).isEqualTo(Language.EN);
        assertThat(AcceptLanguage.negotiate(null, Language.ID)).isEqualTo(Language.ID);

        APIGatewayV2HTTPEvent e = post(Map.of("accept-language", "id"), "", false);
        assertThat(HttpRequest.of(e).language(Language.EN)).isEqualTo(Language.ID);
        e.setQueryStringParameters(Map.of("lang", "en"));
        assertThat(HttpRequest.of(e).language(Language.ID)).isEqualTo(Language.EN);
        e.setQueryStringParameters(Map.of("lang", "xx"));
        assertThat(HttpRequest.of(e).language(Language.EN)).isEqualTo(Language.ID);
    }

    @Test
    void acceptLanguageWeighsQValuesAndLeavesWildcardsAndNonsenseToTheDefault() {
        assertThat(AcceptLanguage.negotiate("en;q=0.2, id-ID;q=0.9, fr", Language.EN)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("id;q=0.5, en;q=0.5", Language.ID)).as("equal weights: header order").isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("en;q=0.5, id;q=0.5", Language.ID)).isEqualTo(Language.EN);
        assertThat(AcceptLanguage.negotiate("in", Language.EN)).as("the legacy code of Indonesian").isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("*", Language.ID)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("fr, *;q=0.5", Language.EN)).isEqualTo(Language.EN);
        assertThat(AcceptLanguage.negotiate("de, en;q=0, *;q=0.1", Language.ID)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate("en;q=banana", Language.ID)).isEqualTo(Language.ID);
        assertThat(AcceptLanguage.negotiate(";;,,", Language.ID)).isEqualTo(Language.ID);
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() {
        for (APIGatewayV2HTTPResponse r : new APIGatewayV2HTTPResponse[] {
                HttpResponses.text(200, "ok"), HttpResponses.html(400, "<p>x</p>", HttpResponses.STRICT_CSP),
                HttpResponses.json(200, "{}")}) {
            assertThat(r.getHeaders()).containsEntry("Cache-Control", "no-store")
                    .containsEntry("Referrer-Policy", "no-referrer")
                    .containsEntry("X-Content-Type-Options", "nosniff")
                    .containsKeys("Content-Type", "Content-Security-Policy")
                    .doesNotContainKey("Set-Cookie");
            assertThat(r.getHeaders().get("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'",
                    "form-action 'self'", "base-uri 'none'");
            assertThat(r.getCookies()).isNullOrEmpty();
        }
        assertThat(HttpResponses.withHeader(HttpResponses.text(405, "no"), "Allow", "GET, POST").getHeaders())
                .containsEntry("Allow", "GET, POST").containsEntry("Cache-Control", "no-store");
    }

    @Test
    void aRequestFromAnotherSiteIsToldApartFromOurOwnPagesAndFromApps() {
        String base = "https://optout.example.com";
        assertThat(HttpRequest.of(post(Map.of(), "", false)).fromOtherSite(base)).as("an app: no browser headers").isFalse();
        assertThat(HttpRequest.of(post(Map.of("sec-fetch-site", "same-origin", "origin", "null"), "", false)).fromOtherSite(base))
                .as("our no-referrer page").isFalse();
        assertThat(HttpRequest.of(post(Map.of("origin", "https://optout.example.com"), "", false)).fromOtherSite(base)).isFalse();
        assertThat(HttpRequest.of(post(Map.of("origin", "https://evil.example.net"), "", false)).fromOtherSite(base)).isTrue();
        assertThat(HttpRequest.of(post(Map.of("origin", "http://optout.example.com"), "", false)).fromOtherSite(base)).isTrue();
        assertThat(HttpRequest.of(post(Map.of("sec-fetch-site", "cross-site"), "", false)).fromOtherSite(base)).isTrue();
        assertThat(HttpRequest.of(post(Map.of("sec-fetch-site", "same-site"), "", false)).fromOtherSite(base)).isTrue();
    }
}
