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
import software.amazon.awssdk.retries.api.BackoffStrategy;

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

    /**
     * How long one SDK call may take in all, each attempt of it, and how often it is retried.
     *
     * @param apiCallTimeout        the whole call, retries and their waits included
     * @param attemptTimeout        one attempt (null: only the whole call is bounded)
     * @param maxAttempts           attempts in all (null: the service's default)
     * @param backoffMax            the longest wait between attempts, throttled or not (null: the SDK's default)
     */
    public record CallBudget(Duration apiCallTimeout, Duration attemptTimeout, Integer maxAttempts, Duration backoffMax) {
        /** Work nobody waits on in a browser: the SDK's retries, within 20 s. */
        public static final CallBudget DEFAULT = new CallBudget(Duration.ofSeconds(20), null, null, null);

        /**
         * A person waiting on a page or a mail client on a one-click: DynamoDB answers in
         * milliseconds when it works, so an attempt gets 500 ms and the call 1.5 s (three attempts,
         * waits of at most 200 ms). Past that the caller queues the opt-out (pending changes) and
         * answers at once, well within the 3 s a mail client waits, instead of after the SDK's
         * default throttling backoff of many seconds.
         */
        public static final CallBudget USER_FACING = new CallBudget(Duration.ofMillis(1500), Duration.ofMillis(500), 3,
                Duration.ofMillis(200));
    }

    /** Configures any SDK v2 sync client builder: {@code clients.configure(DynamoDbClient.builder()).build()}. */
    public <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(B builder) {
        return configure(builder, CallBudget.DEFAULT);
    }

    /** As {@link #configure(AwsSyncClientBuilder)}, within this call budget. */
    public <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(B builder, CallBudget budget) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(budget.apiCallTimeout())
                .addExecutionInterceptor(DryRunInterceptor.INSTANCE);
        if (budget.attemptTimeout() != null) {
            override.apiCallAttemptTimeout(budget.attemptTimeout());
        }
        if (budget.maxAttempts() != null || budget.backoffMax() != null) {
            // Applied to the service's own retry strategy: its retry and throttling conditions stay.
            override.retryStrategy(r -> {
                if (budget.maxAttempts() != null) {
                    r.maxAttempts(budget.maxAttempts());
                }
                if (budget.backoffMax() != null) {
                    r.backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(25), budget.backoffMax()));
                    r.throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(50), budget.backoffMax()));
                }
            });
        }
        builder.httpClient(http)
                .region(Region.of(settings.required(Settings.AWS_REGION)))
                .credentialsProvider(credentials())
                .overrideConfiguration(override.build());
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
