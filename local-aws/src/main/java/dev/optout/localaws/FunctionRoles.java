package dev.optout.localaws;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Each function's execution role as CloudFormation creates it: template.yaml through the SAM
 * transform ({@code sam_transform.py}, the same translator CloudFormation runs), so SAM policy
 * templates are expanded and the statements SAM adds itself (an EventInvokeConfig destination,
 * an SQS event source's managed policy) are there too. Values stay as the transform wrote them
 * (intrinsics in long form: {@code {"Fn::GetAtt": [...]}}) until {@link Intrinsics} resolves them.
 */
public final class FunctionRoles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Transformed templates by their text: the transform takes a second or two of Python. */
    private static final Map<String, Map<String, Object>> TRANSFORMED = new ConcurrentHashMap<>();

    private FunctionRoles() {
    }

    /**
     * One function's role.
     *
     * @param functionId        the function's logical id
     * @param roleId            the role's logical id (SAM names it {@code <functionId>Role})
     * @param policies          the role's inline policies, as transformed ({@code PolicyName},
     *                          {@code PolicyDocument}; an entry may be an {@code Fn::If})
     * @param managedPolicyArns AWS managed policies SAM attaches (basic execution, SQS polling)
     */
    public record Role(String functionId, String roleId, List<Object> policies, List<String> managedPolicyArns) {

        /**
         * Every statement of the inline policies, with {@code Fn::If} decided by {@code conditions}
         * (a condition name to its value) and {@code AWS::NoValue} dropped; other intrinsics stay.
         */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> statements(Function<String, Boolean> conditions) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Object p : policies) {
                Object policy = choose(p, conditions);
                if (policy instanceof Map<?, ?> m && m.get("PolicyDocument") instanceof Map<?, ?> doc) {
                    Object statements = choose(doc.get("Statement"), conditions);
                    for (Object s : statements instanceof List<?> l ? l : List.of(statements)) {
                        Object statement = choose(s, conditions);
                        if (statement instanceof Map<?, ?> st) {
                            out.add((Map<String, Object>) st);
                        }
                    }
                }
            }
            return out;
        }

        /** The actions its Allow statements name ({@code dynamodb:GetItem}; wildcards as written). */
        public Set<String> allowedActions(Function<String, Boolean> conditions) {
            Set<String> actions = new LinkedHashSet<>();
            for (Map<String, Object> s : statements(conditions)) {
                if ("Allow".equals(s.get("Effect"))) {
                    actions.addAll(strings(s.get("Action")));
                }
            }
            return actions;
        }

        /** Whether an Allow statement names {@code action} (IAM matches actions case-insensitively, with * and ?). */
        public boolean allows(String action, Function<String, Boolean> conditions) {
            return allowedActions(conditions).stream().anyMatch(pattern -> matches(pattern, action));
        }
    }

    /** Every function's role, by function logical id, in template order. */
    @SuppressWarnings("unchecked")
    public static Map<String, Role> of(Path template) {
        Map<String, Object> resources = (Map<String, Object>) transformed(template).get("Resources");
        Map<String, Role> roles = new LinkedHashMap<>();
        resources.forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (!"AWS::Lambda::Function".equals(resource.get("Type"))) {
                return;
            }
            Object role = ((Map<String, Object>) resource.get("Properties")).get("Role");
            if (!(role instanceof Map<?, ?> m && m.get("Fn::GetAtt") instanceof List<?> att)) {
                throw new IllegalStateException(id + " names its role as " + role + ": only a role of this template can be built locally");
            }
            String roleId = att.get(0).toString();
            Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) resources.get(roleId)).get("Properties");
            roles.put(id, new Role(id, roleId, (List<Object>) props.getOrDefault("Policies", List.of()),
                    strings(props.get("ManagedPolicyArns"))));
        });
        return roles;
    }

    /** One function's role. */
    public static Role of(Path template, String functionId) {
        Role role = of(template).get(functionId);
        if (role == null) {
            throw new IllegalStateException(template + " declares no function " + functionId);
        }
        return role;
    }

    /** The whole template after the SAM transform, as CloudFormation sees it. */
    public static Map<String, Object> transformed(Path template) {
        String text;
        try {
            text = Files.readString(template, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template + ": " + e.getMessage(), e);
        }
        return TRANSFORMED.computeIfAbsent(text, t -> runTransform(template));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runTransform(Path template) {
        try {
            Path script = Files.createTempFile("optout-sam-transform-", ".py");
            try (var in = FunctionRoles.class.getResourceAsStream("sam_transform.py")) {
                Files.write(script, in.readAllBytes());
            }
            Path out = Files.createTempFile("optout-transformed-", ".json");
            Path err = Files.createTempFile("optout-transform-", ".err");
            try {
                Process p = new ProcessBuilder("python3", script.toString(), template.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the SAM transform of " + template + " did not end within 120 s");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("the SAM transform refused " + template + " (install it with cfn-lint: "
                            + "python3 -m pip install cfn-lint): " + Files.readString(err).strip());
                }
                return JSON.readValue(out.toFile(), Map.class);
            } finally {
                Files.deleteIfExists(script);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the SAM transform (python3 with aws-sam-translator, installed with cfn-lint): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while transforming " + template, e);
        }
    }

    /** IAM's action match: case-insensitive, {@code *} any run of characters, {@code ?} one character. */
    public static boolean matches(String pattern, String action) {
        String regex = Pattern.quote(pattern.toLowerCase(Locale.ROOT)).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
        return action.toLowerCase(Locale.ROOT).matches(regex);
    }

    /** A string or a list of strings, as IAM allows for Action and Resource. */
    public static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Object::toString).toList();
        }
        return List.of(value.toString());
    }

    /** Decides {@code Fn::If} (long form, as the transform writes it); {@code AWS::NoValue} becomes null. */
    private static Object choose(Object value, Function<String, Boolean> conditions) {
        if (value instanceof Map<?, ?> m && m.size() == 1 && m.get("Fn::If") instanceof List<?> args) {
            return choose(conditions.apply(args.get(0).toString()) ? args.get(1) : args.get(2), conditions);
        }
        if (value instanceof Map<?, ?> m && m.size() == 1 && "AWS::NoValue".equals(m.get("Ref"))) {
            return null;
        }
        return value;
    }
}
