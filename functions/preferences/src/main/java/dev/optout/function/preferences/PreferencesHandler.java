package dev.optout.function.preferences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressKeys;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.http.FormData;
import dev.optout.http.HttpRequest;
import dev.optout.http.HttpRequestException;
import dev.optout.http.HttpResponses;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.preferences.PreferenceException;
import dev.optout.preferences.PreferenceJson;
import dev.optout.preferences.PreferenceUpdate;
import dev.optout.preferences.Preferences;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.token.FormTokens;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.web.Language;
import dev.optout.web.PageLayout;
import dev.optout.web.ProblemPages;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PreferencesFunction, behind the API Gateway HTTP API (payload 2.0), routes {@code GET},
 * {@code POST} and {@code PUT /p/{token}}: the preference center of the address the link names.
 * The token is the same one as the unsubscribe link's; no login, nothing asked but choices.
 *
 * <ul>
 *   <li>{@code GET} (HTML): the page: every topic with its choice and frequency, the overall
 *       frequency, "unsubscribe from all", the mail status in plain words (with how to get mail back
 *       where the person can), and the recent history. Never changes anything.</li>
 *   <li>{@code POST} (from the page): saves ({@code Source.PREFERENCE_CENTER}) and shows what
 *       changed. Refused with 403, changing nothing, without the page's form token
 *       ({@link FormTokens}) or when the browser says the request comes from another site.</li>
 *   <li>{@code GET} with {@code Accept: application/json}: the state as JSON
 *       ({@link PreferenceJson#state}); {@code PUT} with a JSON update changes it
 *       ({@code Source.PREFERENCE_API}) and answers the new state. Errors are
 *       {@code {"code": "...", "message": "..."}}.</li>
 * </ul>
 * A bad or forged link gets 400, an expired one 410, as on the unsubscribe pages; a hard-bounce
 * suppression cannot be lifted here (409). When the table cannot take a save, its opt-outs go to
 * the queue of pending changes: the page says what will stop within minutes and that nothing else
 * was saved; the API answers 202 {@code {"pending": true, ...}}. A save with no opt-out in it (a
 * resubscribe, opt-ins, frequencies), or a queue failure too, gets 503 and claims nothing. Store
 * failures and queued changes are EMF metrics. Logs carry the address key, never the address.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} renders the page and the JSON state of a link
 * that is never stored or sent; after each restore the keys are re-read and the random sources renewed.
 */
public final class PreferencesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final String ALLOW = "GET, POST, PUT";

    private final TokenOpener opener;
    private final FormTokens formTokens;
    private final PreferenceCenter center;
    private final AddressKeys addressKeys;
    private final PreferencesPages pages;
    private final String publicBaseUrl;
    private final Language defaultLanguage;
    private final Clock clock;
    private final EventLog log;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: everything from the environment, once. */
    public PreferencesHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME, the address-hash key, the link keys and PUBLIC_BASE_URL. */
    public PreferencesHandler(Wiring w) {
        this(w.tokenOpener(), new FormTokens(w.linkKeys()), new PreferenceCenter(w.store(), w.topics(), w.pendingChanges()), w.addressKeys(),
                w.publicBaseUrl(), Language.fromSettings(w.settings()), w.clock(), EventLog.stdout(Metrics.PREFERENCES));
        this.snapStartHooks = w.snapStartHooks(() -> prime(w.tokenSealer()));
    }

    public PreferencesHandler(TokenOpener opener, FormTokens formTokens, PreferenceCenter center, AddressKeys addressKeys,
                              String publicBaseUrl, Language defaultLanguage, Clock clock, EventLog log) {
        this.opener = opener;
        this.formTokens = formTokens;
        this.center = center;
        this.addressKeys = addressKeys;
        this.pages = new PreferencesPages(center.catalog());
        this.publicBaseUrl = publicBaseUrl;
        this.defaultLanguage = defaultLanguage;
        this.clock = clock;
        this.log = log;
    }

    /** What one request is about: the parsed request, whether it wants JSON, and its language. */
    private record Call(String requestId, HttpRequest request, boolean json, Language language) {
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        HttpRequest request = HttpRequest.of(event);
        String method = request.method();
        Call call = new Call(context == null ? null : context.getAwsRequestId(), request, wantsJson(request, method),
                request.language(defaultLanguage));
        if (!method.equals("GET") && !method.equals("POST") && !method.equals("PUT")) {
            return HttpResponses.withHeader(error(call, 405, "METHOD_NOT_ALLOWED", "use GET, POST or PUT"), "Allow", ALLOW);
        }
        Optional<String> rawToken = request.pathParameter("token").or(() -> request.pathAfter(ListUnsubscribeHeaders.PREFERENCES_PATH));
        if (rawToken.isEmpty()) {
            return error(call, 404, "NOT_FOUND", "no preferences link here");
        }
        FormData form = FormData.empty();
        try {
            if (method.equals("POST")) {
                form = request.form();
                call = new Call(call.requestId(), request, false,
                        form.first(PageLayout.LANG).flatMap(Language::of).orElse(call.language()));
            } else if (method.equals("PUT")) {
                requireJsonBody(request);
            }
        } catch (HttpRequestException e) {
            log.warn(call.requestId(), "request-refused", Map.of("status", e.status(), "error", e.getMessage(), "method", method));
            return error(call, e.status(), e.status() == 415 ? "UNSUPPORTED_MEDIA_TYPE" : e.status() == 413 ? "TOO_LARGE" : "MALFORMED",
                    e.getMessage());
        }

        LinkToken token;
        try {
            token = opener.open(rawToken.get());
        } catch (InvalidTokenException e) {
            log.warn(call.requestId(), "token-refused", Map.of("reason", e.reason().name(), "method", method));
            int status = ProblemPages.status(e.reason());
            return call.json()
                    ? json(status, PreferenceJson.error(status == 410 ? "EXPIRED_LINK" : "INVALID_LINK", status == 410
                            ? "this link has expired (links work for " + opener.lifetime().toDays() + " days): nothing was changed"
                            : "this link is not valid: nothing was changed"))
                    : HttpResponses.page(status, pages.problems().token(call.language(), e.reason(), opener.lifetime().toDays()));
        }

        // Cross-site request forgery: writes only from our own page (form token) or from a non-browser client.
        if (!method.equals("GET") && (method.equals("POST") ? !formTokens.acceptsPost(request, form, rawToken.get(), publicBaseUrl)
                : request.fromOtherSite(publicBaseUrl))) {
            log.warn(call.requestId(), "request-refused", Map.of("status", 403, "error", "cross-site or without the form token",
                    "method", method, "addressKey", addressKeys.keyOf(token.address())));
            return call.json() ? json(403, PreferenceJson.error("CROSS_SITE",
                    "this request comes from another site or without the page's form: nothing was changed"))
                    : HttpResponses.page(403, pages.problems().forbidden(call.language()));
        }

        try {
            return switch (method) {
                case "GET" -> call.json()
                        ? json(200, PreferenceJson.state(center.load(token.address()), call.language().code()).toString())
                        : page(200, call, rawToken.get(), center.load(token.address()), null, null);
                case "POST" -> save(call, rawToken.get(), token, PreferencesPages.update(form, center.catalog()), Source.PREFERENCE_CENTER);
                default -> save(call, rawToken.get(), token, PreferenceJson.parseUpdate(request.bodyText()), Source.PREFERENCE_API);
            };
        } catch (PreferenceException e) {
            log.warn(call.requestId(), "preference-refused", Map.of("code", e.code().name(), "method", method,
                    "addressKey", addressKeys.keyOf(token.address())));
            int status = e.code() == PreferenceException.Code.HARD_BOUNCE_LOCKED ? 409 : 400;
            if (call.json()) {
                return json(status, PreferenceJson.error(e.code().name(), e.getMessage()));
            }
            if (status == 409) {
                return page(409, call, rawToken.get(), center.load(token.address()), null, e.code());
            }
            return HttpResponses.page(400, pages.problems().request(call.language()));
        } catch (StoreUnavailableException e) {
            log.errorMetrics(call.requestId(), "store-unavailable", Map.of("method", method,
                    "error", String.valueOf(e.getMessage()), "addressKey", addressKeys.keyOf(token.address())),
                    Map.of(Metrics.STORE_FAILURES, 1), Map.of());
            return error(call, 503, "STORE_UNAVAILABLE", "our records cannot be reached just now: nothing was changed, please retry");
        }
    }

    /**
     * SnapStart priming: the page and the JSON state of a link for {@link Priming#ADDRESS}, through
     * the real GET path. GET never writes; the token is never stored or sent.
     */
    void prime(TokenSealer sealer) {
        String token = sealer.seal(Priming.ADDRESS, null, "snapstart-priming");
        for (String language : Priming.ACCEPT_LANGUAGES) {
            for (String accept : new String[] {"text/html", "application/json"}) {
                APIGatewayV2HTTPResponse r = handleRequest(
                        Priming.get(ListUnsubscribeHeaders.PREFERENCES_PATH, token, accept, language), null);
                Priming.expect(r.getStatusCode() == 200, "preferences GET (" + accept + ") answered " + r.getStatusCode());
            }
        }
        Priming.primeLogging(Metrics.PREFERENCES);
    }

    private APIGatewayV2HTTPResponse save(Call call, String rawToken, LinkToken token, PreferenceUpdate update, Source source) {
        Provenance provenance = new Provenance(source, clock.instant(), token.campaignId(), token.issuedAt(), null);
        PreferenceCenter.Outcome outcome = center.save(token.address(), update, provenance);
        record(call.requestId(), token, outcome, source);
        if (outcome.isPending()) {
            return call.json() ? json(202, PreferenceJson.pending(outcome.changes()))
                    : vary(HttpResponses.page(200, pages.pending(call.language(), outcome)));
        }
        return call.json()
                ? json(200, PreferenceJson.state(outcome.preferences(), call.language().code()).toString())
                : page(200, call, rawToken, outcome.preferences(), outcome, null);
    }

    private APIGatewayV2HTTPResponse page(int status, Call call, String rawToken, Preferences prefs,
                                          PreferenceCenter.Outcome outcome, PreferenceException.Code refused) {
        return vary(HttpResponses.page(status, pages.page(call.language(), prefs, formTokens.form(rawToken), outcome, refused)));
    }

    /** An error as JSON for API clients, else as a page. */
    private APIGatewayV2HTTPResponse error(Call call, int status, String code, String message) {
        if (call.json()) {
            return json(status, PreferenceJson.error(code, message));
        }
        ProblemPages p = pages.problems();
        Language l = call.language();
        return HttpResponses.page(status, switch (status) {
            case 404 -> p.notFound(l);
            case 503 -> p.store(l);
            default -> p.request(l);
        });
    }

    private static APIGatewayV2HTTPResponse json(int status, String body) {
        return vary(HttpResponses.json(status, body));
    }

    /** The same URL answers HTML or JSON by {@code Accept}. */
    private static APIGatewayV2HTTPResponse vary(APIGatewayV2HTTPResponse r) {
        return HttpResponses.withHeader(r, "Vary", "Accept, Accept-Language");
    }

    /** PUT is the API; a GET asking for JSON (and not for HTML, as browsers do) is too. */
    private static boolean wantsJson(HttpRequest request, String method) {
        if (method.equals("PUT")) {
            return true;
        }
        String accept = request.header("Accept").orElse("").toLowerCase(Locale.ROOT);
        return !method.equals("POST") && accept.contains("application/json") && !accept.contains("text/html");
    }

    /** A PUT body must be declared JSON (which also keeps plain HTML forms from other sites out) and small. */
    private static void requireJsonBody(HttpRequest request) {
        String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        String mime = (type.contains(";") ? type.substring(0, type.indexOf(';')) : type).strip();
        if (!mime.equals("application/json")) {
            throw new HttpRequestException(415, "send the update as application/json");
        }
        if (request.body().length > HttpRequest.MAX_FORM_BYTES) {
            throw new HttpRequestException(413, "the update is too large");
        }
    }

    private void record(String requestId, LinkToken token, PreferenceCenter.Outcome o, Source source) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("addressKey", addressKeys.keyOf(token.address()));
        fields.put("source", source.name());
        fields.put("changes", o.changes().stream().map(c -> c.action().name() + (c.topic() == null ? "" : ":" + c.topic())).toList());
        fields.put("campaignId", token.campaignId() == null ? "" : token.campaignId());
        fields.put("tokenIssuedAt", token.issuedAt().toString());
        long unsubscribes = o.changes().stream().map(Change::action)
                .filter(a -> a == Action.UNSUBSCRIBE_ALL || a == Action.UNSUBSCRIBE_TOPIC).count();
        fields.put("pending", o.isPending());
        log.metrics(requestId, "preferences-saved", fields,
                Map.of("PreferenceChanges", o.changes().size(), Metrics.OPT_OUTS, unsubscribes), Map.of("Source", source.name()));
        if (o.isPending()) {
            // The table failed and the queue took the opt-outs: both are alarmed on (Function dimension only).
            log.warnMetrics(requestId, "change-queued", Map.of("addressKey", fields.get("addressKey"),
                    "source", source.name()), Map.of(Metrics.STORE_FAILURES, 1, Metrics.CHANGES_QUEUED, 1), Map.of());
        }
    }
}
