package dev.optout.localaws;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function} of template.yaml, with SAM's {@code Globals.Function}
 * merged in as SAM merges them (function values win; maps such as environment variables merge).
 * Values are as written: intrinsics stay {@link Template.Tagged} until {@link Intrinsics} resolves them.
 *
 * @param logicalId   e.g. {@code PresendCheckFunction}
 * @param handler     the Handler string, {@code class::method}
 * @param codeUri     the CodeUri, relative to the repository root (the shaded function jar)
 * @param memorySize  MemorySize in MB
 * @param timeout     Timeout in seconds
 * @param environment Environment.Variables, unresolved
 * @param events      the function's event sources (HttpApi, SQS...), by event name
 */
public record FunctionDefinition(String logicalId, String handler, String codeUri, int memorySize, int timeout,
                                 Map<String, Object> environment, Map<String, EventSource> events) {

    public static final String TYPE = "AWS::Serverless::Function";

    /** One entry of a function's {@code Events}: its Type and Properties. */
    public record EventSource(String name, String type, Map<String, Object> properties) {
        public String string(String property) {
            Object v = properties.get(property);
            return v == null ? null : v.toString();
        }
    }

    /** Every function in template order. */
    @SuppressWarnings("unchecked")
    public static List<FunctionDefinition> all(Template template) {
        Map<String, Object> globals = (Map<String, Object>) ((Map<String, Object>) template.root()
                .getOrDefault("Globals", Map.of())).getOrDefault("Function", Map.of());
        List<FunctionDefinition> out = new ArrayList<>();
        template.resourcesOfType(TYPE).forEach((id, resource) -> {
            Map<String, Object> props = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            Map<String, Object> env = new LinkedHashMap<>(variables(globals));
            env.putAll(variables(props));
            Map<String, EventSource> events = new LinkedHashMap<>();
            ((Map<String, Object>) props.getOrDefault("Events", Map.of())).forEach((name, e) -> {
                Map<String, Object> event = (Map<String, Object>) e;
                events.put(name, new EventSource(name, (String) event.get("Type"),
                        (Map<String, Object>) event.getOrDefault("Properties", Map.of())));
            });
            out.add(new FunctionDefinition(id, (String) value(props, globals, "Handler"),
                    (String) value(props, globals, "CodeUri"),
                    number(value(props, globals, "MemorySize"), 128), number(value(props, globals, "Timeout"), 3),
                    Collections.unmodifiableMap(env), Collections.unmodifiableMap(events)));
        });
        return out;
    }

    public static FunctionDefinition named(Template template, String logicalId) {
        return all(template).stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalStateException(template.path() + " declares no function " + logicalId));
    }

    /** The handler class name (before {@code ::}). */
    public String handlerClass() {
        int i = handler.indexOf("::");
        return i < 0 ? handler : handler.substring(0, i);
    }

    /** The handler method name (after {@code ::}; Lambda's default is handleRequest). */
    public String handlerMethod() {
        int i = handler.indexOf("::");
        return i < 0 ? "handleRequest" : handler.substring(i + 2);
    }

    /** The function's jar: CodeUri under the repository root. */
    public Path jar(Path projectRoot) {
        return projectRoot.resolve(codeUri).normalize();
    }

    /**
     * The function's Maven module directory: CodeUri {@code functions/x/target/function.jar} lives
     * in module {@code functions/x}.
     */
    public Path moduleDirectory(Path projectRoot) {
        Path jar = jar(projectRoot);
        return jar.getParent() != null && jar.getParent().getFileName().toString().equals("target")
                ? jar.getParent().getParent() : jar.getParent();
    }

    /** Event sources of one type ({@code HttpApi}, {@code SQS}, {@code Api}...). */
    public List<EventSource> eventsOfType(String type) {
        return events.values().stream().filter(e -> type.equals(e.type())).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> variables(Map<String, Object> props) {
        Map<String, Object> env = (Map<String, Object>) props.get("Environment");
        return env == null ? Map.of() : (Map<String, Object>) env.getOrDefault("Variables", Map.of());
    }

    private static Object value(Map<String, Object> props, Map<String, Object> globals, String name) {
        return props.containsKey(name) ? props.get(name) : globals.get(name);
    }

    private static int number(Object o, int defaultValue) {
        return o == null ? defaultValue : Integer.parseInt(o.toString());
    }
}
