package dev.optout.function.preferences;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressKeys;
import dev.optout.config.Settings;
import dev.optout.erasure.AddressErasure;
import dev.optout.optin.OptInEvidence;
import dev.optout.wiring.Wiring;
import dev.optout.http.HttpApiEventJson;
import dev.optout.http.HttpResponses;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.preferences.PreferenceException;
import dev.optout.preferences.PreferenceJson;
import dev.optout.preferences.PreferenceUpdate;
import dev.optout.preferences.Preferences;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.DataRequest;
import dev.optout.suppression.Source;
import dev.optout.formtoken.FormTokens;
import dev.optout.token.LinkToken;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.web.Language;
import dev.optout.web.LinkPagePipeline;
import dev.optout.web.LinkPageRequest;
import java.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

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
 * failures and queued changes are EMF metrics. Logs carry the address key, never the address. The
 * request pipeline (method, token, body, link, forgery gate, negotiation, store failure) is
 * {@link LinkPagePipeline}'s.
 *
 * <p>SnapStart: before the snapshot, {@link #prime} renders the page and the JSON state of a link
 * that is never stored or sent; after each restore the keys are re-read and the random sources renewed.
 */
public final class PreferencesHandler implements RequestStreamHandler {
    /** GET, POST (the page) and PUT (the API) at /p/{token}; JSON for API clients. */
    private static final LinkPagePipeline.Spec ROUTES = new LinkPagePipeline.Spec(ListUnsubscribeHeaders.PREFERENCES_PATH,
            List.of("GET", "POST", "PUT"), true, null);

    private final PreferenceCenter center;
    private final PreferencesPages pages;
    private final LinkPagePipeline pipeline;
    private final Clock clock;
    private final EventLog log;
    private final OptInEvidence.IpRetention ipRetention;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: everything from the environment, once. */
    public PreferencesHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /**
     * Needs TABLE_NAME, the address-hash key, the link keys and PUBLIC_BASE_URL. A person waits on
     * every answer: the table gets the user-facing call budget ({@link Wiring#withUserFacingBudget}).
     */
    public PreferencesHandler(Wiring w) {
        this(w.withUserFacingBudget().tokenOpener(), new FormTokens(w.linkKeys()),
                new PreferenceCenter(w.store(), w.topics(), w.pendingChanges(), w.expiryPolicy(), w.clock(), erasure(w)), w.addressKeys(),
                w.publicBaseUrl(), Language.fromSettings(w.settings()), w.clock(), EventLog.stdout(Metrics.PREFERENCES),
                OptInEvidence.IpRetention.fromSettings(w.settings()), dev.optout.web.Brand.fromSettings(w.settings()));
        String topic = w.topics().all().get(0).id();
        this.snapStartHooks = w.snapStartHooks(() -> prime(w.tokenSealer(), topic));
    }

    /**
     * "Erase me" as {@code ./optout forget} erases: the table, the SES account suppression list when
     * the stack mirrors to it ({@code SES_SUPPRESSION_MIRRORING}), and the queues that may hold a
     * copy ({@code ERASURE_QUEUE_URLS}, {@code LogicalId=url,...}) named with their retention.
     */
    public static AddressErasure erasure(Wiring w) {
        Settings s = w.settings();
        AddressErasure.Copies copies = new AddressErasure.Copies(s.flag(Settings.SES_SUPPRESSION_MIRRORING, false),
                AddressErasure.Copies.parseQueues(s.optional(Settings.ERASURE_QUEUE_URLS).orElse(null)));
        return new AddressErasure(w.store(), copies,
                copies.sesMirroring() ? w.aws().configure(SesV2Client.builder()).build() : null,
                copies.queues().isEmpty() ? null : w.aws().configure(SqsClient.builder()).build(), w.clock());
    }

    public PreferencesHandler(TokenOpener opener, FormTokens formTokens, PreferenceCenter center, AddressKeys addressKeys,
                              String publicBaseUrl, Language defaultLanguage, Clock clock, EventLog log) {
        this(opener, formTokens, center, addressKeys, publicBaseUrl, defaultLanguage, clock, log, OptInEvidence.IpRetention.TRUNCATED,
                dev.optout.web.Brand.NONE);
    }

    /**
     * @param ipRetention how much of the network address and user agent an opt-in keeps ({@code OPT_IN_IP_RETENTION})
     * @param brand       who is asking, shown on every page
     */
    public PreferencesHandler(TokenOpener opener, FormTokens formTokens, PreferenceCenter center, AddressKeys addressKeys,
                              String publicBaseUrl, Language defaultLanguage, Clock clock, EventLog log,
                              OptInEvidence.IpRetention ipRetention, dev.optout.web.Brand brand) {
        this.ipRetention = ipRetention;
        this.center = center;
        this.pages = new PreferencesPages(center.catalog(), brand);
        this.pipeline = new LinkPagePipeline(ROUTES, opener, formTokens, addressKeys, publicBaseUrl, defaultLanguage,
                pages.problems(), log);
        this.clock = clock;
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
        LinkToken token = r.token();
        try {
            return switch (r.method()) {
                case "GET" -> r.json()
                        ? HttpResponses.json(200, PreferenceJson.state(center.load(token.address()), r.language().code()).toString())
                        : page(200, r, center.load(token.address()), null, null);
                case "POST" -> switch (r.form().first(PreferencesPages.ACTION).orElse("")) {
                    case PreferencesPages.DOWNLOAD -> download(r);
                    case PreferencesPages.ERASE -> pipeline.page(200, pages.erase(r.language(), token.address().masked(), r.formToken()));
                    case PreferencesPages.ERASE_CONFIRMED -> erase(r);
                    default -> save(r, PreferencesPages.update(r.form(), center.catalog()), Source.PREFERENCE_CENTER);
                };
                default -> save(r, PreferenceJson.parseUpdate(r.http().bodyText()), Source.PREFERENCE_API);
            };
        } catch (PreferenceException e) {
            log.warn(r.requestId(), "preference-refused", Map.of("code", e.code().name(), "method", r.method(),
                    "addressKey", r.addressKey()));
            boolean stale = e.code() == PreferenceException.Code.STALE;
            int status = e.locked() || stale ? 409 : 400;
            if (r.json() && stale) {
                // the current state, so the app can show it and ask again
                var body = PreferenceJson.state(center.load(token.address()), r.language().code());
                body.put("code", e.code().name());
                body.put("message", e.getMessage());
                return HttpResponses.json(409, body.toString());
            }
            if (r.json() && e.code() == PreferenceException.Code.COMPLAINT_LOCKED) {
                // what the person can do: ask for the confirmation mail, whose confirmed round-trip lifts the complaint
                return HttpResponses.withHeader(HttpResponses.json(409, dev.optout.json.LightJson.write(Map.of(
                        "code", e.code().name(), "message", e.getMessage(),
                        "confirmByMail", pipeline.publicUrl(ListUnsubscribeHeaders.RESUME_PATH, r.rawToken())))),
                        "Vary", "Accept, Accept-Language");
            }
            if (r.json()) {
                return pipeline.json(status, e.code().name(), e.getMessage());
            }
            if (status == 409) {
                return page(409, r, center.load(token.address()), null, e.code());
            }
            return pipeline.page(400, pages.problems().request(r.language()));
        }
    }

    /**
     * SnapStart priming: the page and the JSON state of a link for {@link Priming#ADDRESS}, through
     * the real GET path. GET never writes; the token is never stored or sent.
     */
    private void prime(TokenSealer sealer, String topic) {
        // an all-mail link and a topic's link, in each language, as a page and as JSON
        for (String token : List.of(sealer.seal(Priming.ADDRESS, null, "snapstart-priming"),
                sealer.seal(Priming.ADDRESS, topic, "snapstart-priming"))) {
            for (String language : Priming.ACCEPT_LANGUAGES) {
                for (String accept : new String[] {"text/html", "application/json"}) {
                    // through the stream entry point, so that the event JSON is read and written as in a request
                    APIGatewayV2HTTPResponse r = HttpApiEventJson.invoke(this,
                            Priming.get(ListUnsubscribeHeaders.PREFERENCES_PATH, token, accept, language), null);
                    Priming.expect(r.getStatusCode() == 200, "preferences GET (" + accept + ") answered " + r.getStatusCode());
                }
            }
        }
        EventLog.prime(Metrics.PREFERENCES);
    }

    /**
     * "Download my data": this address's data ({@link dev.optout.preferences.PersonalData}) as a
     * JSON file; only from the page's own form (form token, same-site), never by a link alone.
     */
    private APIGatewayV2HTTPResponse download(LinkPageRequest r) {
        long started = System.nanoTime();
        java.time.Instant asked = clock.instant();
        String body = center.personalData(r.token().address()).toPrettyString();
        recordDataRequest(r, new DataRequest(DataRequest.Kind.ACCESS, Source.PREFERENCE_CENTER, asked, clock.instant()));
        log.metrics(r.requestId(), "data-downloaded", Map.of("addressKey", r.addressKey()),
                Map.of("DataRequests", 1, "DataRequestMillis", (System.nanoTime() - started) / 1_000_000), Map.of("Request", "ACCESS"));
        return HttpResponses.withHeader(HttpResponses.json(200, body), "Content-Disposition", "attachment; filename=\"my-data.json\"");
    }

    /**
     * "Erase me", confirmed on its own page: the same erasure as {@code ./optout forget}
     * ({@link AddressErasure}). When the SES account suppression list could not be changed, the
     * table part stands, the error is logged (and alarmed on), and the page asks to press again
     * later (erasing again is safe).
     */
    private APIGatewayV2HTTPResponse erase(LinkPageRequest r) {
        long started = System.nanoTime();
        java.time.Instant asked = clock.instant();
        AddressErasure.Result result = center.erase(r.token().address(), r.token().provenance(Source.PREFERENCE_CENTER, asked));
        recordDataRequest(r, new DataRequest(DataRequest.Kind.ERASURE, Source.PREFERENCE_CENTER, asked, clock.instant()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("addressKey", r.addressKey());
        Integer scrubbed = result.scrubbed();
        fields.put("historyItemsScrubbed", scrubbed == null ? Integer.valueOf(0) : scrubbed);
        fields.put("sesSuppressionList", result.ses().name());
        fields.put("queuesNamed", result.queues().stream().map(AddressErasure.QueueCopy::queue).toList());
        if (result.ses() == AddressErasure.SesResult.FAILED) {
            fields.put("sesError", String.valueOf(result.sesError()));
            log.errorMetrics(r.requestId(), "address-erased", fields, Map.of("DataRequests", 1, "ErasuresIncomplete", 1,
                    "DataRequestMillis", (System.nanoTime() - started) / 1_000_000), Map.of("Request", "ERASURE"));
        } else {
            log.metrics(r.requestId(), "address-erased", fields,
                    Map.of("DataRequests", 1, "DataRequestMillis", (System.nanoTime() - started) / 1_000_000), Map.of("Request", "ERASURE"));
        }
        return pipeline.page(200, pages.erased(r.language(), result));
    }

    /**
     * The served request for the report. It is served already: a table that cannot take the
     * record does not undo it, and is logged (and alarmed on) instead.
     */
    private void recordDataRequest(LinkPageRequest r, DataRequest request) {
        try {
            center.record(request);
        } catch (dev.optout.suppression.StoreUnavailableException e) {
            log.errorMetrics(r.requestId(), "data-request-unrecorded", Map.of("addressKey", r.addressKey(),
                    "request", request.kind().name(), "error", String.valueOf(e.getMessage())), Map.of(Metrics.STORE_FAILURES, 1), Map.of());
        }
    }

    private APIGatewayV2HTTPResponse save(LinkPageRequest r, PreferenceUpdate update, Source source) {
        String channel = source == Source.PREFERENCE_API ? OptInEvidence.API : OptInEvidence.FORM;
        PreferenceCenter.Outcome outcome = center.save(r.token().address(), update, r.token().provenance(source, clock.instant()),
                c -> OptInEvidence.shown(channel, pages.wording(r.language(), c))
                        .from(r.http().sourceIp(), r.http().userAgent(), ipRetention));
        record(r, outcome, source);
        if (outcome.isPending()) {
            return r.json() ? HttpResponses.json(202, PreferenceJson.pending(outcome.changes()))
                    : pipeline.page(200, pages.pending(r.language(), outcome));
        }
        return r.json()
                ? HttpResponses.json(200, PreferenceJson.state(outcome.preferences(), r.language().code()).toString())
                : page(200, r, outcome.preferences(), outcome, null);
    }

    private APIGatewayV2HTTPResponse page(int status, LinkPageRequest r, Preferences prefs,
                                          PreferenceCenter.Outcome outcome, PreferenceException.Code refused) {
        return pipeline.page(status, pages.page(r.language(), prefs, r.formToken(), outcome, refused,
                pipeline.publicUrl(ListUnsubscribeHeaders.RESUME_PATH, r.rawToken())));
    }

    private void record(LinkPageRequest r, PreferenceCenter.Outcome o, Source source) {
        LinkToken token = r.token();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("addressKey", r.addressKey());
        fields.put("source", source.name());
        fields.put("changes", o.changes().stream().map(c -> c.action().name() + (c.topic() == null ? "" : ":" + c.topic())).toList());
        fields.put("campaignId", token.campaignId() == null ? "" : token.campaignId());
        fields.put("tokenIssuedAt", token.issuedAt().toString());
        long unsubscribes = o.changes().stream().map(Change::action)
                .filter(a -> a == Action.UNSUBSCRIBE_ALL || a == Action.UNSUBSCRIBE_TOPIC).count();
        fields.put("pending", o.isPending());
        log.metrics(r.requestId(), "preferences-saved", fields,
                Map.of(Metrics.PREFERENCE_CHANGES, o.changes().size(), Metrics.OPT_OUTS, unsubscribes), Map.of("Source", source.name()));
        if (o.isPending()) {
            // The table failed and the queue took the opt-outs: both are alarmed on (Function dimension only).
            log.warnMetrics(r.requestId(), "change-queued", Map.of("addressKey", r.addressKey(),
                    "source", source.name()), Map.of(Metrics.STORE_FAILURES, 1, Metrics.CHANGES_QUEUED, 1), Map.of());
        }
    }
}
