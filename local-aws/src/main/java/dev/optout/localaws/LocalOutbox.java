package dev.optout.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every mail optout sent through the local SES, as an {@code .eml} file in a folder: the
 * functions call the real SES v2 {@code SendEmail} against moto, which keeps what it was asked
 * to send ({@code moto_server.py} lists it at {@link #PATH}); this copies each message, once, to
 * {@code <n>-<message id>.eml} (written whole, then renamed, so a reader never sees half a file).
 */
public final class LocalOutbox implements AutoCloseable {
    /** Where the local endpoint lists the messages sent. */
    public static final String PATH = "/_optout/ses/sent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI sent;
    private final Path dir;
    private int copied;
    private ScheduledExecutorService poller;

    public LocalOutbox(URI awsEndpoint, Path dir) {
        this.sent = URI.create(awsEndpoint.toString().replaceAll("/$", "") + PATH);
        this.dir = dir;
    }

    public Path directory() {
        return dir;
    }

    /** Copies the messages sent since the last call; answers the files written. */
    public synchronized List<Path> drain() {
        List<Path> written = new ArrayList<>();
        JsonNode messages = read();
        try {
            Files.createDirectories(dir);
            for (int i = copied; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                String id = m.path("id").asText("message").replaceAll("[^A-Za-z0-9._-]", "_");
                Path target = dir.resolve(String.format("%04d-%s.eml", i + 1, id));
                Path partial = dir.resolve("." + target.getFileName() + ".partial");
                Files.writeString(partial, m.path("raw").asText(), StandardCharsets.UTF_8);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                written.add(target);
                copied = i + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the local outbox " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** Drains every {@code millis} in the background until closed (failures are retried next time). */
    public synchronized void start(long millis) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-outbox");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                drain();
            } catch (RuntimeException e) {
                // the endpoint is stopping or busy: next round
            }
        }, 0, millis, TimeUnit.MILLISECONDS);
    }

    private JsonNode read() {
        try {
            HttpURLConnection c = (HttpURLConnection) sent.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(10_000);
            if (c.getResponseCode() != 200) {
                throw new IllegalStateException(sent + " answered " + c.getResponseCode() + ": the local endpoint keeps no outbox");
            }
            try (InputStream in = c.getInputStream()) {
                return JSON.readTree(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local outbox at " + sent + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }
}
