package dev.optout.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.observability.EventLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Representative input for priming the functions before a SnapStart snapshot: requests about an
 * address that can never receive mail, made only through paths that write nothing. Whatever
 * priming produces (pages, sealed tokens, check answers) is discarded: never logged, stored or sent.
 */
public final class Priming {
    /** RFC 2606 reserves .invalid: no one can own this address, so no lookup of it finds anyone. */
    public static final EmailAddress ADDRESS = AddressParser.parseOrNull("snapstart-priming@priming.invalid");

    /**
     * Recipients of a primed check, all at the reserved .invalid domain, in the shapes real lists hold:
     * plain, with a display name, upper case, an internationalized domain (IDNA), and one that is not
     * an address at all.
     */
    public static final List<String> CHECK_RECIPIENTS = List.of(ADDRESS.value(), "Priming <snapstart-priming@priming.invalid>",
            "SNAPSTART-PRIMING@Priming.Invalid", "snapstart-priming@bücher.invalid", "not-an-address");

    /** Page languages the functions offer, as browsers ask for them. */
    public static final List<String> ACCEPT_LANGUAGES = List.of("en-US,en;q=0.9", "id-ID,id;q=0.9,en;q=0.5");

    private Priming() {
    }

    /** A log that writes nowhere: priming runs the logging code without a line reaching the logs or the metrics. */
    public static EventLog discardingLog(String function) {
        return new EventLog(function, new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8), Clock.systemUTC());
    }

    /** Runs the log's JSON and metrics code once, writing nowhere. */
    public static void primeLogging(String function) {
        EventLog log = discardingLog(function);
        log.info("snapstart-priming", "snapstart-priming", Map.of("addressKey", "priming", "count", 1));
        log.metrics("snapstart-priming", "snapstart-priming", Map.of("source", "priming"), Map.of("Priming", 1),
                Map.of("Source", "priming"));
    }

    /** An HTTP API (payload 2.0) GET of {@code path + token}, as API Gateway sends it from a browser or an API client. */
    public static APIGatewayV2HTTPEvent get(String path, String token, String accept, String acceptLanguage) {
        APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod("GET");
        http.setPath(path + token);
        http.setProtocol("HTTP/1.1");
        http.setSourceIp("192.0.2.1");
        http.setUserAgent("optout-priming");
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setRequestId("snapstart-priming");
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey("GET " + path + "{token}");
        event.setRawPath(path + token);
        event.setRawQueryString("");
        event.setHeaders(Map.of("accept", accept, "accept-language", acceptLanguage, "user-agent", "optout-priming"));
        event.setPathParameters(Map.of("token", token));
        event.setRequestContext(context);
        return event;
    }

    /** Fails the snapshot (so the version is not published) when priming did not get the answer a user would. */
    public static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("SnapStart priming failed: " + what);
        }
    }
}
