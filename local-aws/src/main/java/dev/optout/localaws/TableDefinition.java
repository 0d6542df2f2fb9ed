package dev.optout.localaws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * Creates a DynamoDB table exactly as template.yaml declares it (keys, attribute definitions,
 * indexes, TTL), so that tests and the local runtime run against the production schema.
 */
public final class TableDefinition {
    private final Map<String, Object> properties;

    public TableDefinition(Map<String, Object> properties) {
        this.properties = properties;
    }

    public static TableDefinition fromTemplate(Template template, String logicalId) {
        return new TableDefinition(template.properties(logicalId));
    }

    public static TableDefinition suppressionTable() {
        return fromTemplate(Template.load(), Template.TABLE_ID);
    }

    public CreateTableRequest createRequest(String tableName) {
        return createRequest(tableName, false);
    }

    /**
     * @param stream whether to turn on the table's stream as the template declares it. Off unless
     *               asked: moto copies a table, its stream records included, for every transaction,
     *               so a stream nobody reads only makes every test slower and larger.
     */
    public CreateTableRequest createRequest(String tableName, boolean stream) {
        List<AttributeDefinition> attributes = new ArrayList<>();
        for (Map<String, Object> a : Template.listOfMaps(properties.get("AttributeDefinitions"))) {
            attributes.add(AttributeDefinition.builder().attributeName((String) a.get("AttributeName"))
                    .attributeType((String) a.get("AttributeType")).build());
        }
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Map<String, Object> g : Template.listOfMaps(properties.get("GlobalSecondaryIndexes"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> projection = (Map<String, Object>) g.get("Projection");
            indexes.add(GlobalSecondaryIndex.builder().indexName((String) g.get("IndexName"))
                    .keySchema(keySchema(g.get("KeySchema")))
                    .projection(Projection.builder().projectionType((String) projection.get("ProjectionType")).build())
                    .build());
        }
        CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(tableName)
                .attributeDefinitions(attributes)
                .keySchema(keySchema(properties.get("KeySchema")))
                .billingMode(BillingMode.PAY_PER_REQUEST);
        if (!indexes.isEmpty()) {
            b.globalSecondaryIndexes(indexes);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> streamSpecification = (Map<String, Object>) properties.get("StreamSpecification");
        if (stream && streamSpecification != null && streamSpecification.get("StreamViewType") != null) {
            b.streamSpecification(s -> s.streamEnabled(true).streamViewType(streamSpecification.get("StreamViewType").toString()));
        }
        return b.build();
    }

    /** The TTL attribute name, or {@code null}. */
    @SuppressWarnings("unchecked")
    public String ttlAttribute() {
        Map<String, Object> ttl = (Map<String, Object>) properties.get("TimeToLiveSpecification");
        return ttl == null || !Boolean.TRUE.equals(ttl.get("Enabled")) ? null : (String) ttl.get("AttributeName");
    }

    /** Creates the table (if absent) and enables its TTL. */
    public void create(DynamoDbClient dynamo, String tableName) {
        create(dynamo, tableName, false);
    }

    /** As {@link #create(DynamoDbClient, String)}, with the template's stream when {@code stream}. */
    public void create(DynamoDbClient dynamo, String tableName, boolean stream) {
        try {
            dynamo.createTable(createRequest(tableName, stream));
        } catch (ResourceInUseException e) {
            return;
        }
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(tableName));
        String ttl = ttlAttribute();
        if (ttl != null) {
            dynamo.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(t -> t.attributeName(ttl).enabled(true)));
        }
    }

    private static List<KeySchemaElement> keySchema(Object o) {
        List<KeySchemaElement> keys = new ArrayList<>();
        for (Map<String, Object> k : Template.listOfMaps(o)) {
            keys.add(KeySchemaElement.builder().attributeName((String) k.get("AttributeName"))
                    .keyType((String) k.get("KeyType")).build());
        }
        return keys;
    }
}
