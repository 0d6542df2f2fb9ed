package dev.optout.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.FunctionRoles;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalIam;
import dev.optout.localaws.ProjectRoot;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;

/**
 * Tests that build a function's handler themselves run it as the function: with the credentials
 * of a role built from that function's policies in template.yaml (after the SAM transform). On
 * optout's moto server a call the role does not allow then fails with AccessDenied, as on AWS;
 * {@link CallRecorder} notes every action the function called, and
 * {@link #assertObservedCallsAllowed} compares them with the role.
 */
public final class FunctionRole {
    private static final Path TEMPLATE = ProjectRoot.find().resolve("template.yaml");
    private static final Map<String, StaticCredentialsProvider> ROLES = new ConcurrentHashMap<>();

    private FunctionRole() {
    }

    /**
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN} of the
     * function's role on {@code aws} (every template condition taken as true): put them over a
     * function environment, e.g. {@code SampleLinks.functionEnvironment(aws)}.
     */
    public static Map<String, String> environment(LocalAws aws, String functionId) {
        return LocalIam.environment(credentials(aws, functionId).resolveCredentials());
    }

    /** {@code functionEnvironment} with the function's role credentials over it: what its Wiring reads in Lambda. */
    public static Map<String, String> environment(LocalAws aws, String functionId, Map<String, String> functionEnvironment) {
        Map<String, String> env = new HashMap<>(functionEnvironment);
        env.putAll(environment(aws, functionId));
        return env;
    }

    /** A client of {@code aws} that calls as the function, for tests that hand a handler its clients. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(LocalAws aws, String functionId, B builder) {
        return aws.client(builder, credentials(aws, functionId));
    }

    /** The role is built once per endpoint and function: its session does not expire on moto. */
    private static StaticCredentialsProvider credentials(LocalAws aws, String functionId) {
        return ROLES.computeIfAbsent(aws.endpoint() + " " + functionId,
                k -> StaticCredentialsProvider.create(LocalIam.credentialsOf(aws, TEMPLATE, functionId)));
    }

    /** Every action the function was seen calling is one its role allows (every template condition true). */
    public static void assertObservedCallsAllowed(String functionId) {
        FunctionRoles.Role role = FunctionRoles.of(TEMPLATE, functionId);
        Set<String> notAllowed = new TreeSet<>(CallRecorder.observed(functionId));
        notAllowed.removeIf(action -> role.allows(action, c -> true));
        assertThat(notAllowed).as("actions %s called that its role in template.yaml does not allow (it allows %s)",
                functionId, role.allowedActions(c -> true)).isEmpty();
    }
}
