package dev.optout.function.preferences;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.SampleLinks;
import dev.optout.observability.EventLog;
import dev.optout.pending.PendingChanges;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.formtoken.FormTokens;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import dev.optout.web.Language;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** The handler over a fresh moto table, with the test link key the sample events were sealed with. */
final class Fixture {
    /** The sample events' key (events/preferences/README.md): 32 bytes of 0x07, id "test1". */
    static final String LINK_KEYS_JSON = SampleLinks.LINK_KEYS_JSON;
    static final LinkKeys KEYS = LinkKeys.parse(LINK_KEYS_JSON);
    static final FormTokens FORM_TOKENS = new FormTokens(KEYS);
    static final AddressKeys ADDRESS_KEYS = new AddressKeys(new byte[32]);
    static final String BASE_URL = SampleLinks.BASE_URL;
    /** The day after the sample token was issued. */
    static final Instant NOW = Instant.parse("2026-11-02T09:15:00Z");
    static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");
    static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    /** The link token of every sample event but bad-token.json. */
    static final String TOKEN = event("get-html.json").getPathParameters().get("token");

    final LocalAws aws;
    final StoreFixture storeFixture;
    final String table;
    final SuppressionStore store;
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    Fixture(LocalAws aws) {
        this.aws = aws;
        this.storeFixture = StoreFixture.on(aws, ADDRESS_KEYS, Clock.systemUTC());
        this.table = storeFixture.table();
        this.store = storeFixture.store();
    }

    PreferencesHandler handler() {
        return handler(NOW, store);
    }

    PreferencesHandler handler(Instant now, SuppressionStore store) {
        return handler(now, store, PendingChanges.NONE);
    }

    PreferencesHandler handler(Instant now, SuppressionStore store, PendingChanges pending) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new PreferencesHandler(new TokenOpener(KEYS, TokenOpener.DEFAULT_LIFETIME, clock), FORM_TOKENS,
                new PreferenceCenter(store, TopicCatalog.bundled(), pending), ADDRESS_KEYS, BASE_URL, Language.EN, clock,
                new EventLog("preferences", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    /** Seals links issued now with the test key. */
    TokenSealer sealer() {
        return new TokenSealer(KEYS, Clock.systemUTC());
    }

    static APIGatewayV2HTTPEvent event(String name) {
        APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(ProjectRoot.find().resolve("events/preferences/" + name).toString());
        e.setHeaders(new HashMap<>(e.getHeaders())); // editable in tests
        return e;
    }

    /** The sample page form POST with another body (the form token added unless the body names one). */
    static APIGatewayV2HTTPEvent pagePost(String body) {
        APIGatewayV2HTTPEvent e = event("post-form.json");
        e.setBody(body.contains("form-token=") ? body : body + "&form-token=" + FORM_TOKENS.form(TOKEN));
        return e;
    }

    /** The sample PUT with another JSON body. */
    static APIGatewayV2HTTPEvent put(String json) {
        APIGatewayV2HTTPEvent e = event("put-json.json");
        e.setBody(json);
        return e;
    }

    /** An event for another link token. */
    static APIGatewayV2HTTPEvent onToken(APIGatewayV2HTTPEvent e, String token) {
        e.setRawPath("/p/" + token);
        e.setPathParameters(Map.of("token", token));
        e.getRequestContext().getHttp().setPath("/p/" + token);
        if (e.getBody() != null) {
            e.setBody(e.getBody().replace(FORM_TOKENS.form(TOKEN), FORM_TOKENS.form(token)));
        }
        return e;
    }
}
