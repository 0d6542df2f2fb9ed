package dev.optout.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The floor of a Java Lambda cold start for these functions: a JVM that only reads the function's
 * secrets (one SDK Secrets Manager call, as the functions do) and makes one DynamoDB call, with the
 * URL-connection HTTP client. No function can start faster than this.
 * Usage: {@code FloorProgram <endpoint> <table> [secret id...]}; prints {@code FIRST_RESPONSE}.
 */
public final class FloorProgram {
    private FloorProgram() {
    }

    public static void main(String[] args) {
        URI endpoint = URI.create(args[0]);
        Region region = Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        // the local endpoint's credentials, from the environment the benchmark gives every program it runs
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
                System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "testing"), System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "testing")));
        SdkHttpClient http = UrlConnectionHttpClient.create();
        List<String> secretIds = List.of(args).subList(2, args.length);
        if (!secretIds.isEmpty()) {
            try (SecretsManagerClient secrets = SecretsManagerClient.builder().httpClient(http).region(region)
                    .credentialsProvider(credentials).endpointOverride(endpoint).build()) {
                secrets.batchGetSecretValue(r -> r.secretIdList(secretIds));
            }
        }
        try (DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(http).region(region)
                .credentialsProvider(credentials).endpointOverride(endpoint).build()) {
            dynamo.getItem(r -> r.tableName(args[1]).key(Map.of(
                    "pk", AttributeValue.fromS("A#floor"), "sk", AttributeValue.fromS("STATE"))));
            System.out.println("FIRST_RESPONSE");
        }
        System.exit(0);
    }
}
