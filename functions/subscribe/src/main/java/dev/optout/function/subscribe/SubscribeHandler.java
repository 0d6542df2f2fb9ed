package dev.optout.function.subscribe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.config.Settings;
import dev.optout.formtoken.FormTokens;
import dev.optout.http.FormData;
import dev.optout.http.HttpApiEventJson;
import dev.optout.http.HttpRequest;
import dev.optout.http.HttpRequestException;
import dev.optout.http.HttpResponses;
import dev.optout.http.MediaType;
import dev.optout.json.LightJson;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.observability.EventLog;
import dev.optout.optin.ConfirmationMailer;
import dev.optout.optin.OptInEvidence;
import dev.optout.optin.PendingOptIns;
import dev.optout.optin.SubscribeService;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.token.LinkKeySource;
import dev.optout.token.PurposeKeys;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.UnknownTopicException;
import dev.optout.web.Language;
import dev.optout.web.LinkPagePipeline;
import dev.optout.web.LinkPageRequest;
import dev.optout.web.PageLayout;
import dev.optout.wiring.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * SubscribeFunction, behind the HTTP API (payload 2.0): double opt-in.
 *
 * <ul>
 *   <li>{@code POST /s}: a signup form on the sender's site (fields {@code email}, {@code topic}
 *       repeatable, {@code lang}, and the honeypot {@code website} that people leave empty) answers
 *       a "check your inbox" page; JSON ({@code {"email": "...", "topics": ["events"], "lang": "en"}})
 *       answers 202. The answer is the same whatever the address: whether a mail went (not to a
 *       suppressed or forgotten address, at most one a day per address, within the per-IP rate)
 *       is only logged. A malformed address or an unknown topic is the form's mistake: 400.</li>
 *   <li>{@code GET /c/{token}}: the confirmation page; changes nothing, so a link scanner that
 *       opens the mail's link confirms nothing.</li>
 *   <li>{@code POST /c/{token}}: its form (form token, same-site) confirms: the topics become the
 *       person's opt-ins with source {@code CONFIRMED_OPT_IN}.</li>
 *   <li>{@code POST /r/{token}}, with the person's own link token (the one of {@code /u/} and
 *       {@code /p/}): from a page that refused a link-only resume after a complaint (its form:
 *       form token, same-site), or as JSON from an API client (same-site only), asks for the
 *       confirmation mail whose confirmation gets all mail back and lifts the complaint. The same
 *       limits as {@code POST /s}; the same answer whatever happened (a page, or 202).</li>
 * </ul>
 * The confirmation link is sealed under keys derived from the link keys for this purpose only
 * ({@link PurposeKeys}): it is never an unsubscribe or preference link. Logs carry the address key.
 */
public final class SubscribeHandler implements RequestStreamHandler {
    /** Where the signup form posts. */
    public static final String SUBSCRIBE_PATH = "/s";
    /** Where the confirmation links live. */
    public static final String CONFIRM_PATH = "/c/";
    /** The honeypot field: hidden from people by the sender's form, filled in by bots. */
    public static final String HONEYPOT = "website";
    /** Confirmation keys' derivation label: never reused for another purpose. */
    static final String CONFIRM_KEYS_LABEL = "optout confirm token key v1";
    private static final String RATE_KEY_LABEL = "optout subscribe rate key v1";
    private static final int MAX_JSON_BYTES = 4096;

    private final SubscribeService service;
    private final SubscribePages pages;
    private final LinkPagePipeline confirmPages;
    private final LinkPagePipeline resumePages;
    private final String publicBaseUrl;
    private final Language defaultLanguage;
    private final OptInEvidence.IpRetention ipRetention;
    private final EventLog log;
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: everything from the environment, once. */
    public SubscribeHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    public SubscribeHandler(Wiring w) {
        this(w.withUserFacingBudget(), confirmationKeys(w.linkKeys()),
                mailer(w, w.aws().configure(SesV2Client.builder()).build()));
    }

    private SubscribeHandler(Wiring w, LinkKeySource confirmKeys, ConfirmationMailer mailer) {
        this(w, confirmKeys, mailer, EventLog.stdout(dev.optout.observability.Metrics.SUBSCRIBE));
        this.snapStartHooks = w.snapStartHooks(() -> EventLog.prime(dev.optout.observability.Metrics.SUBSCRIBE));
    }

    /** For tests and the local runtime: the mailer given (a real SES v2 client against a local endpoint). */
    public SubscribeHandler(Wiring w, LinkKeySource confirmKeys, ConfirmationMailer mailer, EventLog log) {
        Settings s = w.settings();
        SubscribeService.Limits limits = limits(s);
        LinkKeySource linkKeys = w.linkKeys();
        this.service = new SubscribeService(w.store(), new PendingOptIns(w.dynamoDb(), w.tableName()), w.topics(), w.addressKeys(),
                new TokenSealer(confirmKeys, w.clock(), w.random()), mailer, w.clock(),
                () -> linkKeys.current().derive(linkKeys.current().activeId(), RATE_KEY_LABEL.getBytes(StandardCharsets.US_ASCII)),
                limits, w.random());
        this.pages = new SubscribePages(w.topics(), dev.optout.web.Brand.fromSettings(s));
        this.publicBaseUrl = w.publicBaseUrl();
        this.defaultLanguage = Language.fromSettings(s);
        this.ipRetention = OptInEvidence.IpRetention.fromSettings(s);
        this.log = log;
        this.confirmPages = new LinkPagePipeline(new LinkPagePipeline.Spec(CONFIRM_PATH, List.of("GET", "POST"), false, null),
                new TokenOpener(confirmKeys, limits.linkLifetime(), w.clock()), new FormTokens(confirmKeys), w.addressKeys(),
                publicBaseUrl, defaultLanguage, pages.problems(), log);
        this.resumePages = new LinkPagePipeline(new LinkPagePipeline.Spec(ListUnsubscribeHeaders.RESUME_PATH, List.of("POST"), false, null,
                true), w.tokenOpener(), new FormTokens(linkKeys), w.addressKeys(), publicBaseUrl, defaultLanguage, pages.problems(), log);
    }

    /** The keys confirmation links are sealed under: derived from the link keys, for this purpose only. */
    public static LinkKeySource confirmationKeys(LinkKeySource linkKeys) {
        return new PurposeKeys(linkKeys, CONFIRM_KEYS_LABEL);
    }

    static SubscribeService.Limits limits(Settings s) {
        return new SubscribeService.Limits(Duration.ofDays(1), Duration.ofDays(s.integer(Settings.CONFIRMATION_LINK_DAYS, 7)),
                s.integer(Settings.SUBSCRIBE_REQUESTS_PER_IP_HOUR, 20));
    }

    /**
     * The SES v2 mailer from the settings: CONFIRMATION_FROM, SENDER_NAME, SES_CONFIGURATION_SET.
     * Without CONFIRMATION_FROM the function still starts (a stack that offers no signup form
     * deploys as before) and every request that would mail answers 503.
     */
    public static ConfirmationMailer mailer(Wiring w, SesV2Client ses) {
        Settings s = w.settings();
        return new SesConfirmationMailer(ses, s.optional(Settings.CONFIRMATION_FROM).orElse(null), dev.optout.web.Brand.fromSettings(s),
                s.optional(Settings.SES_CONFIGURATION_SET).orElse(null), w.topics(), limits(s).linkLifetime());
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiEventJson.writeResponse(handleRequest(HttpApiEventJson.readEvent(input), context), output);
    }

    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String requestId = context == null ? null : context.getAwsRequestId();
        HttpRequest request = HttpRequest.of(event);
        if (request.path().equals(SUBSCRIBE_PATH) || request.path().equals(SUBSCRIBE_PATH + "/")) {
            return subscribe(request, requestId);
        }
        if (request.path().startsWith(ListUnsubscribeHeaders.RESUME_PATH)) {
            return resumePages.handle(event, requestId, this::resume);
        }
        return confirmPages.handle(event, requestId, this::confirm);
    }

    // ---------------------------------------------------------------- POST /s

    private record Ask(String email, List<String> topics, Language language, boolean honeypot, boolean json) {
    }

    private APIGatewayV2HTTPResponse subscribe(HttpRequest request, String requestId) {
        Language language = request.language(defaultLanguage);
        boolean json = MediaType.essence(request.header("Content-Type").orElse(null)).equals("application/json");
        if (!request.method().equals("POST")) {
            return HttpResponses.withHeader(json ? HttpResponses.jsonError(405, "METHOD_NOT_ALLOWED", "use POST")
                    : HttpResponses.page(405, pages.problems().request(language)), "Allow", "POST");
        }
        Ask ask;
        try {
            ask = json ? fromJson(request, language) : fromForm(request, language);
        } catch (HttpRequestException e) {
            log.warn(requestId, "subscribe-refused", Map.of("status", e.status(), "error", e.getMessage()));
            return json ? HttpResponses.jsonError(e.status(), "MALFORMED", e.getMessage())
                    : HttpResponses.page(e.status(), pages.problems().request(language));
        }
        language = ask.language();
        if (ask.honeypot()) {
            log.warn(requestId, "subscribe-ignored", Map.of("why", "HONEYPOT"));
            return accepted(ask, language);
        }
        EmailAddress address;
        List<String> topics;
        try {
            address = AddressParser.parse(ask.email());
            topics = service.topics(ask.topics());
        } catch (InvalidAddressException e) {
            return invalid(ask, language, "INVALID_ADDRESS", "this is not an email address: " + e.getMessage());
        } catch (UnknownTopicException e) {
            return invalid(ask, language, "UNKNOWN_TOPIC", e.getMessage());
        }
        OptInEvidence evidence = OptInEvidence.shown(ask.json() ? OptInEvidence.API : OptInEvidence.FORM, pages.wording(language, topics))
                .from(request.sourceIp(), request.userAgent(), ipRetention);
        String addressKey = null;
        try {
            SubscribeService.Result result = service.request(address, topics, language.code(), evidence, request.sourceIp(),
                    publicBaseUrl + CONFIRM_PATH);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("result", result.name());
            fields.put("topics", topics);
            log.metrics(requestId, "subscribe-requested", fields, Map.of("ConfirmationsSent", result == SubscribeService.Result.SENT ? 1 : 0),
                    Map.of());
        } catch (StoreUnavailableException | ConfirmationMailer.MailNotSentException e) {
            log.error(requestId, "subscribe-failed", Map.of("error", String.valueOf(e.getMessage())));
            return json ? HttpResponses.jsonError(503, "UNAVAILABLE", "please retry in a few minutes: nothing was recorded")
                    : HttpResponses.page(503, pages.problems().store(language));
        }
        return accepted(ask, language);
    }

    private APIGatewayV2HTTPResponse accepted(Ask ask, Language language) {
        if (ask.json()) {
            return HttpResponses.json(202, LightJson.write(Map.of("status", "pending", "message",
                    pages.messages().text(language, "inbox.body"))));
        }
        return HttpResponses.page(200, pages.inbox(language));
    }

    private APIGatewayV2HTTPResponse invalid(Ask ask, Language language, String code, String message) {
        return ask.json() ? HttpResponses.jsonError(400, code, message) : HttpResponses.page(400, pages.problems().request(language));
    }

    private static Ask fromForm(HttpRequest request, Language fallback) {
        FormData form = request.form();
        Language language = form.first(PageLayout.LANG).flatMap(Language::of).orElse(fallback);
        boolean honeypot = form.first(HONEYPOT).map(v -> !v.isBlank()).orElse(false);
        return new Ask(form.first("email").orElse(""), form.all("topic"), language, honeypot, false);
    }

    private static Ask fromJson(HttpRequest request, Language fallback) {
        if (request.body().length > MAX_JSON_BYTES) {
            throw new HttpRequestException(413, "the request is too large");
        }
        Object root;
        try {
            root = LightJson.parse(request.bodyText());
        } catch (IOException e) {
            throw new HttpRequestException(400, "the body is not JSON: send {\"email\": \"...\", \"topics\": [\"...\"], \"lang\": \"en\"}");
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("email") instanceof String email)) {
            throw new HttpRequestException(400, "send {\"email\": \"...\", \"topics\": [\"...\"], \"lang\": \"en\"}");
        }
        List<String> topics = new ArrayList<>();
        if (m.get("topics") instanceof List<?> l) {
            for (Object t : l) {
                if (!(t instanceof String id)) {
                    throw new HttpRequestException(400, "topics is a list of topic ids");
                }
                topics.add(id);
            }
        } else if (m.get("topics") != null) {
            throw new HttpRequestException(400, "topics is a list of topic ids");
        }
        Language language = m.get("lang") instanceof String code ? Language.of(code).orElse(fallback) : fallback;
        return new Ask(email, topics, language, false, true);
    }

    // ---------------------------------------------------------------- POST /r/{token}

    /**
     * The person's own link asks for a confirmation mail: with {@code topic} fields (the preference
     * page's topics that need confirmed consent), the signup's confirmation of those topics;
     * without, the one that gets mail back after a complaint.
     */
    private APIGatewayV2HTTPResponse resume(LinkPageRequest r) {
        Language l = r.language();
        List<String> topics;
        try {
            List<String> asked = r.json() ? fromJsonTopics(r.http()) : r.form().all("topic");
            topics = asked.isEmpty() ? List.of() : service.topics(asked);
        } catch (UnknownTopicException e) {
            return r.json() ? resumePages.json(400, "UNKNOWN_TOPIC", e.getMessage()) : resumePages.page(400, pages.problems().request(l));
        } catch (HttpRequestException e) {
            return resumePages.json(e.status(), "MALFORMED", e.getMessage());
        }
        String channel = r.json() ? OptInEvidence.API : OptInEvidence.FORM;
        OptInEvidence evidence = OptInEvidence.shown(channel, topics.isEmpty() ? pages.resumeWording(l) : pages.wording(l, topics))
                .from(r.http().sourceIp(), r.http().userAgent(), ipRetention);
        try {
            SubscribeService.Result result = topics.isEmpty()
                    ? service.requestResume(r.token().address(), l.code(), evidence, r.http().sourceIp(), publicBaseUrl + CONFIRM_PATH)
                    : service.request(r.token().address(), topics, l.code(), evidence, r.http().sourceIp(), publicBaseUrl + CONFIRM_PATH);
            log.metrics(r.requestId(), "resume-requested", Map.of("result", result.name(), "addressKey", r.addressKey()),
                    Map.of("ConfirmationsSent", result == SubscribeService.Result.SENT ? 1 : 0), Map.of());
        } catch (ConfirmationMailer.MailNotSentException e) {
            log.error(r.requestId(), "resume-failed", Map.of("error", String.valueOf(e.getMessage()), "addressKey", r.addressKey()));
            return r.json() ? resumePages.json(503, "UNAVAILABLE", "please retry in a few minutes: nothing was recorded")
                    : resumePages.page(503, pages.problems().store(l));
        }
        String said = topics.isEmpty() ? "resume.sent.body" : "inbox.body";
        if (r.json()) {
            return HttpResponses.json(202, LightJson.write(Map.of("status", "pending", "message", pages.messages().text(l, said))));
        }
        return resumePages.page(200, topics.isEmpty() ? pages.resumeSent(l) : pages.inbox(l));
    }

    /** {@code {"topics": ["events"]}} (optional: none asks for the resume after a complaint). */
    private static List<String> fromJsonTopics(HttpRequest request) {
        Object root;
        try {
            root = request.bodyText().isBlank() ? Map.of() : LightJson.parse(request.bodyText());
        } catch (IOException e) {
            throw new HttpRequestException(400, "the body is not JSON: send {} or {\"topics\": [\"...\"]}");
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new HttpRequestException(400, "send {} or {\"topics\": [\"...\"]}");
        }
        List<String> topics = new ArrayList<>();
        if (m.get("topics") instanceof List<?> list) {
            for (Object t : list) {
                if (!(t instanceof String id)) {
                    throw new HttpRequestException(400, "topics is a list of topic ids");
                }
                topics.add(id);
            }
        } else if (m.get("topics") != null) {
            throw new HttpRequestException(400, "topics is a list of topic ids");
        }
        return topics;
    }

    // ---------------------------------------------------------------- GET/POST /c/{token}

    private APIGatewayV2HTTPResponse confirm(LinkPageRequest r) {
        Language l = r.language();
        if (r.method().equals("GET")) {
            Optional<PendingOptIns.Pending> pending = service.pendingFor(r.token());
            if (pending.isEmpty()) {
                return confirmPages.page(410, pages.gone(l));
            }
            if (pending.get().confirmedAt() != null) {
                return confirmPages.page(200, pages.confirmed(l, pending.get().topics()));
            }
            return confirmPages.page(200, pages.confirm(l, r.token().address().masked(), pending.get().topics(), r.formToken()));
        }
        try {
            Optional<List<String>> confirmed = service.confirm(r.token(), r.http().sourceIp(), r.http().userAgent(), ipRetention);
            if (confirmed.isEmpty()) {
                return confirmPages.page(410, pages.gone(l));
            }
            log.metrics(r.requestId(), "optin-confirmed", Map.of("addressKey", r.addressKey(), "topics", confirmed.get()),
                    Map.of("OptInsConfirmed", 1), Map.of());
            return confirmPages.page(200, pages.confirmed(l, confirmed.get()));
        } catch (SubscribeService.Locked e) {
            log.warn(r.requestId(), "optin-refused", Map.of("code", e.lock().name(), "addressKey", r.addressKey()));
            return confirmPages.page(409, pages.locked(l));
        }
    }
}
