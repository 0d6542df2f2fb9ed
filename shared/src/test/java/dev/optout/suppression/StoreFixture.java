package dev.optout.suppression;

import dev.optout.address.AddressKeys;
import dev.optout.localaws.LocalAws;
import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A suppression table on a local AWS (created as template.yaml declares it) with the store over
 * it: the one setup every store-backed test shares. {@link #store()} calls as the local
 * administrator (the test's own reads and arrangements); {@link #over} gives the same table
 * through another client (a function's role from template.yaml with test-support's
 * {@code FunctionRole}, a throttled, failing or intercepted one).
 *
 * <p>It lives in the core's test sources, since the core's own store tests use it and the core
 * cannot depend on test-support (which depends on the core); the core's test jar ships it (with
 * {@link BatchReadThrottling}) alone, and test-support passes it on to every function's tests.
 */
public final class StoreFixture {
    /** The address-hash key of a fixture unless told otherwise (all zero: a test key, never a real one). */
    public static final AddressKeys KEYS = new AddressKeys(new byte[32]);

    private final LocalAws aws;
    private final String table;
    private final AddressKeys keys;
    private final Clock clock;
    private final SuppressionStore store;

    private StoreFixture(LocalAws aws, String table, AddressKeys keys, Clock clock) {
        this.aws = Objects.requireNonNull(aws);
        this.table = Objects.requireNonNull(table);
        this.keys = Objects.requireNonNull(keys);
        this.clock = Objects.requireNonNull(clock);
        this.store = new SuppressionStore(aws.dynamoDb(), table, keys, clock);
    }

    /** A new table on {@code aws}, the test key {@link #KEYS} and the system clock. */
    public static StoreFixture on(LocalAws aws) {
        return on(aws, KEYS, Clock.systemUTC());
    }

    /** A new table on {@code aws}; the store stamps its writes with {@code clock}. */
    public static StoreFixture on(LocalAws aws, Clock clock) {
        return on(aws, KEYS, clock);
    }

    /** A new table on {@code aws}, hashing addresses with {@code keys} (those the function under test is given). */
    public static StoreFixture on(LocalAws aws, AddressKeys keys, Clock clock) {
        return new StoreFixture(aws, aws.createSuppressionTable(), keys, clock);
    }

    /** A new table with its stream on (new images), as the change events read it. */
    public static StoreFixture withStream(LocalAws aws) {
        return new StoreFixture(aws, aws.createSuppressionTableWithStream(), KEYS, Clock.systemUTC());
    }

    /** A table that already exists (one a deployed local stack created), the test key and the system clock. */
    public static StoreFixture existing(LocalAws aws, String table) {
        return new StoreFixture(aws, table, KEYS, Clock.systemUTC());
    }

    public LocalAws aws() {
        return aws;
    }

    public String table() {
        return table;
    }

    public AddressKeys keys() {
        return keys;
    }

    public Clock clock() {
        return clock;
    }

    /** The store over the table, as the local administrator. */
    public SuppressionStore store() {
        return store;
    }

    /** The same table through another client (a function's role, a throttled, failing or intercepted one). */
    public SuppressionStore over(DynamoDbClient client) {
        return new SuppressionStore(client, table, keys, clock);
    }

    /** The same table with another clock (a change made "earlier" or "later"). */
    public SuppressionStore at(Clock other) {
        return new SuppressionStore(aws.dynamoDb(), table, keys, other);
    }

    /** A store whose table does not exist (deleted or misnamed): every call fails as the store's outage. */
    public SuppressionStore withoutTable() {
        return new SuppressionStore(aws.dynamoDb(), "no-such-table", keys, clock);
    }
}
