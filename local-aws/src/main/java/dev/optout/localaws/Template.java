package dev.optout.localaws;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * template.yaml, read as data: the single source of truth for resource names and definitions
 * that the tests and the local runtime use. CloudFormation short-form tags ({@code !Ref},
 * {@code !Sub}, {@code !GetAtt}...) are kept as {@link Tagged} values.
 */
public final class Template {
    /** Logical id of the suppression table in template.yaml. */
    public static final String TABLE_ID = "SuppressionTable";

    private final Path path;
    private final Map<String, Object> root;

    private Template(Path path, Map<String, Object> root) {
        this.path = path;
        this.root = root;
    }

    /** A CloudFormation intrinsic in short form, e.g. {@code !Ref Foo} is {@code Tagged("!Ref", "Foo")}. */
    public record Tagged(String tag, Object value) {
    }

    public static Template load() {
        return load(ProjectRoot.find().resolve("template.yaml"));
    }

    @SuppressWarnings("unchecked")
    public static Template load(Path path) {
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new CfnConstructor(options));
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return new Template(path, (Map<String, Object>) yaml.load(r));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, Object> root() {
        return root;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> resources() {
        return (Map<String, Object>) root.getOrDefault("Resources", Map.of());
    }

    /** Resources of one type, by logical id, in template order. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            Map<String, Object> res = (Map<String, Object>) r;
            if (type.equals(res.get("Type"))) {
                found.put(id, res);
            }
        });
        return found;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> properties(String logicalId) {
        Map<String, Object> res = (Map<String, Object>) resources().get(logicalId);
        if (res == null) {
            throw new IllegalStateException(path + " declares no resource " + logicalId);
        }
        return (Map<String, Object>) res.getOrDefault("Properties", Map.of());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> listOfMaps(Object o) {
        return o == null ? List.of() : (List<Map<String, Object>>) o;
    }

    private static final class CfnConstructor extends SafeConstructor {
        CfnConstructor(LoaderOptions options) {
            super(options);
            this.yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String tag = node.getTag().getValue();
                    if (node instanceof ScalarNode s) {
                        return new Tagged(tag, s.getValue());
                    }
                    if (node instanceof SequenceNode s) {
                        return new Tagged(tag, new ArrayList<>(constructSequence(s)));
                    }
                    return new Tagged(tag, constructMapping((MappingNode) node));
                }
            });
        }
    }
}
