package dev.optout.function.unsubscribe;

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
import dev.optout.suppression.Source;
import dev.optout.preferences.PreferenceException;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.token.FormTokens;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.unsubscribe.UnsubscribeService.Outcome;
import dev.optout.unsubscribe.UnsubscribeService.Scope;
import dev.optout.web.Language;
import dev.optout.web.ProblemPages;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * UnsubscribeFunction, behind the API Gateway HTTP API (payload 2.0), routes {@code GET /u/{token}}
 * and {@code POST /u/{token}}.
 *
 * <ul>
 *   <li>{@code POST} with {@code List-Unsubscribe=One-Click} (RFC 8058; urlencoded or multipart, as
 *       Gmail, Yahoo and Apple Mail send it): opts out at once with the link's scope (its topic, or
 *       all marketing mail when it names none) and answers 200 with a tiny body. No redirect, no
 *       cookie, no confirmation.</li>
 *   <li>{@code GET}: never changes anything (scanners and link previewers fetch links). It shows
 *       what the link will do, a confirm form, and the preference center link; if the person is
 *       already unsubscribed it says since when and offers to undo.</li>
 *   <li>{@code POST} from the page (an {@code action} field): opt out of the topic or all mail, or
 *       undo (recorded as an explicit {@code SUBSCRIBE_TOPIC} / {@code RESUBSCRIBE_ALL}). Refused
 *       with 403, changing nothing, without the page's form token or when the browser marks it as
 *       coming from another site (the preference center's check, {@link FormTokens#acceptsPost}).
 *       An all-mail undo for an address that bounced permanently is refused with 409.</li>
 * </ul>
 * A bad, forged or expired link gets a 4xx page and changes nothing. An opt-out the table cannot
 * take goes to the queue of pending changes and is answered as done, "within minutes"; only when
 * that fails too (or for an undo, which is never queued) a 503 that claims nothing. Every store
 * failure and every queued change is an EMF metric ({@link Metrics#STORE_FAILURES},
 * {@link Metrics#CHANGES_QUEUED}). Logs carry the address key, never the address.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} renders the page of a link that is never
 * stored or sent; after each restore the keys are re-read and the random sources renewed ({@link Wiring}).
 */
public final class UnsubscribeHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** Body of the one-click answer: mail clients do not show it; it only has to be small. */
    static final String ONE_CLICK_BODY = "Unsubscribed.\n";

    private final TokenOpener opener;
    private final FormTokens formTokens;
    private final UnsubscribeService service;
    private final AddressKeys addressKeys;
    private final UnsubscribePages pages;
    private final String publicBaseUrl;
    private final Language defaultLanguage;
    private final EventLog log;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: everything from the environment, once. */
    public UnsubscribeHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME, the address-hash key, the link keys and PUBLIC_BASE_URL. */
    public UnsubscribeHandler(Wiring w) {
        this(w.tokenOpener(), new FormTokens(w.linkKeys()), new UnsubscribeService(w.store(), w.pendingChanges(), w.clock()),
                w.addressKeys(), w.topics(),
                w.publicBaseUrl(), Language.fromSettings(w.settings()), EventLog.stdout(Metrics.UNSUBSCRIBE));
        this.snapStartHooks = w.snapStartHooks(() -> prime(w.tokenSealer()));
    }

    public UnsubscribeHandler(TokenOpener opener, FormTokens formTokens, UnsubscribeService service, AddressKeys addressKeys,
                              TopicCatalog topics, String publicBaseUrl, Language defaultLanguage, EventLog log) {
        this.opener = opener;
        this.formTokens = formTokens;
        this.service = service;
        this.addressKeys = addressKeys;
        this.pages = new UnsubscribePages(topics);
        this.publicBaseUrl = publicBaseUrl;
        this.defaultLanguage = defaultLanguage;
        this.log = log;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        HttpRequest request = HttpRequest.of(event);
        Language language = request.language(defaultLanguage);
        String method = request.method();
        if (!method.equals("GET") && !method.equals("POST")) {
            return HttpResponses.withHeader(HttpResponses.page(405, pages.problems().request(language)), "Allow", "GET, POST");
        }
        Optional<String> rawToken = request.pathParameter("token").or(() -> request.pathAfter(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH));
        if (rawToken.isEmpty()) {
            return HttpResponses.page(404, pages.problems().notFound(language));
        }
        FormData form = FormData.empty();
        if (method.equals("POST")) {
            try {
                form = request.form();
            } catch (HttpRequestException e) {
                log.warn(requestId, "request-refused", Map.of("status", e.status(), "error", e.getMessage()));
                return HttpResponses.page(e.status(), pages.problems().request(language));
            }
            language = form.first(UnsubscribePages.LANG).flatMap(Language::of).orElse(language);
        }
        boolean oneClick = method.equals("POST") && form.first(UnsubscribePages.ACTION).isEmpty();

        LinkToken token;
        try {
            token = opener.open(rawToken.get());
        } catch (InvalidTokenException e) {
            log.warn(requestId, "token-refused", Map.of("reason", e.reason().name(), "method", method));
            int status = ProblemPages.status(e.reason());
            return oneClick ? HttpResponses.text(status, "This unsubscribe link is not valid: nothing was changed.\n")
                    : HttpResponses.page(status, pages.problems().token(language, e.reason(), opener.lifetime().toDays()));
        }
        String preferencesUrl = publicBaseUrl + ListUnsubscribeHeaders.PREFERENCES_PATH + rawToken.get();
        String formToken = formTokens.form(rawToken.get());
        // RFC 8058 one-click stays token-free (mail clients post it without our page); the page's own forms do not.
        if (method.equals("POST") && !oneClick && !formTokens.acceptsPost(request, form, rawToken.get(), publicBaseUrl)) {
            log.warn(requestId, "request-refused", Map.of("status", 403, "error", "cross-site or without the form token",
                    "addressKey", addressKeys.keyOf(token.address())));
            return HttpResponses.page(403, pages.problems().forbidden(language));
        }

        try {
            if (method.equals("GET")) {
                return HttpResponses.page(200, pages.forLink(language, token, service.status(token), preferencesUrl, formToken));
            }
            if (oneClick) {
                return oneClick(requestId, form, token);
            }
            return confirmFromPage(requestId, form, token, language, preferencesUrl, formToken);
        } catch (PreferenceException e) {
            log.warn(requestId, "request-refused", Map.of("status", 409, "error", e.code().name(),
                    "addressKey", addressKeys.keyOf(token.address())));
            return HttpResponses.page(409, pages.bounceLocked(language, preferencesUrl));
        } catch (StoreUnavailableException e) {
            log.errorMetrics(requestId, "store-unavailable", Map.of("method", method, "error", String.valueOf(e.getMessage()),
                    "addressKey", addressKeys.keyOf(token.address())), Map.of(Metrics.STORE_FAILURES, 1), Map.of());
            return oneClick ? HttpResponses.text(503, "Temporarily unavailable: nothing was changed. Please retry.\n")
                    : HttpResponses.page(503, pages.problems().store(language));
        }
    }

    /**
     * SnapStart priming: the GET page of a link for {@link Priming#ADDRESS}, through the real path
     * (token opening, the store's read, the page). GET never writes; the token is never stored or sent.
     */
    void prime(TokenSealer sealer) {
        String token = sealer.seal(Priming.ADDRESS, null, "snapstart-priming");
        for (String language : Priming.ACCEPT_LANGUAGES) {
            APIGatewayV2HTTPResponse page = handleRequest(
                    Priming.get(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH, token, "text/html", language), null);
            Priming.expect(page.getStatusCode() == 200, "unsubscribe GET answered " + page.getStatusCode());
        }
        Priming.primeLogging(Metrics.UNSUBSCRIBE);
    }

    /** RFC 8058 section 3.2: the body must be exactly the one-click key and value. */
    private APIGatewayV2HTTPResponse oneClick(String requestId, FormData form, LinkToken token) {
        boolean valid = form.first("List-Unsubscribe").map(v -> v.strip().equalsIgnoreCase("One-Click")).orElse(false);
        if (!valid) {
            log.warn(requestId, "request-refused", Map.of("error", "POST without List-Unsubscribe=One-Click or action"));
            return HttpResponses.text(400, "Expected List-Unsubscribe=One-Click: nothing was changed.\n");
        }
        Outcome o = service.unsubscribe(token, Scope.of(token), Source.ONE_CLICK);
        record(requestId, "unsubscribed", token, o, Source.ONE_CLICK);
        return HttpResponses.text(200, ONE_CLICK_BODY);
    }

    private APIGatewayV2HTTPResponse confirmFromPage(String requestId, FormData form, LinkToken token, Language language,
                                                     String preferencesUrl, String formToken) {
        String action = form.first(UnsubscribePages.ACTION).orElse("");
        boolean topicAction = action.equals(UnsubscribePages.UNSUBSCRIBE_TOPIC) || action.equals(UnsubscribePages.RESUBSCRIBE_TOPIC);
        if (topicAction && token.topic() == null) {
            return HttpResponses.page(400, pages.problems().request(language));
        }
        Scope scope = topicAction ? Scope.TOPIC : Scope.ALL;
        switch (action) {
            case UnsubscribePages.UNSUBSCRIBE_TOPIC, UnsubscribePages.UNSUBSCRIBE_ALL -> {
                Outcome o = service.unsubscribe(token, scope, Source.UNSUBSCRIBE_PAGE);
                record(requestId, "unsubscribed", token, o, Source.UNSUBSCRIBE_PAGE);
                return HttpResponses.page(200, pages.done(language, token, o, preferencesUrl, formToken));
            }
            case UnsubscribePages.RESUBSCRIBE_TOPIC, UnsubscribePages.RESUBSCRIBE_ALL -> {
                Outcome o = service.resubscribe(token, scope);
                record(requestId, "resubscribed", token, o, Source.UNSUBSCRIBE_PAGE);
                return HttpResponses.page(200, pages.resubscribed(language, token, o, preferencesUrl, formToken));
            }
            default -> {
                log.warn(requestId, "request-refused", Map.of("error", "unknown action"));
                return HttpResponses.page(400, pages.problems().request(language));
            }
        }
    }

    private void record(String requestId, String event, LinkToken token, Outcome o, Source source) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("addressKey", addressKeys.keyOf(token.address()));
        fields.put("source", source.name());
        fields.put("scope", o.scope().name());
        fields.put("topic", token.topic() == null ? "" : token.topic());
        fields.put("campaignId", token.campaignId() == null ? "" : token.campaignId());
        fields.put("tokenIssuedAt", token.issuedAt().toString());
        fields.put("pending", o.pending());
        log.metrics(requestId, event, fields, Map.of(event.equals("unsubscribed") ? Metrics.OPT_OUTS : Metrics.RESUBSCRIBES, 1),
                Map.of("Source", source.name()));
        if (o.pending()) {
            // The table failed and the queue took the change: both are alarmed on (Function dimension only).
            log.warnMetrics(requestId, "change-queued", Map.of("addressKey", fields.get("addressKey"),
                    "source", source.name()), Map.of(Metrics.STORE_FAILURES, 1, Metrics.CHANGES_QUEUED, 1), Map.of());
        }
    }
}
