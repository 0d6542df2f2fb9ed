package dev.optout.localaws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.EventType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates, on a {@link LocalAws} endpoint, the resources template.yaml declares that a local
 * endpoint can hold: the DynamoDB table, SNS topics (and their policies), SQS queues (with their
 * redrive policy and queue policy), SNS subscriptions, the SES configuration set and its event
 * destination, and one Secrets Manager secret per secret-ARN parameter. Everything is read from
 * the template, so a resource added there appears here with no code change.
 *
 * <p>Afterwards {@link #names()} answers what {@code !Ref} and {@code !GetAtt} resolve to on this
 * endpoint (table name, topic ARN, queue URL and ARN, parameter values...), and
 * {@link #intrinsics()} resolves any template value with them.
 */
public final class LocalDeployment {
    /** moto's (and LocalStack's) default account. */
    public static final String ACCOUNT_ID = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Template template;
    private final String stackName;
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, Boolean> conditions = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, AwsCredentials> roleCredentials = new LinkedHashMap<>();

    private LocalDeployment(Template template, String stackName) {
        this.template = template;
        this.stackName = stackName;
    }

    /**
     * Creates the resources.
     *
     * @param parameters parameter values that replace the template's defaults (e.g. PublicBaseUrl)
     * @param secrets    parameter name -> secret value: a secret is created for each and the
     *                   parameter's value becomes its ARN (e.g. AddressHashKeySecretArn)
     * @param log        progress and notes, one line each
     */
    public static LocalDeployment deploy(LocalAws aws, Template template, String stackName,
                                         Map<String, String> parameters, Map<String, String> secrets,
                                         Consumer<String> log) {
        return deploy(aws, template, stackName, parameters, secrets, false, log);
    }

    /**
     * As {@link #deploy(LocalAws, Template, String, Map, Map, Consumer)}; {@code streams}: turn on
     * the tables' streams as the template declares them (the local runtime reads them for the
     * change events; other users leave them off, see {@link TableDefinition#createRequest(String, boolean)}).
     */
    public static LocalDeployment deploy(LocalAws aws, Template template, String stackName,
                                         Map<String, String> parameters, Map<String, String> secrets, boolean streams,
                                         Consumer<String> log) {
        LocalDeployment d = new LocalDeployment(template, stackName);
        d.streams = streams;
        d.run(aws, parameters, secrets, log);
        return d;
    }

    private boolean streams;

    public Template template() {
        return template;
    }

    public String stackName() {
        return stackName;
    }

    /** Names for {@link Intrinsics}: logical ids, {@code Id.Attribute}, parameters, pseudo parameters. */
    public Map<String, String> names() {
        return Map.copyOf(names);
    }

    /** Resolves !Ref, !GetAtt, !Sub... against this deployment. */
    public Intrinsics intrinsics() {
        return new Intrinsics(names, this::isTrue);
    }

    private boolean isTrue(String condition) {
        Boolean v = conditions.get(condition);
        if (v == null) {
            throw new IllegalStateException("unknown condition " + condition);
        }
        return v;
    }

    /** What {@code !Ref logicalId} resolves to here. */
    public String ref(String logicalId) {
        String v = names.get(logicalId);
        if (v == null) {
            throw new IllegalStateException("nothing deployed locally for " + logicalId);
        }
        return v;
    }

    /** What {@code !GetAtt logicalId.attribute} resolves to here. */
    public String att(String logicalId, String attribute) {
        return ref(logicalId + "." + attribute);
    }

    /** Things the local endpoint could not do as AWS would (for the user to know). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Logical ids of the resources of a type, in template order. */
    public List<String> idsOfType(String type) {
        return new ArrayList<>(template.resourcesOfType(type).keySet());
    }

    @SuppressWarnings("unchecked")
    private void run(LocalAws aws, Map<String, String> parameters, Map<String, String> secrets, Consumer<String> log) {
        names.put("AWS::Region", aws.region());
        names.put("AWS::AccountId", ACCOUNT_ID);
        names.put("AWS::StackName", stackName);
        names.put("AWS::Partition", "aws");
        names.put("AWS::URLSuffix", "amazonaws.com");
        Map<String, Object> params = (Map<String, Object>) template.root().getOrDefault("Parameters", Map.of());
        params.forEach((name, p) -> {
            Object def = ((Map<String, Object>) p).get("Default");
            if (def != null) {
                names.put(name, def.toString());
            }
        });
        names.putAll(parameters);
        if (!secrets.isEmpty()) {
            try (SecretsManagerClient sm = aws.client(SecretsManagerClient.builder())) {
                secrets.forEach((param, value) -> names.put(param, secret(sm, stackName + "/" + param, value)));
            }
        }
        evaluateConditions();

        for (String id : idsOfType("AWS::DynamoDB::Table")) {
            String table = stackName + "-" + id;
            TableDefinition.fromTemplate(template, id).create(aws.dynamoDb(), table, streams);
            names.put(id, table);
            names.put(id + ".Arn", "arn:aws:dynamodb:" + aws.region() + ":" + ACCOUNT_ID + ":table/" + table);
            String stream = aws.dynamoDb().describeTable(r -> r.tableName(table)).table().latestStreamArn();
            if (stream != null) {
                names.put(id + ".StreamArn", stream);
            }
            log.accept("table " + table + (stream == null ? "" : " (stream " + stream + ")"));
        }
        for (String id : idsOfType(FunctionDefinition.TYPE)) {
            // Locally a function's name is its logical id (the invoke API serves it by that name).
            names.put(id, id);
            names.put(id + ".Arn", "arn:aws:lambda:" + aws.region() + ":" + ACCOUNT_ID + ":function:" + id);
            // !Ref Function.Alias (SAM: the alias "live"): locally the function itself
            names.put(id + ".Alias", id);
            // The role SAM adds for the function (logical id <Function>Role), named in resource
            // policies such as PendingChangesQueuePolicy.
            names.put(id + "Role", id + "Role");
            names.put(id + "Role.Arn", "arn:aws:iam::" + ACCOUNT_ID + ":role/" + id + "Role");
        }
        for (String id : idsOfType("AWS::Serverless::HttpApi")) {
            names.put(id, "local");
        }
        try (SnsClient sns = aws.client(SnsClient.builder()); SqsClient sqs = aws.client(SqsClient.builder());
             SesV2Client ses = aws.client(SesV2Client.builder())) {
            for (String id : idsOfType("AWS::SNS::Topic")) {
                String arn = sns.createTopic(r -> r.name(stackName + "-" + id)).topicArn();
                names.put(id, arn);
                names.put(id + ".TopicArn", arn);
                names.put(id + ".TopicName", stackName + "-" + id);
                log.accept("SNS topic " + arn);
            }
            createQueues(sqs, log);
            createEventBuses(aws, log);
            for (String id : idsOfType("AWS::SQS::QueuePolicy")) {
                if (!deployed(id)) {
                    continue;
                }
                Map<String, Object> p = template.properties(id);
                String policy = json(intrinsics().resolveTree(p.get("PolicyDocument")));
                for (Object q : (List<Object>) p.get("Queues")) {
                    String url = intrinsics().resolve(q);
                    sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(Map.of(QueueAttributeName.POLICY, policy)));
                }
            }
            for (String id : idsOfType("AWS::SNS::TopicPolicy")) {
                Map<String, Object> p = template.properties(id);
                String policy = json(intrinsics().resolveTree(p.get("PolicyDocument")));
                for (Object t : (List<Object>) p.get("Topics")) {
                    String arn = intrinsics().resolve(t);
                    sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("Policy").attributeValue(policy));
                }
            }
            for (String id : idsOfType("AWS::SNS::Subscription")) {
                Map<String, Object> p = template.properties(id);
                Intrinsics in = intrinsics();
                Map<String, String> attributes = new LinkedHashMap<>();
                if (p.containsKey("RawMessageDelivery")) {
                    attributes.put("RawMessageDelivery", in.resolve(p.get("RawMessageDelivery")));
                }
                String arn = sns.subscribe(r -> r.topicArn(in.resolve(p.get("TopicArn"))).protocol(in.resolve(p.get("Protocol")))
                        .endpoint(in.resolve(p.get("Endpoint"))).attributes(attributes).returnSubscriptionArn(true)).subscriptionArn();
                names.put(id, arn);
                log.accept("SNS subscription " + in.resolve(p.get("Protocol")) + " -> " + in.resolve(p.get("Endpoint")));
            }
            createSes(ses, log);
        }
        createRoles(aws, log);
    }

    /**
     * Each function's role, from its policies after the SAM transform, and STS credentials for it:
     * on an endpoint that enforces IAM, a call the role does not allow fails with AccessDenied.
     */
    private void createRoles(LocalAws aws, Consumer<String> log) {
        if (!aws.enforcesIam()) {
            notes.add(aws.kind() + " does not enforce IAM: the functions run with the endpoint's own credentials");
            return;
        }
        Intrinsics in = intrinsics();
        FunctionRoles.of(template.path()).forEach((id, role) -> {
            Object condition = template.resources().get(id) instanceof Map<?, ?> r ? r.get("Condition") : null;
            if (condition != null && !conditions.getOrDefault(condition.toString(), false)) {
                return;
            }
            String name = stackName + "-" + id;
            roleCredentials.put(id, LocalIam.assumeRole(aws, name.substring(0, Math.min(64, name.length())), id,
                    role.statements(this::isTrue), in));
            log.accept("IAM role " + name + " (" + role.allowedActions(this::isTrue).size() + " actions) for " + id);
        });
    }

    /**
     * The credentials a function runs with here, as Lambda sets them (AWS_ACCESS_KEY_ID,
     * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): its role's where the endpoint enforces IAM,
     * otherwise nothing (the endpoint's own credentials stand).
     */
    public Map<String, String> functionCredentials(String functionId) {
        AwsCredentials c = roleCredentials.get(functionId);
        return c == null ? Map.of() : LocalIam.environment(c);
    }

    private void createQueues(SqsClient sqs, Consumer<String> log) {
        // Queues may refer to one another (redrive to a dead-letter queue): create each once what
        // it refers to exists.
        List<String> pending = new ArrayList<>(idsOfType("AWS::SQS::Queue"));
        while (!pending.isEmpty()) {
            boolean progress = false;
            for (String id : List.copyOf(pending)) {
                Map<String, String> attributes;
                try {
                    attributes = queueAttributes(template.properties(id));
                } catch (IllegalStateException notYet) {
                    continue;
                }
                String name = stackName + "-" + id;
                String url = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes)).queueUrl();
                String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                        .attributes().get(QueueAttributeName.QUEUE_ARN);
                names.put(id, url);
                names.put(id + ".QueueUrl", url);
                names.put(id + ".Arn", arn);
                names.put(id + ".QueueName", name);
                log.accept("SQS queue " + url + (attributes.containsKey("RedrivePolicy") ? " (redrive " + attributes.get("RedrivePolicy") + ")" : ""));
                pending.remove(id);
                progress = true;
            }
            if (!progress) {
                throw new IllegalStateException("cannot create queues " + pending + ": they refer to something not deployed locally");
            }
        }
    }

    private Map<String, String> queueAttributes(Map<String, Object> p) {
        Intrinsics in = intrinsics();
        Map<String, String> a = new LinkedHashMap<>();
        // KmsMasterKeyId is left out on purpose: the queues' keys (alias/aws/sqs, SesEventsKey) are
        // AWS-side encryption at rest that no code of optout sees, and the local endpoint holds no
        // such keys (moto would only record the id). Topics are likewise created without their key.
        for (String name : List.of("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
                "ReceiveMessageWaitTimeSeconds")) {
            if (p.containsKey(name)) {
                a.put(name, in.resolve(p.get(name)));
            }
        }
        if (p.containsKey("RedrivePolicy")) {
            a.put("RedrivePolicy", json(in.resolveTree(p.get("RedrivePolicy"))));
        }
        return a;
    }

    /** Whether a resource's condition (if any) holds here. */
    public boolean deployed(String logicalId) {
        Object condition = template.resources().get(logicalId) instanceof Map<?, ?> r ? r.get("Condition") : null;
        return condition == null || conditions.getOrDefault(condition.toString(), false);
    }

    /** The EventBridge buses (the change events'), by name; their rules and targets are the local runtime's. */
    private void createEventBuses(LocalAws aws, Consumer<String> log) {
        List<String> ids = idsOfType("AWS::Events::EventBus");
        if (ids.isEmpty()) {
            return;
        }
        try (software.amazon.awssdk.services.eventbridge.EventBridgeClient events =
                     aws.client(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder())) {
            for (String id : ids) {
                String name = intrinsics().resolve(template.properties(id).getOrDefault("Name", stackName + "-" + id));
                String arn;
                try {
                    arn = events.createEventBus(r -> r.name(name)).eventBusArn();
                } catch (software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException e) {
                    arn = events.describeEventBus(r -> r.name(name)).arn();
                }
                names.put(id, name);
                names.put(id + ".Name", name);
                names.put(id + ".Arn", arn);
                log.accept("EventBridge bus " + arn);
            }
        }
    }

    private void createSes(SesV2Client ses, Consumer<String> log) {
        // the identity the confirmation mails are sent as (moto refuses mail from an unverified one)
        Object identity = names.get("ConfirmationIdentity");
        if (identity != null && !identity.toString().isBlank()) {
            try {
                ses.createEmailIdentity(r -> r.emailIdentity(identity.toString()));
            } catch (AlreadyExistsException e) {
                // a reused endpoint: keep it
            }
            log.accept("SES identity " + identity);
        }
        for (String id : idsOfType("AWS::SES::ConfigurationSet")) {
            String name = intrinsics().resolve(template.properties(id).getOrDefault("Name", stackName + "-" + id));
            try {
                ses.createConfigurationSet(r -> r.configurationSetName(name));
            } catch (AlreadyExistsException e) {
                // a reused endpoint: keep it
            }
            names.put(id, name);
            log.accept("SES configuration set " + name);
        }
        for (String id : idsOfType("AWS::SES::ConfigurationSetEventDestination")) {
            Map<String, Object> p = template.properties(id);
            @SuppressWarnings("unchecked")
            Map<String, Object> dest = (Map<String, Object>) intrinsics().resolveTree(p.get("EventDestination"));
            String set = intrinsics().resolve(p.get("ConfigurationSetName"));
            @SuppressWarnings("unchecked")
            String topic = ((Map<String, Object>) dest.get("SnsDestination")).get("TopicARN").toString();
            @SuppressWarnings("unchecked")
            List<EventType> types = ((List<Object>) dest.get("MatchingEventTypes")).stream()
                    .map(t -> EventType.fromValue(t.toString().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase())).toList();
            try {
                ses.createConfigurationSetEventDestination(r -> r.configurationSetName(set)
                        .eventDestinationName(dest.get("Name").toString())
                        .eventDestination(e -> e.enabled(true).matchingEventTypes(types).snsDestination(s -> s.topicArn(topic))));
                log.accept("SES event destination " + types + " -> " + topic);
            } catch (SdkException e) {
                // moto answers 404 to CreateConfigurationSetEventDestination: expected, not a failure of the run
                boolean unsupported = e instanceof SdkServiceException s && s.statusCode() == 404;
                notes.add("SES events are not published locally ("
                        + (unsupported ? "the local SES has no event destinations" : "creating the event destination failed: " + firstLine(e.getMessage()))
                        + "): publish them to " + topic + " yourself with aws sns publish, as SES would (the demo commands below include one)");
            }
        }
    }

    private void evaluateConditions() {
        @SuppressWarnings("unchecked")
        Map<String, Object> declared = (Map<String, Object>) template.root().getOrDefault("Conditions", Map.of());
        declared.forEach((name, expr) -> conditions.put(name, condition(expr)));
    }

    private boolean condition(Object expr) {
        if (expr instanceof Template.Tagged t) {
            List<?> args = t.value() instanceof List<?> l ? l : List.of(t.value());
            switch (t.tag()) {
                case "!Equals":
                    return intrinsics().resolve(args.get(0)).equals(intrinsics().resolve(args.get(1)));
                case "!Not":
                    return !condition(args.get(0));
                case "!And":
                    return args.stream().allMatch(this::condition);
                case "!Or":
                    return args.stream().anyMatch(this::condition);
                case "!Condition":
                    return conditions.getOrDefault(t.value().toString(), false);
                default:
                    break;
            }
        }
        throw new IllegalStateException("condition " + expr + " cannot be evaluated locally");
    }

    private static String secret(SecretsManagerClient sm, String name, String value) {
        try {
            return sm.createSecret(r -> r.name(name).secretString(value)).arn();
        } catch (ResourceExistsException e) {
            sm.putSecretValue(r -> r.secretId(name).secretString(value));
            return sm.describeSecret(r -> r.secretId(name)).arn();
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
