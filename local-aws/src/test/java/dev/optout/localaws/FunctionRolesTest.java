package dev.optout.localaws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What moto cannot check, checked on template.yaml after the SAM transform: every statement of
 * every function's role names resources of this template (its resources, or the secret ARNs its
 * parameters take), and {@code *} only for actions that AWS authorizes on no narrower resource.
 */
class FunctionRolesTest {
    private static final Path TEMPLATE = ProjectRoot.find().resolve("template.yaml");

    /**
     * Actions with no resource-level permissions: the IAM Service Authorization Reference lists
     * no resource type for them, so their statements must say {@code *}.
     */
    private static final Set<String> STAR_ONLY = Set.of(
            // Secrets Manager: "BatchGetSecretValue ... Resource types: none"; each secret it returns
            // is still authorized by secretsmanager:GetSecretValue on that secret.
            "secretsmanager:BatchGetSecretValue",
            // SES v2 account-level suppression list: Put/Get/DeleteSuppressedDestination have no resource type.
            "ses:PutSuppressedDestination",
            "ses:DeleteSuppressedDestination",
            "ses:GetSuppressedDestination",
            // CloudWatch: "PutMetricData ... Resource types: none" (scope it with the cloudwatch:namespace condition).
            "cloudwatch:PutMetricData",
            // X-Ray: the tracing write actions have no resource type.
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords");

    /** What SAM attaches itself: AWS's managed policies for logging and for SQS event sources. */
    private static final Set<String> SAM_MANAGED_POLICIES = Set.of(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole");

    @Test
    void everyFunctionHasARoleBuiltFromItsOwnPolicies() {
        Map<String, FunctionRoles.Role> roles = FunctionRoles.of(TEMPLATE);

        assertThat(roles.keySet()).containsExactlyElementsOf(
                FunctionDefinition.all(Template.load(TEMPLATE)).stream().map(FunctionDefinition::logicalId).toList());
        roles.values().forEach(role -> {
            assertThat(role.statements(c -> true)).as(role.functionId()).isNotEmpty();
            assertThat(role.managedPolicyArns()).as(role.functionId()).isSubsetOf(SAM_MANAGED_POLICIES);
        });
    }

    @Test
    void everyStatementNamesResourcesOfThisTemplateAndStarOnlyWhereAwsAllowsNothingNarrower() {
        Template template = Template.load(TEMPLATE);
        List<String> wrong = new ArrayList<>();

        FunctionRoles.of(TEMPLATE).values().forEach(role -> {
            for (Map<String, Object> s : role.statements(c -> true)) {
                List<String> actions = FunctionRoles.strings(s.get("Action"));
                List<?> resources = s.get("Resource") instanceof List<?> l ? l : List.of(s.get("Resource"));
                for (Object resource : resources) {
                    if ("*".equals(resource)) {
                        actions.stream().filter(a -> !STAR_ONLY.contains(a))
                                .forEach(a -> wrong.add(role.functionId() + ": " + a + " on * (name the resource)"));
                    } else if (!ofThisTemplate(template, resource)) {
                        wrong.add(role.functionId() + ": " + actions + " on " + resource + ", not a resource of this template");
                    }
                }
                if (s.containsKey("NotAction") || s.containsKey("NotResource") || !"Allow".equals(s.get("Effect"))) {
                    wrong.add(role.functionId() + ": only Allow statements with Action and Resource: " + s);
                }
            }
        });

        assertThat(wrong).isEmpty();
    }

    @Test
    void actionsMatchAsIamMatchesThem() {
        assertThat(FunctionRoles.matches("dynamodb:GetItem", "dynamodb:getitem")).isTrue();
        assertThat(FunctionRoles.matches("dynamodb:Get*", "dynamodb:GetItem")).isTrue();
        assertThat(FunctionRoles.matches("dynamodb:Get*", "dynamodb:BatchGetItem")).isFalse();
        assertThat(FunctionRoles.matches("sqs:SendMessage", "sqs:SendMessageBatch")).isFalse();
    }

    /**
     * A {@code Ref}/{@code GetAtt} of a resource, or a {@code Ref} of a parameter (the secrets live
     * outside the stack), or an ARN built with {@code Fn::Sub} from pseudo parameters, this template's
     * resources and parameters only (an SES identity and configuration set: they have no ARN attribute).
     */
    private static boolean ofThisTemplate(Template template, Object resource) {
        if (resource instanceof Map<?, ?> sub && sub.size() == 1 && sub.get("Fn::Sub") instanceof String arn) {
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(arn);
            boolean named = false;
            while (names.find()) {
                String name = names.group(1);
                if (name.contains(".")) {
                    name = name.substring(0, name.indexOf('.')); // ${Resource.Attribute}, e.g. a table's Arn for its index
                }
                boolean known = name.startsWith("AWS::") || template.resources().containsKey(name)
                        || parameters(template).containsKey(name);
                if (!known) {
                    return false;
                }
                named |= !name.startsWith("AWS::");
            }
            // an ARN written out, or a sub-resource of a resource's Arn (a table's index: ${Table.Arn}/index/Name)
            boolean anArn = arn.startsWith("arn:") || arn.matches("\\$\\{[A-Za-z0-9]+\\.Arn}/.+");
            return anArn && named && !arn.contains("*");
        }
        if (resource instanceof Map<?, ?> m && m.size() == 1) {
            Object ref = m.get("Ref");
            if (ref != null) {
                return template.resources().containsKey(ref.toString()) || parameters(template).containsKey(ref.toString());
            }
            if (m.get("Fn::GetAtt") instanceof List<?> att) {
                return template.resources().containsKey(att.get(0).toString());
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Template template) {
        return (Map<String, Object>) template.root().getOrDefault("Parameters", Map.of());
    }
}
