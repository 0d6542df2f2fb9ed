package dev.optout.cli.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * How far an import of one file into one table has got, so a crashed import resumes where it
 * stopped: {@code .optout/imports/<hash of file content and table>.json} with the position of
 * the last row (its ordinal in the file, {@link Row#position}) up to which every row is written,
 * and the run's batch time (which makes the history items' keys of a replayed batch the same, see
 * {@code SuppressionStore#applyBulk}). Removed when the file is done. A checkpoint that names no
 * row position (written by an earlier version, which counted lines) resumes from the first row
 * with its batch time: the rows already written are then found already suppressed.
 */
final class Checkpoint {
    private final Path file;

    Checkpoint(Path dir, String fileHash, String table) {
        this.file = dir.resolve(Importer.sha256Hex((fileHash + "|" + table).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 24) + ".json");
    }

    record State(Instant batchTime, int row) {
    }

    Optional<State> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(file.toFile());
            return Optional.of(new State(Instant.parse(n.path("batchTime").asText()), n.path("row").asInt(0)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    void save(String source, State state) throws IOException {
        Files.createDirectories(file.getParent());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("file", source);
        n.put("batchTime", state.batchTime().toString());
        n.put("row", state.row());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, n.toString());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    void done() throws IOException {
        Files.deleteIfExists(file);
    }

    Path path() {
        return file;
    }
}
