package dev.optout.localaws;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A real AWS wire endpoint on this machine, found in this order:
 * <ol>
 *   <li>{@code OPTOUT_AWS_ENDPOINT}: any endpoint you name (a running moto or LocalStack);</li>
 *   <li>moto's server, started on a free loopback port (installed with pip where missing);</li>
 *   <li>LocalStack through Testcontainers, where a Docker engine answers;</li>
 * </ol>
 * and otherwise a failure that says what to install. Code under test reaches it through the
 * real SDK with an endpoint override: the same code path as in production.
 */
public final class LocalAws implements AutoCloseable {
    public static final String ENDPOINT_VARIABLE = "OPTOUT_AWS_ENDPOINT";
    public static final String REGION = "us-east-1";
    private static final String ACCESS_KEY = "testing";
    private static final String SECRET_KEY = "testing";

    private final URI endpoint;
    private final String kind;
    private final AutoCloseable owned;
    private final SdkHttpClient http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build();
    private volatile DynamoDbClient dynamo;
    private volatile boolean closed;
    /** The admin identity where this endpoint enforces IAM (optout's moto server); null elsewhere. */
    private volatile AwsCredentials admin;

    private LocalAws(URI endpoint, String kind, AutoCloseable owned) {
        this.endpoint = endpoint;
        this.kind = kind;
        this.owned = owned;
    }

    public static LocalAws start() {
        Optional<String> named = Optional.ofNullable(System.getenv(ENDPOINT_VARIABLE)).filter(s -> !s.isBlank());
        if (named.isPresent()) {
            return new LocalAws(URI.create(named.get().strip()), ENDPOINT_VARIABLE + "=" + named.get(), null);
        }
        if (MotoServer.installIfMissing()) {
            MotoServer moto = MotoServer.start();
            LocalAws aws = new LocalAws(moto.endpoint(), "moto_server on port " + moto.port(), moto);
            try {
                aws.admin = LocalIam.enforce(aws.endpoint, REGION, aws.http);
            } catch (RuntimeException e) {
                aws.close();
                throw e;
            }
            return aws;
        }
        Optional<LocalAws> localstack = LocalStack.startIfDockerAvailable();
        if (localstack.isPresent()) {
            return localstack.get();
        }
        throw new IllegalStateException("No local AWS endpoint for the tests. Install moto's server "
                + "(python3 -m pip install '" + MotoServer.requirement() + "'), or run Docker for LocalStack, or set "
                + ENDPOINT_VARIABLE + " to a running endpoint (e.g. http://127.0.0.1:5000).");
    }

    static LocalAws of(URI endpoint, String kind, AutoCloseable owned) {
        return new LocalAws(endpoint, kind, owned);
    }

    public URI endpoint() {
        return endpoint;
    }

    /** What this endpoint is, for messages: "moto_server on port 43121". */
    public String kind() {
        return kind;
    }

    public String region() {
        return REGION;
    }

    /** The admin identity: what the operator's and the tests' own calls use (never a function's). */
    public StaticCredentialsProvider credentials() {
        AwsCredentials a = admin;
        return StaticCredentialsProvider.create(a != null ? a : AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /**
     * Whether this endpoint checks each call against the caller's IAM policies (optout's moto
     * server does; an endpoint named by {@value #ENDPOINT_VARIABLE} or LocalStack is not assumed to).
     */
    public boolean enforcesIam() {
        return admin != null;
    }

    /**
     * The fault switch of this endpoint ({@link Faults}): DynamoDB unavailable or throttled on
     * demand. Works on optout's moto server; elsewhere {@link Faults#dynamoDb} says it cannot.
     */
    public Faults faults() {
        return new Faults(endpoint);
    }

    /**
     * The environment that reaches this endpoint as the admin (same names as in Lambda). A
     * function's own environment replaces the credentials with its role's ({@link LocalIam}).
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_REGION", REGION);
        env.putAll(LocalIam.environment(credentials().resolveCredentials()));
        return env;
    }

    /** Configures any SDK v2 sync client for this endpoint. */
    public <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder) {
        return client(builder, credentials());
    }

    /** A client of this endpoint with other credentials: a function's role ({@link LocalIam}). */
    public <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C client(B builder, AwsCredentialsProvider credentials) {
        return builder.httpClient(http).region(Region.of(REGION)).credentialsProvider(credentials)
                .endpointOverride(endpoint).build();
    }

    public DynamoDbClient dynamoDb() {
        if (dynamo == null) {
            synchronized (this) {
                if (dynamo == null) {
                    dynamo = client(DynamoDbClient.builder());
                }
            }
        }
        return dynamo;
    }

    /** Every item of a table, in key order: to show that something wrote nothing. */
    public java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items(String table) {
        return dynamoDb().scanPaginator(r -> r.tableName(table)).items().stream()
                .sorted(java.util.Comparator.comparing((Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> i)
                        -> i.get("pk").s()).thenComparing(i -> i.get("sk").s()))
                .toList();
    }

    /**
     * Whether the SES account suppression list (local-aws serves it as SES v2 does) holds
     * {@code address}: what a mirror, an erasure or an expiry left there, read back from SES.
     */
    public boolean sesSuppressionListHolds(String address) {
        try (software.amazon.awssdk.services.sesv2.SesV2Client ses = client(software.amazon.awssdk.services.sesv2.SesV2Client.builder())) {
            ses.getSuppressedDestination(r -> r.emailAddress(address));
            return true;
        } catch (software.amazon.awssdk.services.sesv2.model.NotFoundException e) {
            return false;
        }
    }

    /** Creates a fresh suppression table as template.yaml declares it; answers its name. */
    public String createSuppressionTable() {
        String name = "optout-test-" + UUID.randomUUID().toString().substring(0, 8);
        TableDefinition.suppressionTable().create(dynamoDb(), name);
        return name;
    }

    /** As {@link #createSuppressionTable()}, with the table's stream (new images) on: for the change events. */
    public String createSuppressionTableWithStream() {
        String name = "optout-test-" + UUID.randomUUID().toString().substring(0, 8);
        TableDefinition.suppressionTable().create(dynamoDb(), name, true);
        return name;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (dynamo != null) {
            dynamo.close();
        }
        http.close();
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // best effort at shutdown
            }
        }
    }
}
