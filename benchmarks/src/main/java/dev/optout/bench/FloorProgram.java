package dev.optout.bench;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The floor of a Java Lambda cold start: a JVM that only builds an SDK DynamoDB client (the
 * URL-connection HTTP client) and makes one call. No function can start faster than this.
 * Usage: {@code FloorProgram <endpoint> <table>}; prints {@code FIRST_RESPONSE}.
 */
public final class FloorProgram {
    private FloorProgram() {
    }

    public static void main(String[] args) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .endpointOverride(URI.create(args[0])).build()) {
            dynamo.getItem(r -> r.tableName(args[1]).key(java.util.Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("A#floor"),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("STATE"))));
            System.out.println("FIRST_RESPONSE");
        }
        System.exit(0);
    }
}
