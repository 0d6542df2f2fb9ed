package dev.optout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.campaign.GuardThresholds;
import dev.optout.config.ConfigurationException;
import dev.optout.erasure.AddressErasure.Copies;
import dev.optout.wiring.SecretKeys;
import dev.optout.config.Settings;
import dev.optout.json.Json;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * An open target: the store over the target's table with the address-hash key read as the
 * functions read it (the secret named by its ARN, through Secrets Manager), the topic catalog,
 * and who is acting. Built from {@code .optout/local.json} or a stack's outputs, never from a
 * table name the operator types.
 */
public final class Operator implements AutoCloseable {
    /** template.yaml outputs the command line reads from a deployed stack. */
    public static final String TABLE_OUTPUT = "SuppressionTableName";
    public static final String ADDRESS_KEY_OUTPUT = "AddressHashKeySecretArn";
    /** template.yaml parameters of the campaign guard, and the settings the functions get them as. */
    static final Map<String, String> GUARD_PARAMETERS = Map.of(
            "CampaignComplaintRate", Settings.CAMPAIGN_COMPLAINT_RATE,
            "CampaignComplaintMinSends", Settings.CAMPAIGN_COMPLAINT_MIN_SENDS,
            "CampaignBounceRate", Settings.CAMPAIGN_BOUNCE_RATE,
            "CampaignBounceMinSends", Settings.CAMPAIGN_BOUNCE_MIN_SENDS,
            "CampaignCounterShards", Settings.CAMPAIGN_COUNTER_SHARDS,
            "CampaignSenderRejections", Settings.CAMPAIGN_SENDER_REJECTIONS);

    private final String description;
    private final SdkHttpClient http;
    private final DynamoDbClient dynamo;
    private final SuppressionStore store;
    private final TopicCatalog catalog;
    private final String actor;
    private final Guard guard;
    private final Copies copies;
    private final Access access;
    private final Clock clock = Clock.systemUTC();
    /** The expiry policy the target's check uses: the template's defaults locally, the stack's parameters for a stack. */
    private dev.optout.suppression.ExpiryPolicy expiry = dev.optout.suppression.ExpiryPolicy.DEFAULT;

    /** The campaign guard's thresholds as the target's functions use them, and where they come from. */
    public record Guard(GuardThresholds thresholds, String origin) {
    }

    /** template.yaml's queues as .optout/local.json names their URLs. */
    static final Map<String, String> LOCAL_QUEUES = orderedMap(
            "pendingChangesQueueUrl", "PendingChangesQueue",
            "pendingChangesDeadLetterQueueUrl", "PendingChangesDeadLetterQueue",
            "feedbackQueueUrl", "SesEventsQueue",
            "feedbackDeadLetterQueueUrl", "SesEventsDeadLetterQueue",
            "inboundDeadLetterQueueUrl", "InboundUnsubscribeDeadLetterQueue");

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The local runtime's admin identity, as {@code .optout/local.json} names it (its moto enforces
     * IAM); a local.json written before it named one came from a runtime whose moto took any credentials.
     */
    static AwsCredentialsProvider localCredentials(JsonNode localJson) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                localJson.path("awsAccessKeyId").asText("testing"), localJson.path("awsSecretAccessKey").asText("testing")));
    }

    private record Access(Region region, URI endpoint, AwsCredentialsProvider credentials,
                          List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        Access(Region region, URI endpoint, AwsCredentialsProvider credentials) {
            this(region, endpoint, credentials, List.of());
        }

        Access with(OptoutCli.Context context) {
            return new Access(region, endpoint, credentials, List.copyOf(context.interceptors()));
        }
    }

    private Operator(String description, SdkHttpClient http, DynamoDbClient dynamo, SuppressionStore store,
                     TopicCatalog catalog, String actor, Guard guard, Copies copies, Access access) {
        this.description = description;
        this.guard = guard;
        this.copies = copies;
        this.access = access;
        this.http = http;
        this.dynamo = dynamo;
        this.store = store;
        this.catalog = catalog;
        this.actor = actor;
    }

    static Operator forLocal(JsonNode localJson, Path keysJson, String actor, OptoutCli.Context context) {
        String endpoint = localJson.path("awsEndpoint").asText(null);
        String region = localJson.path("region").asText(null);
        String table = localJson.path("tableName").asText(null);
        if (endpoint == null || region == null || table == null) {
            throw new Refusal("local.json lacks awsEndpoint, region or tableName; restart ./optout local to rewrite it");
        }
        Map<String, String> settings = new HashMap<>();
        String secretArn = localJson.path("addressHashKeySecretArn").asText(null);
        if (secretArn != null) {
            settings.put(Settings.ADDRESS_HASH_KEY_SECRET_ARN, secretArn);
        } else {
            // local.json written by an older ./optout local: the key as keys.json keeps it.
            settings.put(Settings.ADDRESS_HASH_KEY, readKeysJson(keysJson).path(ADDRESS_KEY_OUTPUT).asText(""));
        }
        AwsCredentialsProvider credentials = localCredentials(localJson);
        // ./optout local gives the functions template.yaml's parameter defaults, which are the guard's defaults.
        Guard guard = new Guard(GuardThresholds.DEFAULTS, "the template's defaults, as ./optout local runs them");
        Map<String, String> queues = new java.util.LinkedHashMap<>();
        LOCAL_QUEUES.forEach((field, logicalId) -> {
            String url = localJson.path(field).asText(null);
            if (url != null) {
                queues.put(logicalId, url);
            }
        });
        Copies copies = new Copies("true".equals(localJson.path("sesSuppressionMirroring").asText("false")), queues);
        return open("the local instance (table " + table + ")", table, settings, new Access(Region.of(region), URI.create(endpoint),
                credentials), actor, guard, copies, context);
    }

    static Operator forStack(String stack, String regionName, String endpointUrl, String actor, OptoutCli.Context context) {
        Region region;
        try {
            region = regionName != null ? Region.of(regionName) : DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkException e) {
            throw new UsageError("no AWS region: give --region R (or set AWS_REGION)");
        }
        URI endpoint = endpointUrl == null ? null : URI.create(endpointUrl);
        AwsCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
        Map<String, String> outputs;
        Map<String, String> parameters;
        Map<String, String> queues;
        SdkHttpClient http = UrlConnectionHttpClient.builder().build();
        try (CloudFormationClient cfn = configure(CloudFormationClient.builder(), http, region, endpoint, credentials).build()) {
            Stack described = cfn.describeStacks(r -> r.stackName(stack)).stacks().get(0);
            outputs = described.outputs().stream()
                    .collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a));
            parameters = described.parameters().stream().filter(p -> p.parameterValue() != null)
                    .collect(Collectors.toMap(Parameter::parameterKey, Parameter::parameterValue, (a, b) -> a));
            // a queue's physical id is its URL (ListStackResources pages; DescribeStackResources stops at 100)
            queues = cfn.listStackResourcesPaginator(r -> r.stackName(stack)).stackResourceSummaries().stream()
                    .filter(r -> "AWS::SQS::Queue".equals(r.resourceType()) && r.physicalResourceId() != null)
                    .collect(Collectors.toMap(StackResourceSummary::logicalResourceId, StackResourceSummary::physicalResourceId,
                            (a, b) -> a, java.util.LinkedHashMap::new));
        } catch (SdkException e) {
            throw new Refusal("cannot read stack " + stack + " in " + region + ": " + e.getMessage()
                    + "\n  Check the name and --region, and that your AWS credentials may call cloudformation:DescribeStacks"
                    + " and cloudformation:ListStackResources.");
        } finally {
            http.close();
        }
        for (String needed : List.of(TABLE_OUTPUT, ADDRESS_KEY_OUTPUT)) {
            if (!outputs.containsKey(needed)) {
                throw new Refusal("stack " + stack + " has no output " + needed
                        + ": deploy the current template.yaml (sam deploy), which declares it, then run this again");
            }
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(Settings.ADDRESS_HASH_KEY_SECRET_ARN, outputs.get(ADDRESS_KEY_OUTPUT));
        Copies copies = new Copies("true".equals(parameters.get("SesSuppressionMirroring")), queues);
        Operator operator = open("stack " + stack + " in " + region + " (table " + outputs.get(TABLE_OUTPUT) + ")", outputs.get(TABLE_OUTPUT),
                settings, new Access(region, endpoint, credentials), actor, guard(stack, parameters), copies, context);
        operator.expiry = expiry(stack, parameters);
        return operator;
    }

    /** The stops' expiry from the stack's parameters (a stack deployed before them: the defaults). */
    static dev.optout.suppression.ExpiryPolicy expiry(String stack, Map<String, String> parameters) {
        try {
            long soft = Long.parseLong(parameters.getOrDefault("SoftBounceStopExpiryDays",
                    Long.toString(dev.optout.suppression.ExpiryPolicy.DEFAULT_SOFT_BOUNCE_STOP.toDays())));
            long hard = Long.parseLong(parameters.getOrDefault("HardBounceExpiryDays", "0"));
            return dev.optout.suppression.ExpiryPolicy.ofDays(soft, hard);
        } catch (IllegalArgumentException e) {
            throw new Refusal("stack " + stack + " has an expiry parameter this command cannot read: " + e.getMessage());
        }
    }

    /** How long stops stand by policy on the target, as its check judges them. */
    public dev.optout.suppression.ExpiryPolicy expiry() {
        return expiry;
    }

    /**
     * The guard's thresholds from the stack's parameters, read the way the feedback function reads
     * them ({@link GuardThresholds#from}); parameters a stack lacks (deployed before the guard) are
     * the defaults.
     */
    static Guard guard(String stack, Map<String, String> parameters) {
        Map<String, String> values = new HashMap<>();
        GUARD_PARAMETERS.forEach((parameter, setting) -> {
            if (parameters.containsKey(parameter)) {
                values.put(setting, parameters.get(parameter));
            }
        });
        try {
            return new Guard(GuardThresholds.from(Settings.of(values)), values.size() == GUARD_PARAMETERS.size()
                    ? "stack " + stack + "'s parameters" : "stack " + stack + "'s parameters, defaults for those it lacks");
        } catch (ConfigurationException e) {
            throw new Refusal("stack " + stack + " has a campaign guard parameter this command cannot read: " + e.getMessage());
        }
    }

    private static Operator open(String description, String table, Map<String, String> keySettings, Access access,
                                 String actor, Guard guard, Copies copies, OptoutCli.Context context) {
        Region region = access.region();
        URI endpoint = access.endpoint();
        AwsCredentialsProvider credentials = access.credentials();
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(30)).build();
        DynamoDbClient dynamo = null;
        try {
            Map<String, String> env = new HashMap<>(context.env());
            env.putAll(keySettings);
            Settings settings = Settings.of(env);
            AddressKeys keys;
            try (SecretsManagerClient secrets = configure(SecretsManagerClient.builder(), http, region, endpoint, credentials).build()) {
                keys = SecretKeys.addressKeysOnce(settings, () -> secrets);
            } catch (ConfigurationException | IllegalArgumentException e) {
                throw new Refusal("cannot read the address-hash key of " + description + ": " + e.getMessage()
                        + "\n  Your credentials need secretsmanager:GetSecretValue on it.");
            }
            TopicCatalog catalog;
            try {
                catalog = TopicCatalog.load(settings);
            } catch (ConfigurationException e) {
                throw new Refusal("the topic catalog cannot be read: " + e.getMessage() + " (check TOPIC_CATALOG)");
            }
            String who = actor != null && !actor.isBlank() ? actor.strip() : callerIdentity(http, region, endpoint, credentials);
            dynamo = configure(DynamoDbClient.builder(), http, region, endpoint, credentials)
                    .overrideConfiguration(c -> context.interceptors().forEach(c::addExecutionInterceptor)).build();
            return new Operator(description, http, dynamo, new SuppressionStore(dynamo, table, keys, Clock.systemUTC()), catalog, who, guard,
                    copies, access.with(context));
        } catch (RuntimeException e) {
            if (dynamo != null) {
                dynamo.close();
            }
            http.close();
            throw e;
        }
    }

    private static String callerIdentity(SdkHttpClient http, Region region, URI endpoint, AwsCredentialsProvider credentials) {
        try (StsClient sts = configure(StsClient.builder(), http, region, endpoint, credentials).build()) {
            return sts.getCallerIdentity().arn();
        } catch (SdkException e) {
            throw new Refusal("cannot tell who you are (STS GetCallerIdentity: " + e.getMessage()
                    + "); sign in to AWS, or name yourself with --actor WHO");
        }
    }

    static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(
            B builder, SdkHttpClient http, Region region, URI endpoint, AwsCredentialsProvider credentials) {
        builder.httpClient(http).region(region).credentialsProvider(credentials);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    private static JsonNode readKeysJson(Path keysJson) {
        try {
            return Json.MAPPER.readTree(Files.readString(keysJson));
        } catch (IOException e) {
            throw new Refusal("local.json names no address-hash key secret and " + keysJson + " cannot be read ("
                    + e.getMessage() + "); restart ./optout local");
        }
    }

    /** Canonicalizes an address given on the command line; a bad one is a usage error that says why. */
    public static EmailAddress address(String raw) {
        try {
            return AddressParser.parse(raw);
        } catch (InvalidAddressException e) {
            throw new UsageError("'" + raw + "' is not an email address: " + e.getMessage());
        }
    }

    public String description() {
        return description;
    }

    public SuppressionStore store() {
        return store;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public String tableName() {
        return store.tableName();
    }

    public TopicCatalog catalog() {
        return catalog;
    }

    public String actor() {
        return actor;
    }

    public Clock clock() {
        return clock;
    }

    /** The campaign guard's thresholds (and shard count) the target's functions use. */
    public Guard guard() {
        return guard;
    }

    /** Where copies of an address live outside the table (erasure). */
    public Copies copies() {
        return copies;
    }

    /** An SES v2 client on the target (the caller closes it). */
    public SesV2Client sesV2() {
        return configure(SesV2Client.builder(), http, access.region(), access.endpoint(), access.credentials())
                .overrideConfiguration(c -> access.interceptors().forEach(c::addExecutionInterceptor)).build();
    }

    /** An SQS client on the target (the caller closes it). */
    public SqsClient sqs() {
        return configure(SqsClient.builder(), http, access.region(), access.endpoint(), access.credentials())
                .overrideConfiguration(c -> access.interceptors().forEach(c::addExecutionInterceptor)).build();
    }

    /** A reader of complete states, {@code parallelism} BatchGetItem requests in flight. */
    public BatchStateReader reader(int parallelism) {
        return new BatchStateReader(dynamo, store.tableName(), parallelism);
    }

    @Override
    public void close() {
        dynamo.close();
        http.close();
    }
}
