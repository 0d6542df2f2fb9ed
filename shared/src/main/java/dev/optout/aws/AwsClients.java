package dev.optout.aws;

import dev.optout.config.Settings;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients the same way in every function, once, at init: region from
 * {@code AWS_REGION}, the light URL-connection HTTP client, an explicitly chosen credentials
 * provider, and an endpoint override only where {@code AWS_ENDPOINT_URL} is set (local runs).
 */
public final class AwsClients {
    private final Settings settings;
    private final SdkHttpClient http;

    public AwsClients(Settings settings) {
        this.settings = settings;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Configures any SDK v2 sync client builder: {@code clients.configure(DynamoDbClient.builder()).build()}. */
    public <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(B builder) {
        builder.httpClient(http)
                .region(Region.of(settings.required(Settings.AWS_REGION)))
                .credentialsProvider(credentials())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .addExecutionInterceptor(DryRunInterceptor.INSTANCE)
                        .build());
        settings.optional(Settings.AWS_ENDPOINT_URL).ifPresent(u -> builder.endpointOverride(URI.create(u)));
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        var accessKey = settings.optional("AWS_ACCESS_KEY_ID");
        var secretKey = settings.optional("AWS_SECRET_ACCESS_KEY");
        if (accessKey.isPresent() && secretKey.isPresent()) {
            var sessionToken = settings.optional("AWS_SESSION_TOKEN");
            if (sessionToken.isPresent()) {
                // Lambda without SnapStart: the execution role's credentials, as Lambda sets them.
                return StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(accessKey.get(), secretKey.get(), sessionToken.get()));
            }
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(), secretKey.get()));
        }
        // Lambda with SnapStart serves the role's credentials from a container endpoint, so that a
        // restored snapshot never reuses credentials captured at snapshot time.
        return ContainerCredentialsProvider.create();
    }
}
