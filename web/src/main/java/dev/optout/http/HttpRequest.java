package dev.optout.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.optout.web.Language;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An API Gateway HTTP API (payload format 2.0) request, read the way every page function needs:
 * method, path parameters, case-insensitive headers, query parameters, the body (base64 decoded
 * where API Gateway encoded it), form fields, and the page language. Cookies are never read:
 * these pages use none.
 */
public final class HttpRequest {
    /** Form bodies here are a few fields; anything larger is not one of ours. */
    public static final int MAX_FORM_BYTES = 16 * 1024;

    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers;
    private byte[] body;
    private FormData form;

    private HttpRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> {
                if (k != null && v != null) {
                    h.put(k, v);
                }
            });
        }
        this.headers = h;
    }

    public static HttpRequest of(APIGatewayV2HTTPEvent event) {
        return new HttpRequest(event == null ? new APIGatewayV2HTTPEvent() : event);
    }

    /** GET, POST, ... in upper case, from the request context, else the route key. */
    public String method() {
        var ctx = event.getRequestContext();
        if (ctx != null && ctx.getHttp() != null && ctx.getHttp().getMethod() != null) {
            return ctx.getHttp().getMethod().toUpperCase(Locale.ROOT);
        }
        String route = event.getRouteKey();
        if (route != null && route.contains(" ")) {
            return route.substring(0, route.indexOf(' ')).toUpperCase(Locale.ROOT);
        }
        return "";
    }

    /** The raw path, e.g. {@code /u/AbC}. */
    public String path() {
        if (event.getRawPath() != null) {
            return event.getRawPath();
        }
        var ctx = event.getRequestContext();
        return ctx != null && ctx.getHttp() != null && ctx.getHttp().getPath() != null ? ctx.getHttp().getPath() : "";
    }

    /** A path parameter of the route ({@code {token}} of {@code /u/{token}}). */
    public Optional<String> pathParameter(String name) {
        Map<String, String> p = event.getPathParameters();
        return Optional.ofNullable(p == null ? null : p.get(name)).filter(s -> !s.isEmpty());
    }

    /**
     * The path segment after {@code prefix}, for when no route parameters were filled in (a
     * {@code $default} route): {@code pathAfter("/u/")} of {@code /u/AbC} is {@code AbC}.
     */
    public Optional<String> pathAfter(String prefix) {
        String p = path();
        if (!p.startsWith(prefix) || p.length() == prefix.length()) {
            return Optional.empty();
        }
        String rest = p.substring(prefix.length());
        return rest.contains("/") ? Optional.empty() : Optional.of(rest);
    }

    /** A header by name, case-insensitively (HTTP/2 lower-cases them, clients vary). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** The client's network address as API Gateway saw it ({@code requestContext.http.sourceIp}), or null. */
    public String sourceIp() {
        var ctx = event.getRequestContext();
        return ctx == null || ctx.getHttp() == null ? null : ctx.getHttp().getSourceIp();
    }

    /** The {@code User-Agent} header, or null. */
    public String userAgent() {
        return header("User-Agent").orElse(null);
    }

    public Optional<String> queryParameter(String name) {
        Map<String, String> q = event.getQueryStringParameters();
        return Optional.ofNullable(q == null ? null : q.get(name));
    }

    /** The body bytes; API Gateway base64-encodes bodies it considers binary (e.g. multipart). */
    public byte[] body() {
        if (body == null) {
            String b = event.getBody();
            if (b == null) {
                body = new byte[0];
            } else if (event.getIsBase64Encoded()) {
                try {
                    body = Base64.getDecoder().decode(b.strip());
                } catch (IllegalArgumentException e) {
                    throw new HttpRequestException(400, "the request body is not valid base64");
                }
            } else {
                body = b.getBytes(StandardCharsets.UTF_8);
            }
        }
        return body;
    }

    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The form fields of a POST (urlencoded or multipart); {@link HttpRequestException} when unreadable. */
    public FormData form() {
        if (form == null) {
            byte[] b = body();
            if (b.length > MAX_FORM_BYTES) {
                throw new HttpRequestException(413, "the form is too large");
            }
            form = FormData.parse(header("Content-Type").orElse(null), b);
        }
        return form;
    }

    /**
     * Whether the browser says this request comes from another site: {@code Sec-Fetch-Site}
     * (Fetch Metadata) other than {@code same-origin} or {@code none}, or an {@code Origin} header
     * other than {@code publicBaseUrl}'s origin. {@code Origin: null} is not counted: browsers send
     * it for same-origin POSTs from pages with {@code Referrer-Policy: no-referrer}, as ours are
     * (Fetch standard, "append a request Origin header"). Clients that send neither header (apps,
     * servers) are not browsers acting for a third-party page, so they are not counted either.
     */
    public boolean fromOtherSite(String publicBaseUrl) {
        Optional<String> site = header("Sec-Fetch-Site").map(v -> v.strip().toLowerCase(Locale.ROOT));
        if (site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            return true;
        }
        Optional<String> origin = header("Origin").map(String::strip);
        return origin.isPresent() && !origin.get().equals("null") && !origin.get().equalsIgnoreCase(originOf(publicBaseUrl));
    }

    /** {@code https://host[:port]} of a URL. */
    static String originOf(String url) {
        java.net.URI u = java.net.URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /**
     * The page language: {@code ?lang=} (the visible switch), else the best of Accept-Language,
     * else {@code fallback} ({@code DEFAULT_LANGUAGE}).
     */
    public Language language(Language fallback) {
        Optional<Language> chosen = queryParameter("lang").flatMap(Language::of);
        return chosen.orElseGet(() -> AcceptLanguage.negotiate(header("Accept-Language").orElse(null), fallback));
    }
}
