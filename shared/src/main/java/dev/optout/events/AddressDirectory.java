package dev.optout.events;

import dev.optout.snapstart.RenewableRandom;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.TableLayout;
import dev.optout.suppression.UnprocessedRetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The addresses in clear that change events carry: history items hold only the address key, so
 * the address is read from the state item ({@code addr}, the erasable attribute) of each key,
 * strongly consistent, 100 keys per BatchGetItem, only that attribute. A key whose address was
 * erased (or never known: a mailto: change) has none, and its events carry the hash only.
 */
public final class AddressDirectory {
    private static final int MAX_KEYS = 100;
    private final DynamoDbClient dynamo;
    private final String table;
    private final UnprocessedRetry retry = new UnprocessedRetry(10, 500, 9, new RenewableRandom());

    public AddressDirectory(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * The address of each key that has one.
     *
     * @throws StoreUnavailableException when the table cannot be read (the records are retried)
     */
    public Map<String, String> addresses(Collection<String> addressKeys) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(addressKeys));
        Map<String, String> out = new HashMap<>();
        for (int from = 0; from < distinct.size(); from += MAX_KEYS) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String k : distinct.subList(from, Math.min(distinct.size(), from + MAX_KEYS))) {
                keys.add(TableLayout.stateKey(k));
            }
            retry.drain(keys, pending -> {
                try {
                    BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder()
                            .keys(pending).consistentRead(true)
                            .projectionExpression("#pk, #addr")
                            .expressionAttributeNames(Map.of("#pk", TableLayout.PK, "#addr", TableLayout.ADDRESS)).build())));
                    for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
                        AttributeValue addr = item.get(TableLayout.ADDRESS);
                        if (addr != null && addr.s() != null) {
                            out.put(item.get(TableLayout.PK).s().substring(TableLayout.ADDRESS_PREFIX.length()), addr.s());
                        }
                    }
                    KeysAndAttributes un = r.unprocessedKeys().get(table);
                    return un == null ? List.of() : un.keys();
                } catch (SdkException e) {
                    throw new StoreUnavailableException("suppression table unreadable for change events: " + e.getMessage(), e);
                }
            }, wait -> true, "state items");
        }
        return out;
    }
}
