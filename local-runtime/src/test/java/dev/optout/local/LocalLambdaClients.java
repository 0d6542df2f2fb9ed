package dev.optout.local;

import dev.optout.localaws.LocalAws;
import java.time.Duration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/** The AWS SDK's LambdaClient on a local runtime's invoke API, as a pipeline would build it. */
final class LocalLambdaClients {
    private LocalLambdaClients() {
    }

    /** @param socketTimeout how long an invocation may take to answer */
    static LambdaClient of(LocalRuntime runtime, LocalAws aws, Duration socketTimeout) {
        return LambdaClient.builder().endpointOverride(runtime.lambdaEndpoint()).region(Region.of(aws.region()))
                .credentialsProvider(aws.credentials())
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(socketTimeout).build()).build();
    }

    /** Closes the client, then the runtime (either may be null: a start that failed). */
    static void stop(LambdaClient lambda, LocalRuntime runtime) {
        if (lambda != null) {
            lambda.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }
}
