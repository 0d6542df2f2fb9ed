package dev.optout.function.unsubscribe;

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
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.formtoken.FormTokens;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.web.Language;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;

/** The handler over a fresh moto table, with the test link key the sample events were sealed with. */
final class Fixture {
    /** The sample events' key (events/unsubscribe/README.md): 32 bytes of 0x07, id "test1". */
    static final String LINK_KEYS_JSON = SampleLinks.LINK_KEYS_JSON;
    static final LinkKeys KEYS = LinkKeys.parse(LINK_KEYS_JSON);
    static final FormTokens FORM_TOKENS = new FormTokens(KEYS);
    static final AddressKeys ADDRESS_KEYS = new AddressKeys(filled(3));
    static final String BASE_URL = SampleLinks.BASE_URL;
    /** The day after the sample tokens were issued. */
    static final Instant NOW = Instant.parse("2026-11-02T09:15:00Z");
    static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    static final EmailAddress BUDI = AddressParser.parseOrNull("budi@example.co.id");

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

    UnsubscribeHandler handler() {
        return handler(NOW);
    }

    UnsubscribeHandler handler(Instant now) {
        return handler(now, store);
    }

    UnsubscribeHandler handler(Instant now, SuppressionStore store) {
        return handler(now, store, PendingChanges.NONE);
    }

    UnsubscribeHandler handler(Instant now, SuppressionStore store, PendingChanges pending) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new UnsubscribeHandler(new TokenOpener(KEYS, TokenOpener.DEFAULT_LIFETIME, clock), FORM_TOKENS,
                new UnsubscribeService(store, pending, clock, dev.optout.suppression.ExpiryPolicy.DEFAULT), ADDRESS_KEYS, TopicCatalog.bundled(), BASE_URL, Language.EN,
                new EventLog("unsubscribe", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    TokenSealer sealer(Instant issuedAt) {
        return new TokenSealer(KEYS, Clock.fixed(issuedAt, ZoneOffset.UTC));
    }

    static APIGatewayV2HTTPEvent event(String name) {
        return EventLoader.loadApiGatewayHttpEvent(ProjectRoot.find().resolve("events/unsubscribe/" + name).toString());
    }

    /** A page POST like the browser sends it: the page's form token added unless the body names one. */
    static APIGatewayV2HTTPEvent pagePost(String token, String body) {
        APIGatewayV2HTTPEvent e = event("page-confirm-post.json");
        e.setRawPath("/u/" + token);
        e.setPathParameters(Map.of("token", token));
        e.getRequestContext().getHttp().setPath("/u/" + token);
        e.setHeaders(new java.util.HashMap<>(e.getHeaders()));
        e.setBody(body.contains("form-token=") ? body : body + "&form-token=" + FORM_TOKENS.form(token));
        return e;
    }

    static APIGatewayV2HTTPEvent oneClick(String token) {
        APIGatewayV2HTTPEvent e = event("one-click-post-urlencoded.json");
        e.setRawPath("/u/" + token);
        e.setPathParameters(Map.of("token", token));
        e.getRequestContext().getHttp().setPath("/u/" + token);
        return e;
    }

    static String tokenOf(APIGatewayV2HTTPEvent e) {
        return e.getPathParameters().get("token");
    }

    private static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }
}
