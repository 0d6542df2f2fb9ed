package dev.optout.aws;

import dev.optout.snapstart.DryRun;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Stops, during {@link DryRun priming}, every call that is not known to only read, after the SDK
 * has marshalled and signed it and before it is sent. Known reads (Get*, BatchGet*, Query, Scan,
 * Describe*, List*) go through: priming reads real state. Anything else, writes and operations
 * not listed alike, is stopped (an allowlist, so a new write is stopped too).
 */
public final class DryRunInterceptor implements ExecutionInterceptor {
    static final DryRunInterceptor INSTANCE = new DryRunInterceptor();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (!DryRun.active()) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (!readsOnly(operation)) {
            throw SdkClientException.create("priming: " + operation + " was built and not sent");
        }
    }

    static boolean readsOnly(String operation) {
        return operation != null && (operation.startsWith("Get") || operation.startsWith("BatchGet")
                || operation.equals("Query") || operation.equals("Scan")
                || operation.startsWith("Describe") || operation.startsWith("List"));
    }
}
