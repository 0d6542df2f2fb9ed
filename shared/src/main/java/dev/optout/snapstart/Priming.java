package dev.optout.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
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

    /**
     * An RFC 8058 one-click POST of {@code path + token}, as a mail client sends it. Only for a
     * {@link DryRun}: it is an opt-out.
     */
    public static APIGatewayV2HTTPEvent oneClick(String path, String token) {
        APIGatewayV2HTTPEvent event = get(path, token, "*/*", "en");
        event.getRequestContext().getHttp().setMethod("POST");
        event.setRouteKey("POST " + path + "{token}");
        event.setHeaders(Map.of("content-type", "application/x-www-form-urlencoded", "user-agent", "optout-priming"));
        event.setBody("List-Unsubscribe=One-Click");
        return event;
    }

    /**
     * A priming input kept as a resource beside {@code owner} (a JSON sample as AWS sends it), with
     * {@code ${PRIMING_ADDRESS}} replaced by {@link #ADDRESS}.
     *
     * @throws IllegalStateException when the resource is missing: the snapshot must not be published
     */
    public static String input(Class<?> owner, String resource) {
        try (java.io.InputStream in = owner.getResourceAsStream(resource)) {
            expect(in != null, "priming input " + resource + " is missing beside " + owner.getName());
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("${PRIMING_ADDRESS}", ADDRESS.value());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("SnapStart priming failed: " + resource + " unreadable: " + e.getMessage(), e);
        }
    }

    /** Fails the snapshot (so the version is not published) when priming did not get the answer a user would. */
    public static void expect(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("SnapStart priming failed: " + what);
        }
    }
}
