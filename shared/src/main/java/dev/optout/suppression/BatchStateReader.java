package dev.optout.suppression;


import static dev.optout.suppression.TableLayout.*;

import dev.optout.snapstart.RenewableRandom;
import dev.optout.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads the state of many addresses for one topic with BatchGetItem: at most 100 keys a request
 * (the DynamoDB limit), several requests in flight, only the attributes the decision needs, and
 * {@code UnprocessedKeys} retried with full-jitter backoff until done or the deadline is near.
 *
 * <p>Fails closed: if any key cannot be read in time, the whole read fails with
 * {@link StoreUnavailableException}; it never returns a partial answer.
 */
public final class BatchStateReader implements AutoCloseable {
    public static final int MAX_KEYS_PER_REQUEST = 100;
    private static final long BACKOFF_BASE_MS = 20;
    private static final long BACKOFF_CAP_MS = 1_000;
    /** Leave at least this much of the budget for one more request and the answer. */
    private static final Duration LAST_REQUEST_MARGIN = Duration.ofMillis(300);

    private final DynamoDbClient dynamo;
    private final String tableName;
    private final int parallelism;
    private final ExecutorService executor;
    /** Backoff jitter: renewed after a SnapStart restore so restored environments do not retry in step. */
    private final RenewableRandom jitter;

    public BatchStateReader(DynamoDbClient dynamo, String tableName, int parallelism) {
        this(dynamo, tableName, parallelism, new RenewableRandom());
    }

    public BatchStateReader(DynamoDbClient dynamo, String tableName, int parallelism, RenewableRandom jitter) {
        this.jitter = Objects.requireNonNull(jitter);
        this.dynamo = Objects.requireNonNull(dynamo);
        this.tableName = Objects.requireNonNull(tableName);
        this.parallelism = parallelism;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "optout-batch-read-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int parallelism() {
        return parallelism;
    }

    /**
     * The state of each address key for {@code topic}; keys never seen map to
     * {@link AddressState#unknown}. A {@code null} topic (a transactional check) reads the whole
     * item, as {@link #readComplete} does.
     */
    public Map<String, AddressState> read(Collection<String> addressKeys, Topic topic, Deadline deadline) {
        List<String> keys = new ArrayList<>(addressKeys);
        List<Future<Map<String, AddressState>>> futures = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += MAX_KEYS_PER_REQUEST) {
            List<String> chunk = keys.subList(i, Math.min(keys.size(), i + MAX_KEYS_PER_REQUEST));
            futures.add(executor.submit(() -> readChunk(chunk, topic, deadline)));
        }
        Map<String, AddressState> states = new HashMap<>(keys.size() * 2);
        try {
            for (Future<Map<String, AddressState>> f : futures) {
                long waitMs = Math.max(1, deadline.remaining().toMillis());
                states.putAll(f.get(waitMs, TimeUnit.MILLISECONDS));
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof StoreUnavailableException sue ? sue
                    : new StoreUnavailableException("reading the suppression table failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("reading the suppression table did not finish within the invocation's time budget");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while reading the suppression table");
        } finally {
            futures.forEach(f -> f.cancel(true));
        }
        return states;
    }

    /**
     * The complete state of each address key (every mark, topic choice and the forgotten mark),
     * for callers that decide more than one topic, e.g. an import; same batching and failure rules.
     */
    public Map<String, AddressState> readComplete(Collection<String> addressKeys, Deadline deadline) {
        return read(addressKeys, null, deadline);
    }

    private Map<String, AddressState> readChunk(List<String> addressKeys, Topic topic, Deadline deadline) throws InterruptedException {
        Map<String, String> names = topic == null ? null : projectionNames(topic);
        String projection = names == null ? null : String.join(", ", names.keySet());
        List<Map<String, AttributeValue>> pending = new ArrayList<>(addressKeys.size());
        for (String k : addressKeys) {
            pending.add(stateKey(k));
        }
        Map<String, AddressState> found = new HashMap<>(addressKeys.size() * 2);
        // retried for as long as the invocation's time budget allows one more request after the wait
        new UnprocessedRetry(BACKOFF_BASE_MS, BACKOFF_CAP_MS, Integer.MAX_VALUE, jitter).drain(pending, request -> {
            BatchGetItemResponse response;
            try {
                // Strongly consistent: an opt-out acknowledged a moment ago must block the very next
                // check (twice the read units of an eventually consistent read).
                response = dynamo.batchGetItem(r -> r.requestItems(Map.of(tableName, KeysAndAttributes.builder()
                        .keys(request).consistentRead(true).projectionExpression(projection).expressionAttributeNames(names).build())));
            } catch (SdkException e) {
                throw new StoreUnavailableException("BatchGetItem on " + tableName + " failed: " + e.getMessage(), e);
            }
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(tableName, List.of())) {
                String key = item.get(PK).s().substring(ADDRESS_PREFIX.length());
                found.put(key, decodeState(key, item));
            }
            KeysAndAttributes unprocessed = response.unprocessedKeys().get(tableName);
            return unprocessed == null ? List.of() : unprocessed.keys();
        }, sleep -> deadline.allows(LAST_REQUEST_MARGIN.plusMillis(sleep)), "keys");
        for (String k : addressKeys) {
            found.putIfAbsent(k, AddressState.unknown(k));
        }
        return found;
    }

    /**
     * Only what {@link SendPolicy} reads for this topic ({@link SendPolicy.Reads}): expression
     * attribute names, each used as is in the ProjectionExpression (public so the check benchmark's
     * floor reads exactly this).
     */
    public static Map<String, String> projectionNames(Topic topic) {
        Objects.requireNonNull(topic, "topic");
        Map<String, String> names = new HashMap<>();
        names.put("#pk", PK);
        names.put("#updatedAt", UPDATED_AT);
        for (SendPolicy.Reads r : SendPolicy.Reads.values()) {
            switch (r) {
                case HARD_BOUNCE -> names.put("#hard", HARD_BOUNCE);
                case SOFT_BOUNCE -> names.put("#soft", SOFT_BOUNCE);
                case COMPLAINT -> names.put("#complaint", COMPLAINT);
                case UNSUBSCRIBED_ALL -> names.put("#unsub", UNSUBSCRIBED_ALL);
                case OPERATOR_HOLD -> names.put("#hold", OPERATOR_HOLD);
                case FREQUENCY -> names.put("#freq", FREQUENCY);
                case TOPIC_OPT_OUT -> names.put("#out", TOPIC_OPT_OUT + topic.id());
                case TOPIC_OPT_IN -> names.put("#in", TOPIC_OPT_IN + topic.id());
                case TOPIC_FREQUENCY -> names.put("#tfreq", TOPIC_FREQUENCY + topic.id());
                case SOFT_BOUNCE_TIMES -> names.put("#softTimes", SOFT_BOUNCE_TIMES);
                case HARD_BOUNCE_LAST -> names.put("#hardLast", HARD_BOUNCE_LAST);
            }
        }
        return names;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
