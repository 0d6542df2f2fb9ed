package dev.optout.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.json.JsonFields;
import dev.optout.json.LightJson;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP API's payload format 2.0 (the event API Gateway sends, the response it reads back) with
 * jackson-core's streaming parser. The page functions are {@code RequestStreamHandler}s that use
 * this instead of the Java runtime's POJO serialization, which binds events through its own Jackson
 * databind and reflection on first use: a few hundred milliseconds of every cold start that no
 * function code can prime. The events are still aws-lambda-java-events' objects. Not read: the
 * request context's {@code authorizer} and {@code authentication} (no route here has an authorizer).
 */
public final class HttpApiEventJson {
    private HttpApiEventJson() {
    }

    /** Reads the event API Gateway sends; a payload that is not one is an {@link IOException} (a 500 at the gateway). */
    public static APIGatewayV2HTTPEvent readEvent(InputStream in) throws IOException {
        Map<String, Object> o = JsonFields.object(LightJson.parse(in), "the HTTP API event");
        APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
        e.setVersion(JsonFields.string(o, "version"));
        e.setRouteKey(JsonFields.string(o, "routeKey"));
        e.setRawPath(JsonFields.string(o, "rawPath"));
        e.setRawQueryString(JsonFields.string(o, "rawQueryString"));
        e.setCookies(JsonFields.strings(o, "cookies"));
        e.setHeaders(JsonFields.stringMap(o, "headers"));
        e.setQueryStringParameters(JsonFields.stringMap(o, "queryStringParameters"));
        e.setPathParameters(JsonFields.stringMap(o, "pathParameters"));
        e.setStageVariables(JsonFields.stringMap(o, "stageVariables"));
        e.setBody(JsonFields.string(o, "body"));
        e.setIsBase64Encoded(JsonFields.bool(o, "isBase64Encoded", false));
        Map<String, Object> c = JsonFields.object(o, "requestContext");
        if (c != null) {
            APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
            context.setRouteKey(JsonFields.string(c, "routeKey"));
            context.setAccountId(JsonFields.string(c, "accountId"));
            context.setStage(JsonFields.string(c, "stage"));
            context.setApiId(JsonFields.string(c, "apiId"));
            context.setDomainName(JsonFields.string(c, "domainName"));
            context.setDomainPrefix(JsonFields.string(c, "domainPrefix"));
            context.setTime(JsonFields.string(c, "time"));
            context.setTimeEpoch(JsonFields.integer(c, "timeEpoch", 0));
            context.setRequestId(JsonFields.string(c, "requestId"));
            Map<String, Object> h = JsonFields.object(c, "http");
            if (h != null) {
                APIGatewayV2HTTPEvent.RequestContext.Http http = new APIGatewayV2HTTPEvent.RequestContext.Http();
                http.setMethod(JsonFields.string(h, "method"));
                http.setPath(JsonFields.string(h, "path"));
                http.setProtocol(JsonFields.string(h, "protocol"));
                http.setSourceIp(JsonFields.string(h, "sourceIp"));
                http.setUserAgent(JsonFields.string(h, "userAgent"));
                context.setHttp(http);
            }
            e.setRequestContext(context);
        }
        return e;
    }

    /** Writes the response API Gateway reads (payload format 2.0). */
    public static void writeResponse(APIGatewayV2HTTPResponse r, OutputStream out) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("statusCode", r.getStatusCode());
        JsonFields.putIfSet(o, "headers", r.getHeaders());
        JsonFields.putIfSet(o, "multiValueHeaders", r.getMultiValueHeaders());
        JsonFields.putIfSet(o, "cookies", r.getCookies());
        JsonFields.putIfSet(o, "body", r.getBody());
        o.put("isBase64Encoded", r.getIsBase64Encoded());
        LightJson.write(o, out);
    }

    /** Reads a response as API Gateway does (priming checks its own answers; tests). */
    public static APIGatewayV2HTTPResponse readResponse(byte[] json) throws IOException {
        Map<String, Object> o = JsonFields.object(LightJson.parse(new String(json, StandardCharsets.UTF_8)), "the HTTP API response");
        APIGatewayV2HTTPResponse r = new APIGatewayV2HTTPResponse();
        r.setStatusCode((int) JsonFields.integer(o, "statusCode", 200));
        r.setHeaders(JsonFields.stringMap(o, "headers"));
        Map<String, Object> multi = JsonFields.object(o, "multiValueHeaders");
        if (multi != null) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String name : multi.keySet()) {
                m.put(name, JsonFields.strings(multi, name));
            }
            r.setMultiValueHeaders(m);
        }
        r.setCookies(JsonFields.strings(o, "cookies"));
        r.setBody(JsonFields.string(o, "body"));
        r.setIsBase64Encoded(JsonFields.bool(o, "isBase64Encoded", false));
        return r;
    }

    /** Writes an event as API Gateway sends it (priming: the handler's whole stream path, from bytes). */
    public static byte[] writeEvent(APIGatewayV2HTTPEvent e) {
        Map<String, Object> o = new LinkedHashMap<>();
        JsonFields.putIfSet(o, "version", e.getVersion());
        JsonFields.putIfSet(o, "routeKey", e.getRouteKey());
        JsonFields.putIfSet(o, "rawPath", e.getRawPath());
        JsonFields.putIfSet(o, "rawQueryString", e.getRawQueryString());
        JsonFields.putIfSet(o, "cookies", e.getCookies());
        JsonFields.putIfSet(o, "headers", e.getHeaders());
        JsonFields.putIfSet(o, "queryStringParameters", e.getQueryStringParameters());
        JsonFields.putIfSet(o, "pathParameters", e.getPathParameters());
        JsonFields.putIfSet(o, "stageVariables", e.getStageVariables());
        JsonFields.putIfSet(o, "body", e.getBody());
        o.put("isBase64Encoded", e.getIsBase64Encoded());
        APIGatewayV2HTTPEvent.RequestContext c = e.getRequestContext();
        if (c != null) {
            Map<String, Object> context = new LinkedHashMap<>();
            JsonFields.putIfSet(context, "routeKey", c.getRouteKey());
            JsonFields.putIfSet(context, "accountId", c.getAccountId());
            JsonFields.putIfSet(context, "stage", c.getStage());
            JsonFields.putIfSet(context, "apiId", c.getApiId());
            JsonFields.putIfSet(context, "domainName", c.getDomainName());
            JsonFields.putIfSet(context, "domainPrefix", c.getDomainPrefix());
            JsonFields.putIfSet(context, "time", c.getTime());
            context.put("timeEpoch", c.getTimeEpoch());
            JsonFields.putIfSet(context, "requestId", c.getRequestId());
            if (c.getHttp() != null) {
                Map<String, Object> http = new LinkedHashMap<>();
                JsonFields.putIfSet(http, "method", c.getHttp().getMethod());
                JsonFields.putIfSet(http, "path", c.getHttp().getPath());
                JsonFields.putIfSet(http, "protocol", c.getHttp().getProtocol());
                JsonFields.putIfSet(http, "sourceIp", c.getHttp().getSourceIp());
                JsonFields.putIfSet(http, "userAgent", c.getHttp().getUserAgent());
                context.put("http", http);
            }
            o.put("requestContext", context);
        }
        return LightJson.write(o).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One invocation the way Lambda makes it: the event written as API Gateway sends it, through the
     * handler's stream entry point, its answer read back. Priming uses it, so that the JSON path is
     * primed too; tests use it to go through what is deployed.
     */
    public static APIGatewayV2HTTPResponse invoke(RequestStreamHandler handler, APIGatewayV2HTTPEvent event, Context context) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            handler.handleRequest(new ByteArrayInputStream(writeEvent(event)), out, context);
            return readResponse(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
