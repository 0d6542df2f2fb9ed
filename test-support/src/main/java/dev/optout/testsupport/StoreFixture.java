package dev.optout.testsupport;

import dev.optout.address.AddressKeys;
import dev.optout.localaws.LocalAws;
import dev.optout.suppression.SuppressionStore;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fresh suppression table on a local AWS (created as template.yaml declares it) with the store
 * over it: the one setup every store-backed test shares. {@link #store()} calls as the local
 * administrator (the test's own reads and arrangements); {@link #asFunction} calls as a
 * function's role from template.yaml, so a call the role does not allow fails as on AWS.
 *
 * @param keys the address-hash key of the table's keys: a fixed all-zero test key, so a test can
 *             compute an address's key itself
 */
public record StoreFixture(LocalAws aws, String table, AddressKeys keys, Clock clock, SuppressionStore store) {
    /** The address-hash key every fixture uses (all zero: a test key, never a real one). */
    public static final AddressKeys KEYS = new AddressKeys(new byte[32]);

    /** A new table on {@code aws}, with the system clock. */
    public static StoreFixture on(LocalAws aws) {
        return on(aws, Clock.systemUTC());
    }

    /** A new table on {@code aws}; the store stamps its writes with {@code clock}. */
    public static StoreFixture on(LocalAws aws, Clock clock) {
        String table = aws.createSuppressionTable();
        return new StoreFixture(aws, table, KEYS, clock, new SuppressionStore(aws.dynamoDb(), table, KEYS, clock));
    }

    /** The same table through another client (a throttled, failing or intercepted one). */
    public SuppressionStore over(DynamoDbClient client) {
        return new SuppressionStore(client, table, keys, clock);
    }

    /** The same table as the function calls it: with its role's credentials from template.yaml. */
    public SuppressionStore asFunction(String functionLogicalId) {
        return over(FunctionRole.client(aws, functionLogicalId, DynamoDbClient.builder()));
    }

    /** The same table with another clock (a change made "earlier" or "later"). */
    public SuppressionStore at(Clock other) {
        return new SuppressionStore(aws.dynamoDb(), table, keys, other);
    }
}
