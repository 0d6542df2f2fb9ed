package dev.optout.localaws.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One route of the template's HttpApi: {@code GET /u/{token}} to a function. Path parameters
 * match one path segment ({@code {name}}) or, greedy, the rest ({@code {name+}}), as in API Gateway.
 */
public record HttpApiRoute(String method, String path, String functionId, Pattern pattern, List<String> parameters) {

    public static HttpApiRoute of(String method, String path, String functionId) {
        StringBuilder regex = new StringBuilder("^");
        List<String> params = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}+]+)(\\+?)}").matcher(path);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(path.substring(last, m.start())));
            regex.append(m.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(path.substring(last))).append("$");
        return new HttpApiRoute(method.toUpperCase(), path, functionId, Pattern.compile(regex.toString()), List.copyOf(params));
    }

    /** API Gateway's route key, e.g. {@code GET /u/{token}}. */
    public String routeKey() {
        return method + " " + path;
    }

    /** The path parameters when this route matches, else null. Values stay as sent (percent-encoded). */
    public Map<String, String> match(String method, String rawPath) {
        if (!this.method.equals("ANY") && !this.method.equalsIgnoreCase(method)) {
            return null;
        }
        Matcher m = pattern.matcher(rawPath);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            values.put(parameters.get(i), m.group(i + 1));
        }
        return values;
    }
}
