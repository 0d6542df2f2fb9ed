package dev.optout.localaws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the CloudFormation intrinsics template.yaml uses in values ({@code !Ref},
 * {@code !GetAtt}, {@code !Sub}, {@code !Join}, {@code !Select}, {@code !Split}, {@code !If} with
 * a known condition), short or long form, against a table of names: {@code "SuppressionTable"} for
 * {@code !Ref SuppressionTable}, {@code "SesEventsQueue.Arn"} for {@code !GetAtt SesEventsQueue.Arn},
 * pseudo parameters such as {@code "AWS::Region"}. An unknown name is an error that names it:
 * the local runtime never guesses a value the template did not give.
 */
public final class Intrinsics {
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private final Map<String, String> names;
    private final Function<String, Boolean> conditions;

    public Intrinsics(Map<String, String> names, Function<String, Boolean> conditions) {
        this.names = Map.copyOf(names);
        this.conditions = conditions;
    }

    public Intrinsics(Map<String, String> names) {
        this(names, c -> {
            throw new IllegalStateException("condition " + c + " cannot be evaluated locally");
        });
    }

    /** Resolves every value of a map (e.g. Environment.Variables) to a string. */
    public Map<String, String> resolveAll(Map<String, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, resolve(v)));
        return out;
    }

    /**
     * Resolves a whole structure (e.g. a policy document): every intrinsic becomes its string,
     * {@code AWS::NoValue} entries are dropped, plain maps and lists are copied.
     */
    public Object resolveTree(Object value) {
        if (value instanceof Template.Tagged || isLongForm(value)) {
            List<?> ifArgs = value instanceof Template.Tagged t && t.tag().equals("!If") ? (List<?>) t.value()
                    : value instanceof Map<?, ?> m && m.containsKey("Fn::If") ? (List<?>) m.get("Fn::If") : null;
            if (ifArgs != null) {
                return resolveTree(conditions.apply(ifArgs.get(0).toString()) ? ifArgs.get(1) : ifArgs.get(2));
            }
            return resolve(value);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                Object r = resolveTree(v);
                if (r != NO_VALUE) {
                    out.put(k.toString(), r);
                }
            });
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                Object r = resolveTree(o);
                if (r != NO_VALUE) {
                    out.add(r);
                }
            }
            return out;
        }
        return value;
    }

    /** What {@code !Ref AWS::NoValue} resolves to inside {@link #resolveTree}: the entry is dropped. */
    private static final String NO_VALUE = new String("AWS::NoValue");

    private static boolean isLongForm(Object value) {
        return value instanceof Map<?, ?> m && m.size() == 1
                && (m.containsKey("Ref") || m.keySet().iterator().next().toString().startsWith("Fn::"));
    }

    @SuppressWarnings("unchecked")
    public String resolve(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Template.Tagged t) {
            return apply(t.tag().substring(1), t.value());
        }
        if (value instanceof Map<?, ?> m && m.size() == 1) {
            Map.Entry<String, Object> e = ((Map<String, Object>) m).entrySet().iterator().next();
            if (e.getKey().equals("Ref")) {
                return apply("Ref", e.getValue());
            }
            if (e.getKey().startsWith("Fn::")) {
                return apply(e.getKey().substring(4), e.getValue());
            }
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new IllegalStateException("not a scalar value: " + value);
        }
        return value.toString();
    }

    private String apply(String function, Object arg) {
        switch (function) {
            case "Ref":
                return lookup(arg.toString());
            case "GetAtt":
                return lookup(arg instanceof List<?> l ? l.get(0) + "." + l.get(1) : arg.toString());
            case "Sub": {
                String text = arg instanceof List<?> l ? l.get(0).toString() : arg.toString();
                Map<String, String> local = new LinkedHashMap<>();
                if (arg instanceof List<?> l && l.size() > 1 && l.get(1) instanceof Map<?, ?> vars) {
                    vars.forEach((k, v) -> local.put(k.toString(), resolve(v)));
                }
                Matcher m = SUB.matcher(text);
                StringBuilder sb = new StringBuilder();
                while (m.find()) {
                    String name = m.group(1).strip();
                    m.appendReplacement(sb, Matcher.quoteReplacement(local.containsKey(name) ? local.get(name) : lookup(name)));
                }
                m.appendTail(sb);
                return sb.toString().replace("${!", "${");
            }
            case "Join": {
                List<?> l = (List<?>) arg;
                List<String> parts = new ArrayList<>();
                for (Object o : (List<?>) l.get(1)) {
                    parts.add(resolve(o));
                }
                return String.join(l.get(0).toString(), parts);
            }
            case "Select": {
                List<?> l = (List<?>) arg;
                int index = Integer.parseInt(resolve(l.get(0)));
                Object list = l.get(1);
                if (list instanceof Template.Tagged t && t.tag().equals("!Split")) {
                    return split(t.value()).get(index);
                }
                return resolve(((List<?>) list).get(index));
            }
            case "Split":
                throw new IllegalStateException("!Split yields a list; only !Select [i, !Split ...] is supported");
            case "If": {
                List<?> l = (List<?>) arg;
                return resolve(conditions.apply(l.get(0).toString()) ? l.get(1) : l.get(2));
            }
            default:
                throw new IllegalStateException("intrinsic Fn::" + function + " is not supported locally");
        }
    }

    private List<String> split(Object arg) {
        List<?> l = (List<?>) arg;
        return List.of(resolve(l.get(1)).split(Pattern.quote(l.get(0).toString()), -1));
    }

    private String lookup(String name) {
        if (name.equals("AWS::NoValue")) {
            return NO_VALUE;
        }
        String v = names.get(name);
        if (v == null) {
            throw new IllegalStateException("template.yaml refers to " + name + ", which the local runtime does not have");
        }
        return v;
    }
}
