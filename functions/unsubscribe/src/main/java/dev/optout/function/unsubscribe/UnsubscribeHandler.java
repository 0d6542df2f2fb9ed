package dev.optout.function.unsubscribe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressKeys;
import dev.optout.config.Settings;
import dev.optout.optin.OptInEvidence;
import dev.optout.wiring.Wiring;
import dev.optout.http.HttpApiEventJson;
import dev.optout.http.HttpResponses;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.preferences.PreferenceException;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.Source;
import dev.optout.formtoken.FormTokens;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.unsubscribe.UnsubscribeService.Outcome;
import dev.optout.unsubscribe.UnsubscribeService.Scope;
import dev.optout.web.Language;
import dev.optout.web.LinkPagePipeline;
import dev.optout.web.LinkPageRequest;
import dev.optout.web.PageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *       An all-mail undo for an address that bounced permanently is refused with 409; after a
 *       complaint too, and that page offers the confirmation mail ({@code POST /r/{token}}, the
 *       subscribe function), whose confirmed round-trip gets mail back.</li>
 * </ul>
 * A bad, forged or expired link gets a 4xx page and changes nothing. An opt-out the table cannot
 * take goes to the queue of pending changes and is answered as done, "within minutes"; only when
 * that fails too (or for an undo, which is never queued) a 503 that claims nothing. Every store
 * failure and every queued change is an EMF metric ({@link Metrics#STORE_FAILURES},
 * {@link Metrics#CHANGES_QUEUED}). Logs carry the address key, never the address. The request
 * pipeline (method, token, form, link, forgery gate, store failure) is {@link LinkPagePipeline}'s.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} renders the page of a link that is never
 * stored or sent, and makes its one-click opt-out in a dry run (built, never sent); after each restore the keys are re-read and the random sources renewed ({@link Wiring}).
 */
public final class UnsubscribeHandler implements RequestStreamHandler {
    /** Body of the one-click answer: mail clients do not show it; it only has to be small. */
    static final String ONE_CLICK_BODY = "Unsubscribed.\n";

    /** GET and POST at /u/{token}; a POST without the pages' {@code action} field is an RFC 8058 one-click. */
    private static final LinkPagePipeline.Spec ROUTES = new LinkPagePipeline.Spec(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH,
            List.of("GET", "POST"), false, form -> form.first(UnsubscribePages.ACTION).isEmpty());

    private final UnsubscribeService service;
    private final UnsubscribePages pages;
    private final LinkPagePipeline pipeline;
    private final EventLog log;
    private final OptInEvidence.IpRetention ipRetention;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: everything from the environment, once. */
    public UnsubscribeHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /**
     * Needs TABLE_NAME, the address-hash key, the link keys and PUBLIC_BASE_URL. A person waits on
     * every answer: the table gets the user-facing call budget ({@link Wiring#withUserFacingBudget}).
     */
    public UnsubscribeHandler(Wiring w) {
        this(w.withUserFacingBudget().tokenOpener(), new FormTokens(w.linkKeys()), new UnsubscribeService(w.store(), w.pendingChanges(), w.clock(), w.expiryPolicy()),
                w.addressKeys(), w.topics(),
                w.publicBaseUrl(), Language.fromSettings(w.settings()), EventLog.stdout(Metrics.UNSUBSCRIBE),
                OptInEvidence.IpRetention.fromSettings(w.settings()), dev.optout.web.Brand.fromSettings(w.settings()));
        String topic = w.topics().all().get(0).id();
        this.snapStartHooks = w.snapStartHooks(() -> prime(w.tokenSealer(), topic));
    }

    public UnsubscribeHandler(TokenOpener opener, FormTokens formTokens, UnsubscribeService service, AddressKeys addressKeys,
                              TopicCatalog topics, String publicBaseUrl, Language defaultLanguage, EventLog log) {
        this(opener, formTokens, service, addressKeys, topics, publicBaseUrl, defaultLanguage, log, OptInEvidence.IpRetention.TRUNCATED,
                dev.optout.web.Brand.NONE);
    }

    /** @param ipRetention how much of the network address and user agent an opt-in keeps ({@code OPT_IN_IP_RETENTION}) */
    public UnsubscribeHandler(TokenOpener opener, FormTokens formTokens, UnsubscribeService service, AddressKeys addressKeys,
                              TopicCatalog topics, String publicBaseUrl, Language defaultLanguage, EventLog log,
                              OptInEvidence.IpRetention ipRetention, dev.optout.web.Brand brand) {
        this.ipRetention = ipRetention;
        this.service = service;
        this.pages = new UnsubscribePages(topics, brand);
        this.pipeline = new LinkPagePipeline(ROUTES, opener, formTokens, addressKeys, publicBaseUrl, defaultLanguage,
                pages.problems(), log);
        this.log = log;
    }

    /** Lambda's entry point: the event read and the answer written by {@link HttpApiEventJson} (no POJO serialization). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiEventJson.writeResponse(handleRequest(HttpApiEventJson.readEvent(input), context), output);
    }

    /** One request as an event object (tests, and the stream entry point above). */
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return pipeline.handle(event, context == null ? null : context.getAwsRequestId(), this::route);
    }

    private APIGatewayV2HTTPResponse route(LinkPageRequest r) {
        // the preference center opens in the language this page is in (the person may have switched it)
        String preferencesUrl = pipeline.publicUrl(ListUnsubscribeHeaders.PREFERENCES_PATH, r.rawToken()) + "?" + PageLayout.LANG + "="
                + r.language().code();
        try {
            if (r.method().equals("GET")) {
                return pipeline.page(200, pages.forLink(r.language(), r.token(), service.status(r.token()), preferencesUrl,
                        r.formToken()));
            }
            if (r.answer() == LinkPagePipeline.Answer.ONE_CLICK) {
                return oneClick(r);
            }
            return confirmFromPage(r, preferencesUrl);
        } catch (PreferenceException e) {
            log.warn(r.requestId(), "request-refused", Map.of("status", 409, "error", e.code().name(), "addressKey", r.addressKey()));
            return pipeline.page(409, pages.locked(r.language(), e.code(), preferencesUrl, r.formToken(),
                    pipeline.publicUrl(ListUnsubscribeHeaders.RESUME_PATH, r.rawToken())));
        }
    }

    /**
     * SnapStart priming: the GET page of a link for {@link Priming#ADDRESS}, through the real path
     * (token opening, the store's read, the page), then the one-click POST in a {@link DryRun}. The
     * token is never stored or sent; nothing is written or logged.
     */
    private void prime(TokenSealer sealer, String topic) {
        String token = sealer.seal(Priming.ADDRESS, null, "snapstart-priming");
        // the page of an all-mail link and of a topic's link (each says what it will do), in each language
        for (String link : List.of(token, sealer.seal(Priming.ADDRESS, topic, "snapstart-priming"))) {
            for (String language : Priming.ACCEPT_LANGUAGES) {
                // through the stream entry point, so that the event JSON is read and written as in a request
                APIGatewayV2HTTPResponse page = HttpApiEventJson.invoke(this,
                        Priming.get(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH, link, "text/html", language), null);
                Priming.expect(page.getStatusCode() == 200, "unsubscribe GET answered " + page.getStatusCode());
            }
        }
        // The one-click POST in a dry run: the opt-out is built and signed, stopped before it is
        // sent, then the pending-changes queue's message too, so it ends in the 503 that claims nothing.
        APIGatewayV2HTTPResponse oneClick = DryRun.run(() -> HttpApiEventJson.invoke(this,
                Priming.oneClick(ListUnsubscribeHeaders.UNSUBSCRIBE_PATH, token), null));
        Priming.expect(oneClick.getStatusCode() == 503, "the dry-run one-click answered " + oneClick.getStatusCode());
        EventLog.prime(Metrics.UNSUBSCRIBE);
    }

    /** RFC 8058 section 3.2: the body must be exactly the one-click key and value. */
    private APIGatewayV2HTTPResponse oneClick(LinkPageRequest r) {
        boolean valid = r.form().first("List-Unsubscribe").map(v -> v.strip().equalsIgnoreCase("One-Click")).orElse(false);
        if (!valid) {
            log.warn(r.requestId(), "request-refused", Map.of("error", "POST without List-Unsubscribe=One-Click or action"));
            return HttpResponses.text(400, "Expected List-Unsubscribe=One-Click: nothing was changed.\n");
        }
        Outcome o = service.unsubscribe(r.token(), Scope.of(r.token()), Source.ONE_CLICK);
        record(r, "unsubscribed", o, Source.ONE_CLICK);
        return HttpResponses.text(200, ONE_CLICK_BODY);
    }

    private APIGatewayV2HTTPResponse confirmFromPage(LinkPageRequest r, String preferencesUrl) {
        Language language = r.language();
        LinkToken token = r.token();
        String action = r.form().first(UnsubscribePages.ACTION).orElse("");
        boolean topicAction = action.equals(UnsubscribePages.UNSUBSCRIBE_TOPIC) || action.equals(UnsubscribePages.RESUBSCRIBE_TOPIC);
        if (topicAction && token.topic() == null) {
            return pipeline.page(400, pages.problems().request(language));
        }
        Scope scope = topicAction ? Scope.TOPIC : Scope.ALL;
        switch (action) {
            case UnsubscribePages.UNSUBSCRIBE_TOPIC, UnsubscribePages.UNSUBSCRIBE_ALL -> {
                Outcome o = service.unsubscribe(token, scope, Source.UNSUBSCRIBE_PAGE);
                record(r, "unsubscribed", o, Source.UNSUBSCRIBE_PAGE);
                return pipeline.page(200, pages.done(language, token, o, preferencesUrl, r.formToken()));
            }
            case UnsubscribePages.RESUBSCRIBE_TOPIC, UnsubscribePages.RESUBSCRIBE_ALL -> {
                Outcome o = service.resubscribe(token, scope, OptInEvidence.shown(OptInEvidence.FORM, pages.undoWording(language, token, scope))
                        .from(r.http().sourceIp(), r.http().userAgent(), ipRetention));
                record(r, "resubscribed", o, Source.UNSUBSCRIBE_PAGE);
                return pipeline.page(200, pages.resubscribed(language, token, o, preferencesUrl, r.formToken()));
            }
            default -> {
                log.warn(r.requestId(), "request-refused", Map.of("error", "unknown action"));
                return pipeline.page(400, pages.problems().request(language));
            }
        }
    }

    private void record(LinkPageRequest r, String event, Outcome o, Source source) {
        LinkToken token = r.token();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("addressKey", r.addressKey());
        fields.put("source", source.name());
        fields.put("scope", o.scope().name());
        fields.put("topic", token.topic() == null ? "" : token.topic());
        fields.put("campaignId", token.campaignId() == null ? "" : token.campaignId());
        fields.put("tokenIssuedAt", token.issuedAt().toString());
        fields.put("pending", o.pending());
        log.metrics(r.requestId(), event, fields, Map.of(event.equals("unsubscribed") ? Metrics.OPT_OUTS : Metrics.RESUBSCRIBES, 1),
                Map.of("Source", source.name()));
        if (o.pending()) {
            // The table failed and the queue took the change: both are alarmed on (Function dimension only).
            log.warnMetrics(r.requestId(), "change-queued", Map.of("addressKey", r.addressKey(),
                    "source", source.name()), Map.of(Metrics.STORE_FAILURES, 1, Metrics.CHANGES_QUEUED, 1), Map.of());
        }
    }
}
