package dev.optout.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.json.LightJson;
import dev.optout.localaws.ProjectRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The versioned schema (docs/api/events/v1), the samples under events/change-events and the code
 * agree: every field the code writes is in the schema, every kind has a sample whose detail-type
 * and type match the code's, and the samples hold only fields the schema names.
 */
class ChangeEventSchemaTest {
    private static final Path ROOT = ProjectRoot.find();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path p) throws Exception {
        return (Map<String, Object>) LightJson.parse(Files.readString(p));
    }

    @SuppressWarnings("unchecked")
    private static Set<String> schemaFields() throws Exception {
        return ((Map<String, Object>) json(ROOT.resolve("docs/api/events/v1/change-event.schema.json")).get("properties")).keySet();
    }

    @Test
    void everyFieldTheCodeWritesIsInTheSchema() throws Exception {
        ChangeEvent full = new ChangeEvent("id", ChangeKind.OPTED_OUT, "key", "ana@example.com", "TOPIC", "news", "PERSON",
                "ONE_CLICK", Instant.EPOCH, Instant.EPOCH, "welcome", "WEEKLY", "ops", "note", "DELETE");
        assertThat(schemaFields()).containsAll(full.detail().keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyKindHasASampleWhoseDetailTypeIsTheCodesAndItsFieldsAreTheSchemas() throws Exception {
        Set<ChangeKind> sampled = EnumSet.noneOf(ChangeKind.class);
        List<Path> samples;
        try (Stream<Path> files = Files.list(ROOT.resolve("events/change-events"))) {
            samples = new ArrayList<>(files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("stream-")).toList());
        }
        for (Path sample : samples) {
            Map<String, Object> event = json(sample);
            Map<String, Object> detail = (Map<String, Object>) event.get("detail");
            ChangeKind kind = ChangeKind.valueOf((String) detail.get("type"));
            sampled.add(kind);
            assertThat(event.get("detail-type")).as(sample.toString()).isEqualTo(kind.detailType());
            assertThat(event.get("source")).isEqualTo(ChangeEvent.EVENT_SOURCE);
            assertThat(schemaFields()).as(sample.toString()).containsAll(detail.keySet());
            if (kind == ChangeKind.ADDRESS_ERASED) {
                assertThat(detail).doesNotContainKey("address").containsEntry("instruction", ChangeEvents.DELETE);
            }
        }
        assertThat(sampled).containsExactlyInAnyOrder(ChangeKind.values());
    }
}
