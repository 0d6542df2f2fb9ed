package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.config.Settings;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.localaws.ProjectRoot;
import dev.optout.localaws.Template;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each function runs locally with its role from template.yaml: take one action out of one
 * function's policy, in a copy of the template, and that function fails as it would on AWS, with
 * AccessDenied naming the action; with the template as it is, the same call works.
 */
@ExtendWith(LocalAwsExtension.class)
class RoleEnforcementIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REMOVED = "                - dynamodb:BatchGetItem\n";

    @Test
    void aCallTheRoleDoesNotAllowFailsWithAccessDeniedNamingTheAction(LocalAws aws, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(aws.enforcesIam(), aws.kind() + " does not enforce IAM");
        String original = Files.readString(ProjectRoot.find().resolve("template.yaml"));
        int check = original.indexOf("  PresendCheckFunction:\n");
        int removed = original.indexOf(REMOVED, check);
        assertThat(removed).as("PresendCheckFunction's policy names dynamodb:BatchGetItem").isPositive()
                .isLessThan(original.indexOf("  UnsubscribeFunction:\n"));
        Path copy = dir.resolve("template.yaml");
        // the statement keeps an action (IAM refuses a statement without one), not the one the check calls
        Files.writeString(copy, original.substring(0, removed) + "                - dynamodb:DescribeTable\n" + original.substring(removed + REMOVED.length()));

        Throwable denied = catchThrowable(() -> check(aws, copy, dir, "denied"));
        JsonCheck allowed = check(aws, ProjectRoot.find().resolve("template.yaml"), dir, "allowed");

        assertThat(causes(denied)).as("the check without dynamodb:BatchGetItem in its role")
                .anyMatch(m -> m.contains("AccessDenied") || m.contains("not authorized"))
                .anyMatch(m -> m.contains("dynamodb:BatchGetItem"));
        assertThat(allowed.allowed()).as("ana@example.com may be mailed").isTrue();
    }

    private record JsonCheck(boolean allowed) {
    }

    /** Deploys {@code template} and runs the pre-send check once, with the environment ./optout local gives it. */
    private static JsonCheck check(LocalAws aws, Path template, Path dir, String name) throws Exception {
        Template t = Template.load(template);
        LocalDeployment d = LocalDeployment.deploy(aws, t, "roles-" + name + "-" + System.nanoTime() % 100_000,
                Map.of(LocalRuntime.PUBLIC_BASE_URL_PARAMETER, "https://optout.example.com"),
                LocalKeys.loadOrCreate(dir.resolve(name + "-keys.json"), LocalRuntime.secretParameters(t)), line -> { });
        Map<String, String> env = LocalRuntime.environment(FunctionDefinition.named(t, "PresendCheckFunction"), d, aws);
        assertThat(env).containsKey("AWS_SESSION_TOKEN").containsEntry("TABLE_NAME", d.ref("SuppressionTable"));
        PresendCheckHandler handler = new PresendCheckHandler(new Wiring(Settings.of(env)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(Map.of("topic", "newsletter",
                "recipients", List.of("ana@example.com")))), out, new LocalLambdaContext("PresendCheckFunction", Duration.ofSeconds(30)));
        return new JsonCheck(JSON.readTree(out.toByteArray()).path("results").path(0).path("allowed").asBoolean());
    }

    private static List<String> causes(Throwable t) {
        List<String> messages = new java.util.ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.add(c + "");
        }
        return messages;
    }
}
