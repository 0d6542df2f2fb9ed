package dev.optout.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.optout.localaws.LambdaLimits;
import dev.optout.localaws.http.HttpApiEvents;
import dev.optout.localaws.http.HttpApiRoute;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local HTTP endpoint, on one loopback port:
 * <ul>
 *   <li>the template's HttpApi routes, as API Gateway serves them (payload format 2.0);</li>
 *   <li>Lambda's Invoke API, {@code POST /2015-03-31/functions/{FunctionName}/invocations}, with
 *       function names = the template's logical ids (a function ARN or {@code name:qualifier} works too),
 *       so the AWS SDK's LambdaClient and {@code aws lambda invoke --endpoint-url} work unchanged.</li>
 * </ul>
 * A function the template declares but whose jar is not built answers a clear 503 (routes) or
 * 404 ResourceNotFoundException (invoke API) naming the missing jar.
 */
final class LocalGateway implements AutoCloseable {
    private static final Pattern INVOKE = Pattern.compile("^/2015-03-31/functions/([^/]+)/invocations/?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Functions by logical id: running, or absent with the reason. */
    interface Functions {
        Optional<FunctionProcess> running(String logicalId);

        /** Why a declared function is not running, or null when the template does not declare it. */
        String absence(String logicalId);
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "optout-local-http");
        t.setDaemon(true);
        return t;
    });
    private final List<HttpApiRoute> routes;
    private final Functions functions;
    private final Consumer<String> log;

    LocalGateway(HttpServer server, List<HttpApiRoute> routes, Functions functions, Consumer<String> log) {
        this.server = server;
        this.routes = routes;
        this.functions = functions;
        this.log = log;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            Matcher invoke = INVOKE.matcher(path);
            if (invoke.matches() && exchange.getRequestMethod().equals("POST")) {
                invokeApi(exchange, URLDecoder.decode(invoke.group(1), StandardCharsets.UTF_8));
                return;
            }
            for (HttpApiRoute route : routes) {
                Map<String, String> params = route.match(exchange.getRequestMethod(), path);
                if (params != null) {
                    route(exchange, route, params);
                    return;
                }
            }
            // API Gateway's own answer for no matching route
            send(exchange, 404, Map.of("content-type", "application/json"), "{\"message\":\"Not Found\"}");
        } catch (RuntimeException e) {
            log.accept("request failed: " + e);
            send(exchange, 500, Map.of("content-type", "application/json"), "{\"message\":\"Internal Server Error\"}");
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, HttpApiRoute route, Map<String, String> params) throws IOException {
        Optional<FunctionProcess> function = functions.running(route.functionId());
        if (function.isEmpty()) {
            send(exchange, 503, Map.of("content-type", "application/json"), JSON.writeValueAsString(Map.of(
                    "message", "Service Unavailable: " + route.routeKey() + " is served by " + route.functionId()
                            + ", which is not running locally: " + functions.absence(route.functionId()))));
            return;
        }
        String requestId = UUID.randomUUID().toString();
        String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host"))
                .orElse("127.0.0.1:" + port());
        byte[] body = readBody(exchange, LambdaLimits.HTTP_API_REQUEST_MAX);
        if (body == null) {
            // API Gateway's own refusal of a body over its 10 MiB payload quota: the function never runs.
            send(exchange, 413, Map.of("content-type", "text/plain; charset=utf-8"), LambdaLimits.HTTP_API_BODY_TOO_LARGE);
            return;
        }
        HttpApiEvents.Request request = new HttpApiEvents.Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), host, requestId, Instant.now());
        FunctionProcess.Invocation result;
        try {
            result = function.get().invoke(HttpApiEvents.event(request, route, params), requestId);
        } catch (LambdaLimits.RequestTooLargeException e) {
            // The event (body, base64 where binary, plus headers) is over Lambda's 6 MiB: API Gateway
            // answers what Lambda refused.
            log.accept(route.functionId() + " refused on " + route.routeKey() + ": " + e.getMessage());
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "BadRequestException");
            send(exchange, 413, Map.of("content-type", "application/json"), LambdaLimits.HTTP_API_EVENT_TOO_LARGE);
            return;
        }
        if (result.failed()) {
            log.accept(route.functionId() + " failed on " + route.routeKey() + ": " + result.payloadText());
            // API Gateway hides function errors behind a 500
            send(exchange, 500, Map.of("content-type", "application/json"), "{\"message\":\"Internal Server Error\"}");
            return;
        }
        HttpApiEvents.Response response = HttpApiEvents.response(result.payload());
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        writeBody(exchange, response.status(), response.body());
    }

    private void invokeApi(HttpExchange exchange, String name) throws IOException {
        String logicalId = functionName(name);
        byte[] payload = exchange.getRequestBody().readAllBytes();
        Optional<FunctionProcess> function = functions.running(logicalId);
        if (function.isEmpty()) {
            String absence = functions.absence(logicalId);
            String message = absence == null ? "Function not found: " + name + " (template.yaml declares no function " + logicalId + ")"
                    : "Function not found locally: " + logicalId + " is not running: " + absence;
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
            send(exchange, 404, Map.of("content-type", "application/json"),
                    JSON.writeValueAsString(Map.of("Type", "User", "message", message)));
            return;
        }
        String requestId = UUID.randomUUID().toString();
        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
        LambdaLimits.InvocationType type;
        try {
            type = LambdaLimits.InvocationType.of(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
        } catch (IllegalArgumentException e) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", "InvalidParameterValueException");
            send(exchange, 400, Map.of("content-type", "application/json"),
                    JSON.writeValueAsString(Map.of("Type", "User", "message", e.getMessage())));
            return;
        }
        // Lambda checks the payload against the invocation type's limit before anything runs.
        Optional<LambdaLimits.Refusal> refusal = LambdaLimits.checkRequest(payload.length, type);
        if (refusal.isPresent()) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", refusal.get().errorType());
            exchange.getResponseHeaders().set("content-type", "application/json");
            writeBody(exchange, refusal.get().status(), refusal.get().body());
            return;
        }
        exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
        if (type == LambdaLimits.InvocationType.DRY_RUN) {
            writeBody(exchange, 204, new byte[0]);
            return;
        }
        if (type == LambdaLimits.InvocationType.EVENT) {
            executor.submit(() -> function.get().invoke(payload, requestId));
            writeBody(exchange, 202, new byte[0]);
            return;
        }
        FunctionProcess.Invocation result = function.get().invoke(payload, requestId);
        if (result.failed()) {
            exchange.getResponseHeaders().set("X-Amz-Function-Error", result.functionError());
        }
        exchange.getResponseHeaders().set("content-type", "application/json");
        writeBody(exchange, 200, result.payload());
    }

    /** The request body, or null when it is longer than {@code max} bytes (read no further than that). */
    private static byte[] readBody(HttpExchange exchange, int max) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(max + 1);
        if (body.length > max) {
            // read the rest, so that the client, still sending, gets the answer rather than a reset
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            return null;
        }
        return body;
    }

    /** Lambda accepts a name, a full or partial ARN, and an optional :qualifier (alias or version). */
    static String functionName(String name) {
        String n = name;
        int fn = n.indexOf("function:");
        if (fn >= 0) {
            n = n.substring(fn + "function:".length());
        }
        int colon = n.indexOf(':');
        return colon < 0 ? n : n.substring(0, colon);
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, String body) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        writeBody(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBody(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        }
    }

    static HttpServer bind(int port) throws IOException {
        // Without TCP_NODELAY a keep-alive client waits ~40 ms (delayed ACK) for each response body.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
