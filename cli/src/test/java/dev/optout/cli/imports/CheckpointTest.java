package dev.optout.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a crashed import resumes, and the progress bar a long import draws. */
class CheckpointTest {
    private static final Instant BATCH = Instant.parse("2026-11-29T10:00:00.123Z");

    @Test
    void aSavedCheckpointIsFoundAgainForTheSameFileAndTable(@TempDir Path dir) throws Exception {
        Checkpoint c = new Checkpoint(dir.resolve("imports"), "abc", "table-1");
        assertThat(c.load()).isEmpty();
        c.save("list.csv", new Checkpoint.State(BATCH, 501));

        assertThat(new Checkpoint(dir.resolve("imports"), "abc", "table-1").load()).contains(new Checkpoint.State(BATCH, 501));
        assertThat(new Checkpoint(dir.resolve("imports"), "abc", "table-2").load()).as("another table").isEmpty();
        assertThat(new Checkpoint(dir.resolve("imports"), "abd", "table-1").load()).as("another file").isEmpty();
        assertThat(Files.readString(c.path())).contains("list.csv");
    }

    @Test
    void aFinishedImportLeavesNoCheckpoint(@TempDir Path dir) throws Exception {
        Checkpoint c = new Checkpoint(dir, "abc", "t");
        c.save("list.csv", new Checkpoint.State(BATCH, 3));
        c.done();
        assertThat(c.load()).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void anUnreadableCheckpointStartsTheImportOver(@TempDir Path dir) throws Exception {
        Checkpoint c = new Checkpoint(dir, "abc", "t");
        Files.writeString(c.path(), "{\"batchTime\": \"not a time\", \"line\": 7}");
        assertThat(c.load()).isEmpty();
        Files.writeString(c.path(), "{trunc");
        assertThat(c.load()).isEmpty();
    }

    @Test
    void aCheckpointThatCountedLinesNotRowsResumesFromTheFirstRowWithItsBatchTime(@TempDir Path dir) throws Exception {
        Checkpoint c = new Checkpoint(dir, "abc", "t");
        Files.writeString(c.path(), "{\"file\": \"ses.json\", \"batchTime\": \"" + BATCH + "\", \"line\": 1}");
        assertThat(c.load()).contains(new Checkpoint.State(BATCH, 0));
    }

    @Test
    void theProgressBarShowsTheShareOfTheFileReadAndEndsItsLine() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 1000, true);
        p.update(500, 42);
        assertThat(text.toString()).startsWith("\r  [" + "=".repeat(15) + " ".repeat(15) + "]  50%  42 rows");
        p.finish();
        assertThat(text.toString()).endsWith(System.lineSeparator());
    }

    @Test
    void aShortImportDrawsNoProgressBar() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), 1000, false);
        p.update(500, 42);
        p.finish();
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void anEmptyFileDrawsAnEmptyBarRatherThanFailing() {
        StringWriter text = new StringWriter();
        new Progress(new PrintWriter(text), 0, true).update(0, 0);
        assertThat(text.toString()).contains("[" + " ".repeat(30) + "]   0%");
    }
}
