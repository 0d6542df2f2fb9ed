package dev.optout.localaws.http;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.optout.localaws.LambdaLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Serves an API Gateway HTTP API (payload 2.0) handler on a loopback port, in the test JVM: each
 * request becomes the event API Gateway would send ({@link HttpApiEvents}, the same translation
 * the local runtime's gateway uses), which goes as JSON to the handler's stream entry point, as in
 * Lambda; its JSON answer becomes the HTTP response. For browser tests; never deployed.
 *
 * <pre>
 * try (var server = LambdaHttpServer.start(handler, "GET /u/{token}", "POST /u/{token}")) {
 *     driver.get(server.baseUri() + "/u/" + token);
 * }
 * </pre>
 */
public final class LambdaHttpServer implements AutoCloseable {
    static {
        // The JDK server writes a response's headers and body as two segments; with Nagle's
        // algorithm the second waits for the client's delayed ACK (about 40 ms on Linux), which
        // caps a keep-alive connection near 25 requests/s. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    /** The event's JSON, as API Gateway sends it, to the response's JSON, as it reads it back. */
    private final Function<byte[], byte[]> handler;
    private final List<HttpApiRoute> routes = new ArrayList<>();

    private LambdaHttpServer(HttpServer server, Function<byte[], byte[]> handler, String[] routeKeys) {
        this.server = server;
        this.handler = handler;
        for (String key : routeKeys) {
            int space = key.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("route key must be 'METHOD /path', got " + key);
            }
            routes.add(HttpApiRoute.of(key.substring(0, space), key.substring(space + 1), null));
        }
    }

    /**
     * A {@code RequestStreamHandler} (the page functions as Lambda calls them): the event's JSON goes
     * to its stream entry point as API Gateway sends it, and its JSON answer back, with no
     * serialization in between, as in AWS. {@code threads} requests are handled at once.
     */
    public static LambdaHttpServer start(RequestStreamHandler handler, int threads, String... routeKeys) {
        return serve(json -> {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            try {
                handler.handleRequest(new ByteArrayInputStream(json), payload, null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return payload.toByteArray();
        }, threads, routeKeys);
    }

    /** Starts on a free port of 127.0.0.1, 4 requests at once. Route keys as in API Gateway: {@code "POST /u/{token}"}, {@code "ANY /p/{token}"}. */
    public static LambdaHttpServer start(RequestStreamHandler handler, String... routeKeys) {
        return start(handler, 4, routeKeys);
    }

    private static LambdaHttpServer serve(Function<byte[], byte[]> handler, int threads, String... routeKeys) {
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
            String path = exchange.getRequestURI().getRawPath();
            for (HttpApiRoute route : routes) {
                Map<String, String> params = route.match(exchange.getRequestMethod(), path);
                if (params != null) {
                    answer(exchange, route, params);
                    return;
                }
            }
            send(exchange, 404, Map.of("content-type", List.of("application/json")), "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
        }
    }

    private void answer(HttpExchange exchange, HttpApiRoute route, Map<String, String> params) throws IOException {
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("127.0.0.1");
        byte[] body = exchange.getRequestBody().readNBytes(LambdaLimits.HTTP_API_REQUEST_MAX + 1);
        if (body.length > LambdaLimits.HTTP_API_REQUEST_MAX) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            send(exchange, 413, Map.of("content-type", List.of("text/plain; charset=utf-8")),
                    LambdaLimits.HTTP_API_BODY_TOO_LARGE.getBytes(StandardCharsets.UTF_8));
            return;
        }
        HttpApiEvents.Request request = new HttpApiEvents.Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), host, UUID.randomUUID().toString(), Instant.now());
        byte[] event = HttpApiEvents.event(request, route, params);
        if (LambdaLimits.checkRequest(event.length, LambdaLimits.InvocationType.REQUEST_RESPONSE).isPresent()) {
            send(exchange, 413, Map.of("content-type", List.of("application/json"), "x-amzn-ErrorType", List.of("BadRequestException")),
                    LambdaLimits.HTTP_API_EVENT_TOO_LARGE.getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] payload;
        try {
            payload = handler.apply(event);
            if (LambdaLimits.responseTooLarge(payload.length)) {
                throw new IllegalStateException(LambdaLimits.RESPONSE_TOO_LARGE_TYPE);
            }
        } catch (RuntimeException e) {
            // What API Gateway answers when the integration fails.
            send(exchange, 500, Map.of("content-type", List.of("application/json")),
                    "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        HttpApiEvents.Response r = HttpApiEvents.response(payload);
        send(exchange, r.status(), r.headers(), r.body());
    }

    private static void send(HttpExchange x, int status, Map<String, List<String>> headers, byte[] body) throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().put(k, v));
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
