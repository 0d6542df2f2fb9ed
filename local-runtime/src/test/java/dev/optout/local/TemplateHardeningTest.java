package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.config.Settings;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * template.yaml's hardening, as a reviewer would check it: who may put an opt-out or an SES event
 * in, what survives a stack delete, what is encrypted with which key, and that every function is
 * watched by every per-function alarm.
 */
class TemplateHardeningTest {
    private static final Template TEMPLATE = Template.load();
    /** Every queue that can hold an opt-out (an address and what it asked) in a message body. */
    private static final List<String> QUEUES_HOLDING_OPT_OUTS = List.of("PendingChangesQueue", "PendingChangesDeadLetterQueue",
            "SesEventsQueue", "SesEventsDeadLetterQueue", "InboundUnsubscribeDeadLetterQueue",
            // change events the webhook did not take (they carry addresses unless hash-only), and the
            // coordinates of changes not published
            "WebhookDeadLetterQueue", "ChangeEventsDeadLetterQueue");
    /** Queues that hold no address: the expiry sweep's failed schedule events (retained and encrypted all the same). */
    private static final List<String> QUEUES_WITHOUT_ADDRESSES = List.of("ExpirySweepDeadLetterQueue");

    @Test
    void onlyTheFunctionsThatEnqueueMaySendToThePendingChangesQueue() {
        Set<String> enqueuers = new TreeSet<>();
        for (FunctionDefinition f : FunctionDefinition.all(TEMPLATE)) {
            if (f.environment().containsKey(Settings.PENDING_CHANGES_QUEUE_URL)) {
                enqueuers.add("!GetAtt " + f.logicalId() + "Role.Arn");
            }
        }
        assertThat(enqueuers).as("the functions that read PENDING_CHANGES_QUEUE_URL")
                .containsExactly("!GetAtt PreferencesFunctionRole.Arn", "!GetAtt UnsubscribeFunctionRole.Arn");

        List<Map<String, Object>> statements = statements("PendingChangesQueuePolicy");
        assertThat(text(properties("PendingChangesQueuePolicy").get("Queues"))).isEqualTo("[!Ref PendingChangesQueue]");
        Map<String, Object> allow = only(statements, "Allow");
        assertThat(new TreeSet<>(strings(((Map<?, ?>) allow.get("Principal")).get("AWS")))).isEqualTo(enqueuers);
        Map<String, Object> deny = only(statements, "Deny");
        assertThat(deny.get("Principal")).isEqualTo("*");
        assertThat(text(deny.get("Action"))).isEqualTo("sqs:SendMessage");
        String condition = text(deny.get("Condition"));
        assertThat(condition).contains("ArnNotEquals", "aws:PrincipalArn", "PendingChangesRedrivePrincipalArn");
        enqueuers.forEach(role -> assertThat(condition).contains(role.substring("!GetAtt ".length())));
    }

    @Test
    void onlySesOfThisAccountMayPublishToTheSesEventsTopicAndItSignsWithSha256() {
        assertThat(properties("SesEventsTopic").get("SignatureVersion")).isEqualTo("2");
        List<Map<String, Object>> statements = statements("SesEventsTopicPolicy");
        Map<String, Object> allow = only(statements, "Allow");
        assertThat(text(allow.get("Principal"))).isEqualTo("{Service=ses.amazonaws.com}");
        assertThat(text(allow.get("Condition"))).contains("SourceAccount", "!Ref AWS::AccountId");
        Map<String, Object> deny = only(statements, "Deny");
        assertThat(deny.get("Principal")).isEqualTo("*");
        assertThat(text(deny.get("Action"))).isEqualTo("sns:Publish");
        assertThat(text(deny.get("Condition"))).isEqualTo("{StringNotEquals={aws:PrincipalServiceName=ses.amazonaws.com}}");
    }

    @Test
    void signatureVersion1IsRefusedUnlessTheDeploymentSaysOtherwise() {
        Map<String, Object> parameter = parameter("SnsSignatureVersion1Allowed");
        assertThat(parameter.get("Default")).isEqualTo("false");
        assertThat(text(FunctionDefinition.named(TEMPLATE, "SesFeedbackFunction").environment()
                .get(Settings.SNS_SIGNATURE_VERSION_1_ALLOWED))).isEqualTo("!Ref SnsSignatureVersion1Allowed");
    }

    @Test
    void everyQueueThatCanHoldAnOptOutTheTableAndTheirKeyOutliveTheStack() {
        List<String> retained = new ArrayList<>(QUEUES_HOLDING_OPT_OUTS);
        retained.add(Template.TABLE_ID);
        retained.add("SesEventsKey");
        for (String id : retained) {
            Map<String, Object> resource = resource(id);
            assertThat(resource.get("DeletionPolicy")).as("%s DeletionPolicy", id).isEqualTo("Retain");
            assertThat(resource.get("UpdateReplacePolicy")).as("%s UpdateReplacePolicy", id).isEqualTo("Retain");
        }
        List<String> known = new ArrayList<>(QUEUES_HOLDING_OPT_OUTS);
        known.addAll(QUEUES_WITHOUT_ADDRESSES);
        assertThat(TEMPLATE.resourcesOfType("AWS::SQS::Queue").keySet()).as("no other queue")
                .containsExactlyInAnyOrderElementsOf(known);
    }

    @Test
    void theTopicAndTheQueuesAreEncryptedWithKmsAndSesMayUseTheTopicsKey() {
        assertThat(text(properties("SesEventsTopic").get("KmsMasterKeyId"))).isEqualTo("!Ref SesEventsKey");
        assertThat(text(properties("SesEventsQueue").get("KmsMasterKeyId")))
                .as("SNS sends to it: the customer-managed key").isEqualTo("!Ref SesEventsKey");
        for (String id : List.of("PendingChangesQueue", "PendingChangesDeadLetterQueue", "SesEventsDeadLetterQueue",
                "InboundUnsubscribeDeadLetterQueue", "WebhookDeadLetterQueue", "ChangeEventsDeadLetterQueue", "ExpirySweepDeadLetterQueue")) {
            assertThat(properties(id).get("KmsMasterKeyId")).as(id).isEqualTo("alias/aws/sqs");
            assertThat(properties(id)).as(id).doesNotContainKey("SqsManagedSseEnabled");
        }
        Map<String, Object> key = properties("SesEventsKey");
        assertThat(key.get("EnableKeyRotation")).isEqualTo(true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keyStatements = (List<Map<String, Object>>) ((Map<String, Object>) key.get("KeyPolicy")).get("Statement");
        for (String service : List.of("ses.amazonaws.com", "sns.amazonaws.com")) {
            assertThat(keyStatements).as(service).anySatisfy(st -> {
                assertThat(text(st.get("Principal"))).isEqualTo("{Service=" + service + "}");
                assertThat(strings(st.get("Action"))).containsExactlyInAnyOrder("kms:GenerateDataKey*", "kms:Decrypt");
                assertThat(text(st.get("Condition"))).contains("aws:SourceAccount");
            });
        }
        assertThat(keyStatements).as("the feedback function reads the queue").anySatisfy(st -> {
            assertThat(text(st.get("Principal"))).isEqualTo("{AWS=!GetAtt SesFeedbackFunctionRole.Arn}");
            assertThat(text(st.get("Action"))).isEqualTo("kms:Decrypt");
            assertThat(text(st.get("Condition"))).contains("kms:ViaService");
        });
    }

    /**
     * An alarm on optout's own metrics watches a name the code logs ({@link dev.optout.observability.Metrics}):
     * a metric renamed in the code and not in the template would leave an alarm that never fires.
     */
    @Test
    void everyAlarmOnOptoutsMetricsWatchesANameTheCodeLogs() throws IllegalAccessException {
        Set<String> logged = new TreeSet<>();
        for (java.lang.reflect.Field f : dev.optout.observability.Metrics.class.getFields()) {
            logged.add((String) f.get(null));
        }
        // and the metrics the template's own log metric filters count (the API's access log)
        TEMPLATE.resourcesOfType("AWS::Logs::MetricFilter").keySet().forEach(id -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("MetricName=(\\w+)").matcher(text(properties(id).get("MetricTransformations")));
            while (m.find()) {
                logged.add(m.group(1));
            }
        });
        List<String> watched = new ArrayList<>();
        TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").keySet().forEach(id -> {
            Map<String, Object> p = properties(id);
            if ("optout".equals(p.get("Namespace"))) {
                watched.add(id + ": " + p.get("MetricName") + " " + text(p.get("Dimensions")));
                assertThat(logged).as("%s watches a metric the code logs", id).contains((String) p.get("MetricName"));
                java.util.regex.Matcher function = java.util.regex.Pattern.compile("Name=Function, Value=([a-z-]+)").matcher(text(p.get("Dimensions")));
                if (function.find()) {
                    assertThat(logged).as("%s's Function dimension is one a function logs under", id).contains(function.group(1));
                }
            }
        });
        assertThat(watched).as("the complaints, sender-rejection and campaign-pause alarms at least").hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void everyFunctionIsInTheThrottleAlarmAndHasAnErrorsAlarm() {
        String throttles = text(properties("ThrottlesAlarm").get("Metrics"));
        Set<String> withErrorsAlarm = new TreeSet<>();
        TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm").keySet().forEach(id -> {
            Map<String, Object> p = properties(id);
            if ("Errors".equals(p.get("MetricName")) && "AWS/Lambda".equals(p.get("Namespace"))) {
                withErrorsAlarm.add(text(p.get("Dimensions")));
            }
        });
        for (FunctionDefinition f : FunctionDefinition.all(TEMPLATE)) {
            assertThat(throttles).as("ThrottlesAlarm watches %s", f.logicalId()).contains("!Ref " + f.logicalId() + "}");
            assertThat(withErrorsAlarm).as("an Errors alarm on %s", f.logicalId())
                    .anySatisfy(d -> assertThat(d).contains("!Ref " + f.logicalId() + "}"));
        }
        assertThat(text(properties("ThrottlesAlarm").get("Metrics"))).as("the sum names the inbound function's metric when it exists")
                .contains("inboundThrottles");
    }

    // ------------------------------------------------------------------ reading the template

    @SuppressWarnings("unchecked")
    private static Map<String, Object> resource(String id) {
        return (Map<String, Object>) ((Map<String, Object>) TEMPLATE.root().get("Resources")).get(id);
    }

    private static Map<String, Object> properties(String id) {
        return TEMPLATE.properties(id);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameter(String name) {
        return (Map<String, Object>) ((Map<String, Object>) TEMPLATE.root().get("Parameters")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(String policyId) {
        return (List<Map<String, Object>>) ((Map<String, Object>) properties(policyId).get("PolicyDocument")).get("Statement");
    }

    private static Map<String, Object> only(List<Map<String, Object>> statements, String effect) {
        List<Map<String, Object>> matching = statements.stream().filter(s -> effect.equals(s.get("Effect"))).toList();
        assertThat(matching).as("one %s statement", effect).hasSize(1);
        return matching.get(0);
    }

    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(TemplateHardeningTest::text).toList() : List.of(text(o));
    }

    /** A template value as text; tags as "!Tag value" (Template.Tagged prints its tag and value). */
    private static String text(Object v) {
        if (v instanceof Template.Tagged t) {
            return t.tag() + " " + text(t.value());
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TemplateHardeningTest::text).toList().toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, val) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(text(val)));
            return sb.append('}').toString();
        }
        return String.valueOf(v);
    }
}
