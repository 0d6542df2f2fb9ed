package dev.optout.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import dev.optout.localaws.ProjectRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the SES feedback fixtures in events/ses-feedback/. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return ProjectRoot.find().resolve("events/ses-feedback");
    }

    /** The SES JSON as SES publishes it (what raw message delivery puts in the SQS body). */
    static String ses(String name) {
        return read(dir().resolve("ses").resolve(name + ".json"));
    }

    /** The body of the first record of an SQS event fixture. */
    static String sqsBody(String file) {
        return sqsRecord(file, 0).path("body").asText();
    }

    static JsonNode sqsRecord(String file, int index) {
        try {
            return Json.MAPPER.readTree(read(dir().resolve(file))).path("Records").get(index);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
