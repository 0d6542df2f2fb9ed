package dev.optout.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event parsers moved from Jackson's JsonNode to {@link JsonTree}: for every kind of node, the
 * answers they use must be JsonNode's (checked against databind itself, differentially).
 */
class JsonTreeTest {
    private static final String DOC = "{\"s\":\"text\",\"blank\":\" \",\"n\":42,\"neg\":-7,\"f\":1.5,\"t\":true,\"fa\":false,"
            + "\"nul\":null,\"num\":\"12\",\"bs\":\"true\",\"o\":{\"a\":\"x\",\"b\":[1,\"y\"]},\"a\":[\"p\",{\"q\":1},null,3],"
            + "\"e\":[],\"eo\":{},\"dup\":1,\"dup\":2,\"u\":\"Ünï\\u00e7ødé \\\"q\\\"\"}";

    static Stream<String> fields() {
        return Stream.of("s", "blank", "n", "neg", "f", "t", "fa", "nul", "num", "bs", "o", "a", "e", "eo", "dup", "u", "absent");
    }

    @ParameterizedTest
    @MethodSource("fields")
    void everyFieldAnswersAsJacksonsJsonNode(String field) throws IOException {
        JsonNode jackson = Json.MAPPER.readTree(DOC).path(field);
        JsonTree ours = JsonTree.parse(DOC).path(field);
        assertThat(describe(ours)).isEqualTo(describe(jackson));
        assertThat(JsonTree.parse(DOC).has(field)).isEqualTo(Json.MAPPER.readTree(DOC).has(field));
        assertThat(JsonTree.parse(DOC).hasNonNull(field)).isEqualTo(Json.MAPPER.readTree(DOC).hasNonNull(field));
        assertThat(JsonTree.parse(DOC).get(field) == null).isEqualTo(Json.MAPPER.readTree(DOC).get(field) == null);
    }

    private static List<Object> describe(JsonNode n) {
        List<Object> d = new ArrayList<>(List.of(n.isMissingNode(), n.isNull(), n.isObject(), n.isArray(), n.isContainerNode(),
                n.isValueNode(), n.isTextual(), n.isBoolean(), n.isNumber(), n.size(), n.isEmpty(), n.asText(), n.asText("dflt"),
                n.asBoolean(), n.asBoolean(true), n.booleanValue(), n.asInt(), String.valueOf(n.textValue())));
        n.forEach(e -> d.add(e.asText()));
        n.fields().forEachRemaining(e -> d.add(e.getKey() + "=" + e.getValue().asText()));
        for (int i = -1; i < 5; i++) {
            d.add(n.get(i) == null ? "none" : n.get(i).asText());
        }
        return d;
    }

    private static List<Object> describe(JsonTree n) {
        List<Object> d = new ArrayList<>(List.of(n.isMissingNode(), n.isNull(), n.isObject(), n.isArray(), n.isContainerNode(),
                n.isValueNode(), n.isTextual(), n.isBoolean(), n.isNumber(), n.size(), n.isEmpty(), n.asText(), n.asText("dflt"),
                n.asBoolean(), n.asBoolean(true), n.booleanValue(), n.asInt(), String.valueOf(n.textValue())));
        n.forEach(e -> d.add(e.asText()));
        n.fields().forEachRemaining(e -> d.add(e.getKey() + "=" + e.getValue().asText()));
        for (int i = -1; i < 5; i++) {
            d.add(n.get(i) == null ? "none" : n.get(i).asText());
        }
        return d;
    }
}
