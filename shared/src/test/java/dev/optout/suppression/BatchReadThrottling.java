package dev.optout.suppression;

import dev.optout.localaws.LocalAws;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Rewrites real {@code BatchGetItem} answers as DynamoDB does under throttling: the first
 * {@code times} answers hand back every key they were asked for, unprocessed (the check's and the
 * batch reader's retry of unprocessed keys, tested on the real SDK against moto). Shipped in the
 * core's test jar with {@link StoreFixture}.
 */
public final class BatchReadThrottling implements ExecutionInterceptor {
    private final AtomicInteger handedBack = new AtomicInteger();
    private final int times;

    /** @param times how many answers hand every key back ({@code Integer.MAX_VALUE}: all of them) */
    public BatchReadThrottling(int times) {
        this.times = times;
    }

    /** How many answers handed their keys back so far. */
    public int handedBack() {
        return handedBack.get();
    }

    /** A client of {@code aws} whose batch reads go through this throttling. */
    public DynamoDbClient client(LocalAws aws) {
        return aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(this)));
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (context.response() instanceof BatchGetItemResponse && context.request() instanceof BatchGetItemRequest req
                && handedBack.getAndUpdate(n -> n < times ? n + 1 : n) < times) {
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>(req.requestItems());
            Map<String, List<Map<String, AttributeValue>>> none = new HashMap<>();
            unprocessed.keySet().forEach(t -> none.put(t, List.of()));
            return BatchGetItemResponse.builder().responses(none).unprocessedKeys(unprocessed).build();
        }
        return context.response();
    }
}
