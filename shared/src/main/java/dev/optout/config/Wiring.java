package dev.optout.config;

import dev.optout.address.AddressKeys;
import dev.optout.aws.AwsClients;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the collaborators a function needs from its settings, each once, at init. A handler's
 * no-argument constructor uses it; tests pass collaborators directly instead.
 */
public final class Wiring {
    private final Settings settings;
    private final AwsClients aws;
    private final Clock clock = Clock.systemUTC();
    private DynamoDbClient dynamo;
    private SecretsManagerClient secrets;
    private AddressKeys addressKeys;
    private TopicCatalog topics;
    private SuppressionStore store;

    public Wiring(Settings settings) {
        this.settings = settings;
        this.aws = new AwsClients(settings);
    }

    public Settings settings() {
        return settings;
    }

    public AwsClients aws() {
        return aws;
    }

    public Clock clock() {
        return clock;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamo == null) {
            dynamo = aws.configure(DynamoDbClient.builder()).build();
        }
        return dynamo;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) {
            secrets = aws.configure(SecretsManagerClient.builder()).build();
        }
        return secrets;
    }

    public synchronized AddressKeys addressKeys() {
        if (addressKeys == null) {
            addressKeys = Keys.addressKeys(settings, this::secrets);
        }
        return addressKeys;
    }

    public synchronized TopicCatalog topics() {
        if (topics == null) {
            topics = TopicCatalog.load(settings);
        }
        return topics;
    }

    public String tableName() {
        return settings.required(Settings.TABLE_NAME);
    }

    public synchronized SuppressionStore store() {
        if (store == null) {
            store = new SuppressionStore(dynamoDb(), tableName(), addressKeys(), clock);
        }
        return store;
    }
}
