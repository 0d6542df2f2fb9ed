package dev.optout.localaws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * IAM on the local endpoint, as on AWS: one admin identity for the operator and the tests, and
 * for each function a role built from its template policies, whose STS credentials the function
 * runs with. moto's server enforces IAM once {@link #enforce} has created the admin (moto's
 * {@code /moto-api/reset-auth}: no unauthenticated call is left after it).
 *
 * <p>moto authorizes the action of each call; it checks a resource only for SQS (the queue's ARN)
 * and no condition. So a local role keeps its SQS statements' resources and allows its other
 * actions on {@code *}; the resources and conditions are checked statically instead (the IAM
 * tests over {@link FunctionRoles}).
 */
public final class LocalIam {
    public static final String ADMIN_USER = "optout-local-admin";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Access key id -> function logical id, for the tests that record what each function calls. */
    private static final Map<String, String> FUNCTION_KEYS = new ConcurrentHashMap<>();

    private LocalIam() {
    }

    /**
     * Creates the admin user (every action on every resource) while moto still takes unsigned
     * calls, then switches moto's IAM checks on. Answers the admin's credentials.
     */
    public static AwsCredentials enforce(URI endpoint, String region, SdkHttpClient http) {
        AwsCredentials bootstrap = AwsBasicCredentials.create("bootstrap", "bootstrap");
        try (IamClient iam = IamClient.builder().httpClient(http).region(Region.of(region)).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(bootstrap)).build()) {
            try {
                iam.createUser(r -> r.userName(ADMIN_USER));
            } catch (EntityAlreadyExistsException e) {
                // an endpoint reused by a second runtime: a second key for the same admin
            }
            iam.putUserPolicy(r -> r.userName(ADMIN_USER).policyName("AdministratorAccess")
                    .policyDocument(json(document(List.of(allow(List.of("*"), "*"))))));
            var key = iam.createAccessKey(r -> r.userName(ADMIN_USER)).accessKey();
            post(URI.create(endpoint + "/moto-api/reset-auth"), "0");
            return AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey());
        }
    }

    /**
     * Creates a role from a function's statements (as transformed, conditions decided) and assumes
     * it as the admin: the credentials Lambda would give the function (AWS_ACCESS_KEY_ID,
     * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). {@code deployment} resolves the resources the
     * local role keeps (SQS ARNs); the others become {@code *}, so a parameter such as a secret ARN
     * the deployment was not given needs no value here.
     */
    public static AwsSessionCredentials assumeRole(LocalAws aws, String roleName, String functionId,
                                                   List<Map<String, Object>> statements, Intrinsics deployment) {
        return assumeLocalRole(aws, roleName, functionId, localStatements(statements, deployment));
    }

    private static AwsSessionCredentials assumeLocalRole(LocalAws aws, String roleName, String functionId,
                                                         List<Map<String, Object>> statements) {
        String policy = json(document(statements));
        try (IamClient iam = aws.client(IamClient.builder()); StsClient sts = aws.client(StsClient.builder())) {
            String admin = iam.getUser(r -> r.userName(ADMIN_USER)).user().arn();
            String trust = json(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of("Effect", "Allow",
                    "Principal", Map.of("AWS", admin), "Action", "sts:AssumeRole"))));
            String arn;
            try {
                // Lambda's session lasts as long as its environment; moto does not expire sessions.
                arn = iam.createRole(r -> r.roleName(roleName).assumeRolePolicyDocument(trust).maxSessionDuration(43_200)).role().arn();
            } catch (EntityAlreadyExistsException e) {
                arn = iam.getRole(r -> r.roleName(roleName)).role().arn();
            }
            // A function without Policies has only SAM's managed policies (logging); IAM refuses an
            // inline policy with no statement, and moto does not evaluate managed policies it lacks.
            if (!statements.isEmpty()) {
                try {
                    iam.putRolePolicy(r -> r.roleName(roleName).policyName(functionId + "Policy").policyDocument(policy));
                } catch (MalformedPolicyDocumentException e) {
                    throw new IllegalStateException("IAM refuses " + functionId + "'s role policy ("
                            + e.awsErrorDetails().errorMessage() + "): " + policy, e);
                }
            }
            String roleArn = arn;
            Credentials c = sts.assumeRole(r -> r.roleArn(roleArn).roleSessionName(functionId).durationSeconds(43_200)).credentials();
            FUNCTION_KEYS.put(c.accessKeyId(), functionId);
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    /**
     * A function's role for tests that build its handler themselves: its template statements with
     * every condition true (the tests exercise the optional features too), on {@code aws}. On an
     * endpoint that does not enforce IAM, the endpoint's own credentials. There is no deployment
     * to resolve the template's resources against (a test names its own table and queues), so
     * every resource is {@code *}: the actions are enforced, the resources are checked statically.
     */
    public static AwsCredentials credentialsOf(LocalAws aws, java.nio.file.Path template, String functionId) {
        if (!aws.enforcesIam()) {
            return aws.credentials().resolveCredentials();
        }
        FunctionRoles.Role role = FunctionRoles.of(template, functionId);
        return assumeLocalRole(aws, "test-" + functionId, functionId, localStatements(role.statements(c -> true), null));
    }

    /** The function whose role credentials carry this access key id, if any. */
    public static Optional<String> functionOf(String accessKeyId) {
        return Optional.ofNullable(accessKeyId).map(FUNCTION_KEYS::get);
    }

    /** The environment variables Lambda gives a function for its role's credentials. */
    public static Map<String, String> environment(AwsCredentials credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", credentials.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", credentials.secretAccessKey());
        if (credentials instanceof AwsSessionCredentials s) {
            env.put("AWS_SESSION_TOKEN", s.sessionToken());
        }
        return env;
    }

    /**
     * What moto can enforce: Allow statements only (a Deny, a NotAction or a condition would be
     * judged wrongly), SQS resources kept and resolved where there is a {@code deployment}, every
     * other resource {@code *} (moto passes {@code *} as the resource of their calls, which no
     * narrower ARN matches).
     */
    static List<Map<String, Object>> localStatements(List<Map<String, Object>> statements, Intrinsics deployment) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> s : statements) {
            if (!"Allow".equals(s.get("Effect")) || s.containsKey("NotAction") || s.containsKey("NotResource")) {
                throw new IllegalStateException("a local role takes Allow statements with Action and Resource only: " + s);
            }
            List<String> actions = FunctionRoles.strings(s.get("Action"));
            boolean sqsOnly = actions.stream().allMatch(a -> a.toLowerCase(Locale.ROOT).startsWith("sqs:"));
            out.add(allow(actions, deployment != null && sqsOnly ? deployment.resolveTree(s.get("Resource")) : "*"));
        }
        return out;
    }

    private static Map<String, Object> allow(List<String> actions, Object resource) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Effect", "Allow");
        s.put("Action", actions);
        s.put("Resource", resource);
        return s;
    }

    private static Map<String, Object> document(List<Map<String, Object>> statements) {
        return Map.of("Version", "2012-10-17", "Statement", statements);
    }

    private static void post(URI uri, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            // not form-encoded: moto reads the raw body as the new budget
            c.setRequestProperty("Content-Type", "text/plain");
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException(uri + " answered " + c.getResponseCode() + ": moto's IAM checks are not on");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot switch moto's IAM checks on at " + uri + ": " + e.getMessage(), e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
