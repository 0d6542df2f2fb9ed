package dev.optout.localaws.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Serves an API Gateway HTTP API (payload 2.0) handler on a loopback port, translating each
 * request into an {@link APIGatewayV2HTTPEvent} the way API Gateway does (route key and path
 * parameters from route templates such as {@code "GET /u/{token}"}, lower-case headers, cookies,
 * query parameters, bodies base64-encoded unless textual) and the response back. For browser
 * tests and local runs; never deployed.
 *
 * <pre>
 * try (var server = LambdaHttpServer.start(e -&gt; handler.handleRequest(e, null), "GET /u/{token}", "POST /u/{token}")) {
 *     driver.get(server.baseUri() + "/u/" + token);
 * }
 * </pre>
 */
public final class LambdaHttpServer implements AutoCloseable {
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    static {
        // The JDK server writes a response's headers and body as two segments; with Nagle's
        // algorithm the second waits for the client's delayed ACK (about 40 ms on Linux), which
        // caps a keep-alive connection near 25 requests/s. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler;
    private final List<Route> routes = new ArrayList<>();

    private record Route(String method, String template, String[] segments) {
    }

    private LambdaHttpServer(HttpServer server, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, String[] routeKeys) {
        this.server = server;
        this.handler = handler;
        for (String key : routeKeys) {
            int space = key.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("route key must be 'METHOD /path', got " + key);
            }
            String template = key.substring(space + 1);
            routes.add(new Route(key.substring(0, space), template, template.split("/", -1)));
        }
    }

    /** Starts on a free port of 127.0.0.1. Route keys as in API Gateway: {@code "POST /u/{token}"}, {@code "ANY /p/{token}"}. */
    public static LambdaHttpServer start(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, String... routeKeys) {
        return start(handler, 4, routeKeys);
    }

    /** As {@link #start(Function, String...)}, with {@code threads} requests handled at once (like concurrent Lambda instances). */
    public static LambdaHttpServer start(Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, int threads,
                                         String... routeKeys) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            LambdaHttpServer l = new LambdaHttpServer(s, handler, routeKeys);
            s.createContext("/", l::serve);
            s.setExecutor(Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "lambda-http");
                t.setDaemon(true);
                return t;
            }));
            s.start();
            return l;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port", e);
        }
    }

    /** e.g. {@code http://127.0.0.1:43121} (no trailing slash). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> pathParameters = new LinkedHashMap<>();
            Route route = match(method, path, pathParameters);
            if (route == null) {
                send(exchange, 404, Map.of("Content-Type", "application/json"), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            APIGatewayV2HTTPResponse response;
            try {
                response = handler.apply(toEvent(exchange, method, path, route, pathParameters));
            } catch (RuntimeException e) {
                // What API Gateway answers when the integration fails.
                send(exchange, 500, Map.of("Content-Type", "application/json"),
                        "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (response.getHeaders() != null) {
                headers.putAll(response.getHeaders());
            }
            if (response.getCookies() != null) {
                response.getCookies().forEach(c -> exchange.getResponseHeaders().add("Set-Cookie", c));
            }
            if (response.getMultiValueHeaders() != null) {
                response.getMultiValueHeaders().forEach((k, vs) -> vs.forEach(v -> exchange.getResponseHeaders().add(k, v)));
            }
            String body = response.getBody() == null ? "" : response.getBody();
            byte[] bytes = response.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
            send(exchange, response.getStatusCode() == 0 ? 200 : response.getStatusCode(), headers, bytes);
        }
    }

    private Route match(String method, String path, Map<String, String> params) {
        String[] parts = path.split("/", -1);
        for (Route r : routes) {
            if (!(r.method().equals(method) || r.method().equals("ANY")) || r.segments().length != parts.length) {
                continue;
            }
            Map<String, String> found = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < parts.length && ok; i++) {
                String t = r.segments()[i];
                if (t.startsWith("{") && t.endsWith("}")) {
                    ok = !parts[i].isEmpty();
                    found.put(t.substring(1, t.length() - 1), URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
                } else {
                    ok = t.equals(parts[i]);
                }
            }
            if (ok) {
                params.putAll(found);
                return r;
            }
        }
        return null;
    }

    private static APIGatewayV2HTTPEvent toEvent(HttpExchange x, String method, String path, Route route,
                                                 Map<String, String> pathParameters) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        x.getRequestHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Cookie")) {
                values.forEach(v -> {
                    for (String c : v.split(";")) {
                        if (!c.isBlank()) {
                            cookies.add(c.strip());
                        }
                    }
                });
            } else {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values));
            }
        });
        String rawQuery = x.getRequestURI().getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.merge(k, v, (a, b) -> a + "," + b); // API Gateway joins repeated parameters with commas
            }
        }
        byte[] body;
        try (InputStream in = x.getRequestBody()) {
            body = in.readAllBytes();
        }
        boolean textual = isTextual(headers.get("content-type"));
        Instant now = Instant.now();
        String routeKey = route.method() + " " + route.template();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters)
                .withBody(body.length == 0 ? null : textual ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && !textual)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("000000000000")
                        .withApiId("local")
                        .withDomainName(headers.getOrDefault("host", "127.0.0.1"))
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTime(REQUEST_TIME.format(now))
                        .withTimeEpoch(now.toEpochMilli())
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol(x.getProtocol())
                                .withSourceIp(x.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    /** API Gateway passes these as text; everything else arrives base64-encoded. */
    private static boolean isTextual(String contentType) {
        if (contentType == null) {
            return true;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("text/") || t.startsWith("application/json") || t.startsWith("application/x-www-form-urlencoded")
                || t.startsWith("application/xml") || t.startsWith("application/javascript");
    }

    private static void send(HttpExchange x, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService e) {
            e.shutdownNow();
        }
    }
}
