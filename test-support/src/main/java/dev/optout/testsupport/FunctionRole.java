package dev.optout.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.FunctionRoles;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalIam;
import dev.optout.localaws.ProjectRoot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tests that build a function's handler themselves run it as the function: with the credentials
 * of a role built from that function's policies in template.yaml (after the SAM transform). On
 * optout's moto server a call the role does not allow then fails with AccessDenied, as on AWS;
 * {@link CallRecorder} notes every action the function called, and
 * {@link #assertObservedCallsAllowed} compares them with the role.
 */
public final class FunctionRole {
    private static final Path TEMPLATE = ProjectRoot.find().resolve("template.yaml");

    private FunctionRole() {
    }

    /**
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN} of the
     * function's role on {@code aws} (every template condition taken as true): put them over a
     * function environment, e.g. {@code SampleLinks.functionEnvironment(aws)}.
     */
    public static Map<String, String> environment(LocalAws aws, String functionId) {
        return LocalIam.environment(LocalIam.credentialsOf(aws, TEMPLATE, functionId));
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
