package dev.optout.web;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressKeys;
import dev.optout.http.FormData;
import dev.optout.http.HttpRequest;
import dev.optout.http.HttpRequestException;
import dev.optout.http.HttpResponses;
import dev.optout.http.MediaType;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.formtoken.FormTokens;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenOpener;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The request pipeline every link page shares ({@code /u/{token}}, {@code /p/{token}}), written
 * once; a function gives only its routes and decisions ({@link #handle}'s {@code route}).
 *
 * <ol>
 *   <li>Method: another one gets 405 with {@code Allow}.</li>
 *   <li>Token from the path (the route's {@code {token}}, else the segment after the prefix): 404 without.</li>
 *   <li>Body: a POST form (400 unreadable, 413 too large, 415 not a form); a PUT must be declared
 *       {@code application/json} (415) and small (413). A posted {@code lang} field sets the language.</li>
 *   <li>The link opened: 400 (forged, damaged), 410 (expired), changing nothing.</li>
 *   <li>Writes only from our own page or from a non-browser client (cross-site request forgery):
 *       a page POST needs the link's form token and no other-site browser headers
 *       ({@link FormTokens#acceptsPost}); an API write only the latter; an RFC 8058 one-click POST
 *       stays token-free, mail clients post it without our page. 403 otherwise.</li>
 *   <li>The route; a store that cannot be reached makes a 503 that claims nothing (and an EMF metric).</li>
 * </ol>
 * Each problem is answered the way the request is answered ({@link Answer}): a page in the
 * person's language, {@code {"code": "...", "message": "..."}} for API clients, or a short text
 * for a mail client's one-click POST. Logs carry the address key, never the address.
 */
public final class LinkPagePipeline {
    /** How a request, and each of its problems, is answered. */
    public enum Answer {
        /** A page in the person's language. */
        PAGE,
        /** JSON for API clients: a PUT, or a GET that asks for JSON and not for HTML (browsers ask for HTML). */
        JSON,
        /** A short plain text: RFC 8058 one-click POSTs come from mail clients, which show no page. */
        ONE_CLICK
    }

    /**
     * What a link page answers.
     *
     * @param pathPrefix where its links live, e.g. {@code /u/}
     * @param methods    the methods it answers
     * @param api        whether it answers JSON to API clients (content negotiation by {@code Accept})
     * @param oneClick   which POSTed forms are RFC 8058 one-click requests, or {@code null} for none
     * @param jsonPost   whether a POST declared {@code application/json} is an API client's (answered JSON,
     *                   behind the same-site check only, as a PUT is), rather than a page's form
     */
    public record Spec(String pathPrefix, List<String> methods, boolean api, Predicate<FormData> oneClick, boolean jsonPost) {
        public Spec {
            Objects.requireNonNull(pathPrefix);
            methods = List.copyOf(methods);
        }

        public Spec(String pathPrefix, List<String> methods, boolean api, Predicate<FormData> oneClick) {
            this(pathPrefix, methods, api, oneClick, false);
        }
    }

    private final Spec spec;
    private final String allow;
    private final TokenOpener opener;
    private final FormTokens formTokens;
    private final AddressKeys addressKeys;
    private final String publicBaseUrl;
    private final Language defaultLanguage;
    private final ProblemPages problems;
    private final EventLog log;

    public LinkPagePipeline(Spec spec, TokenOpener opener, FormTokens formTokens, AddressKeys addressKeys, String publicBaseUrl,
                            Language defaultLanguage, ProblemPages problems, EventLog log) {
        this.spec = Objects.requireNonNull(spec);
        this.allow = String.join(", ", spec.methods());
        this.opener = opener;
        this.formTokens = formTokens;
        this.addressKeys = addressKeys;
        this.publicBaseUrl = publicBaseUrl;
        this.defaultLanguage = defaultLanguage;
        this.problems = problems;
        this.log = log;
    }

    /** The request through the pipeline, then {@code route} for what passed it. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, String requestId,
                                           Function<LinkPageRequest, APIGatewayV2HTTPResponse> route) {
        HttpRequest request = HttpRequest.of(event);
        String method = request.method();
        Answer answer = negotiate(request, method);
        Language language = request.language(defaultLanguage);
        if (!spec.methods().contains(method)) {
            return HttpResponses.withHeader(problem(answer, language, 405, "METHOD_NOT_ALLOWED", "use " + allow), "Allow", allow);
        }
        Optional<String> rawToken = request.pathParameter("token").or(() -> request.pathAfter(spec.pathPrefix()));
        if (rawToken.isEmpty()) {
            return problem(answer, language, 404, "NOT_FOUND", "no link here");
        }
        FormData form = FormData.empty();
        try {
            if (method.equals("POST") && answer == Answer.JSON) {
                requireJsonBody(request);
            } else if (method.equals("POST")) {
                form = request.form();
                language = form.first(PageLayout.LANG).flatMap(Language::of).orElse(language);
                if (spec.oneClick() != null && spec.oneClick().test(form)) {
                    answer = Answer.ONE_CLICK;
                }
            } else if (method.equals("PUT")) {
                requireJsonBody(request);
            }
        } catch (HttpRequestException e) {
            log.warn(requestId, "request-refused", Map.of("status", e.status(), "error", e.getMessage(), "method", method));
            return problem(answer, language, e.status(),
                    e.status() == 415 ? "UNSUPPORTED_MEDIA_TYPE" : e.status() == 413 ? "TOO_LARGE" : "MALFORMED", e.getMessage());
        }

        LinkToken token;
        try {
            token = opener.open(rawToken.get());
        } catch (InvalidTokenException e) {
            log.warn(requestId, "token-refused", Map.of("reason", e.reason().name(), "method", method));
            return tokenProblem(answer, language, e.reason());
        }
        String addressKey = addressKeys.keyOf(token.address());
        if (!method.equals("GET") && !passesForgeryGate(request, form, rawToken.get(), answer)) {
            log.warn(requestId, "request-refused", Map.of("status", 403, "error", "cross-site or without the form token",
                    "method", method, "addressKey", addressKey));
            return answer == Answer.PAGE ? page(403, problems.forbidden(language))
                    : json(403, "CROSS_SITE", "this request comes from another site or without the page's form: nothing was changed");
        }

        LinkPageRequest r = new LinkPageRequest(requestId, request, method, rawToken.get(), token, form, language, answer,
                formTokens.form(rawToken.get()), addressKey);
        try {
            return vary(route.apply(r));
        } catch (StoreUnavailableException e) {
            log.errorMetrics(requestId, "store-unavailable", Map.of("method", method, "error", String.valueOf(e.getMessage()),
                    "addressKey", addressKey), Map.of(Metrics.STORE_FAILURES, 1), Map.of());
            return answer == Answer.ONE_CLICK ? HttpResponses.text(503, "Temporarily unavailable: nothing was changed. Please retry.\n")
                    : problem(answer, language, 503, "STORE_UNAVAILABLE",
                    "our records cannot be reached just now: nothing was changed, please retry");
        }
    }

    /** The shared error pages, in the function's wording. */
    public ProblemPages problems() {
        return problems;
    }

    /** {@code publicBaseUrl + pathPrefix + rawToken}: the public URL of a link page for the same token. */
    public String publicUrl(String pathPrefix, String rawToken) {
        return publicBaseUrl + pathPrefix + rawToken;
    }

    /** A page; with {@code Vary} where the same URL also answers JSON. */
    public APIGatewayV2HTTPResponse page(int status, Page page) {
        return vary(HttpResponses.page(status, page));
    }

    /** {@code {"code": "...", "message": "..."}}. */
    public APIGatewayV2HTTPResponse json(int status, String code, String message) {
        return vary(HttpResponses.jsonError(status, code, message));
    }

    /** RFC 9110 section 12.5.5: the same URL answers HTML or JSON by {@code Accept}, and each in the language asked. */
    private APIGatewayV2HTTPResponse vary(APIGatewayV2HTTPResponse r) {
        return spec.api() ? HttpResponses.withHeader(r, "Vary", "Accept, Accept-Language") : r;
    }

    private Answer negotiate(HttpRequest request, String method) {
        if (method.equals("POST")) {
            return spec.jsonPost() && MediaType.essence(request.header("Content-Type").orElse(null)).equals("application/json")
                    ? Answer.JSON : Answer.PAGE;
        }
        if (!spec.api()) {
            return Answer.PAGE;
        }
        if (method.equals("PUT")) {
            return Answer.JSON;
        }
        String accept = request.header("Accept").orElse("").toLowerCase(Locale.ROOT);
        return accept.contains("application/json") && !accept.contains("text/html") ? Answer.JSON : Answer.PAGE;
    }

    private boolean passesForgeryGate(HttpRequest request, FormData form, String rawToken, Answer answer) {
        return switch (answer) {
            case ONE_CLICK -> true;
            case JSON -> !request.fromOtherSite(publicBaseUrl);
            case PAGE -> formTokens.acceptsPost(request, form, rawToken, publicBaseUrl);
        };
    }

    /** A problem page, or its JSON; only a page's problems have a page of their own. */
    private APIGatewayV2HTTPResponse problem(Answer answer, Language l, int status, String code, String message) {
        if (answer == Answer.JSON) {
            return json(status, code, message);
        }
        return page(status, switch (status) {
            case 404 -> problems.notFound(l);
            case 503 -> problems.store(l);
            default -> problems.request(l);
        });
    }

    private APIGatewayV2HTTPResponse tokenProblem(Answer answer, Language l, InvalidTokenException.Reason reason) {
        int status = ProblemPages.status(reason);
        long days = opener.lifetime().toDays();
        return switch (answer) {
            case ONE_CLICK -> HttpResponses.text(status, "This unsubscribe link is not valid: nothing was changed.\n");
            case JSON -> status == 410
                    ? json(410, "EXPIRED_LINK", "this link has expired (links work for " + days + " days): nothing was changed")
                    : json(status, "INVALID_LINK", "this link is not valid: nothing was changed");
            case PAGE -> page(status, problems.token(l, reason, days));
        };
    }

    /** A PUT body must be declared JSON (which also keeps plain HTML forms from other sites out) and small. */
    private static void requireJsonBody(HttpRequest request) {
        if (!MediaType.essence(request.header("Content-Type").orElse(null)).equals("application/json")) {
            throw new HttpRequestException(415, "send the update as application/json");
        }
        if (request.body().length > HttpRequest.MAX_FORM_BYTES) {
            throw new HttpRequestException(413, "the update is too large");
        }
    }
}
