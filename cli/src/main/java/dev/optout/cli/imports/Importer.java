package dev.optout.cli.imports;

import dev.optout.text.Sha256;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.address.InvalidAddressException;
import dev.optout.cli.Operator;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Change;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Imports one file: reads its rows (streamed), canonicalizes each address, reads the current
 * state of a chunk of addresses at once (BatchGetItem), sorts each row into new / already
 * suppressed / conflicting (the person chose otherwise after the row's time) / invalid, and
 * writes the new ones through the store's bulk path with their provenance and an idempotency
 * key per row (the file's hash and the row's position in it). After each chunk a checkpoint
 * records the position of the last row written, so a crashed import resumes there; a row
 * replayed after a crash, or a whole re-run, changes nothing.
 *
 * <p>The bulk path writes a chunk's history before its state, so a crash midway through a chunk
 * leaves rows whose history event is ahead of their state. The resume repairs them: it starts
 * after the last whole chunk, with the crashed run's batch time, so such a row reads as new, and
 * its replay writes the state and overwrites the same history item (same key), never a second.
 * Until the import is run again, its checkpoint stays and the command says to run it again.
 */
final class Importer {
    static final int CHUNK = 500;

    private final Operator operator;
    private final BatchStateReader reader;
    private final ExecutorService writers;
    private final Path checkpointDir;

    Importer(Operator operator, BatchStateReader reader, ExecutorService writers, Path checkpointDir) {
        this.operator = operator;
        this.reader = reader;
        this.writers = writers;
        this.checkpointDir = checkpointDir;
    }

    /** What happened to the rows of one file. */
    static final class Outcome {
        final Map<String, List<String>> lines = new LinkedHashMap<>();
        int resumedAfter;
        boolean resumed;

        Outcome() {
            for (String c : List.of(NEW, ALREADY, CONFLICTING, INVALID)) {
                lines.put(c, new ArrayList<>());
            }
        }

        void add(String category, String text) {
            lines.get(category).add(text);
        }

        int count(String category) {
            return lines.get(category).size();
        }
    }

    static final String NEW = "new";
    static final String ALREADY = "already suppressed";
    static final String CONFLICTING = "conflicting";
    static final String INVALID = "invalid";

    private record Pending(Row row, EmailAddress address, String key) {
    }

    Outcome run(Path file, Format format, ListKind listKind, String note, boolean dryRun, Progress.Factory progressFactory)
            throws IOException {
        String fileHash = sha256Hex(file);
        Checkpoint checkpoint = new Checkpoint(checkpointDir, fileHash, operator.tableName());
        Outcome outcome = new Outcome();
        Instant batchTime = operator.clock().instant();
        int skipThrough = 0;
        if (!dryRun) {
            var saved = checkpoint.load();
            if (saved.isPresent()) {
                batchTime = saved.get().batchTime();
                skipThrough = saved.get().row();
                outcome.resumed = true;
                outcome.resumedAfter = skipThrough;
            }
        }
        String reason = note != null ? note : "imported from " + file.getFileName() + " (" + format + ")";
        Set<String> seen = new HashSet<>();
        long size = Files.size(file);
        Progress progress = progressFactory.create(size);
        try (CountingStream in = new CountingStream(Files.newInputStream(file));
             Format.RowReader rows = format.open(in, listKind,
                     topic -> operator.catalog().find(topic).isPresent() ? null
                             : "topic '" + topic + "' is not in the catalog (" + operator.catalog().all().stream().map(t -> t.id()).toList() + ")")) {
            List<Pending> chunk = new ArrayList<>(CHUNK);
            long total = 0;
            Row row;
            while ((row = rows.next()) != null) {
                total++;
                if (row.position() <= skipThrough) {
                    continue;
                }
                if (row.invalid() != null) {
                    outcome.add(INVALID, row.place() + ": " + row.invalid() + (row.email() == null ? "" : " (" + row.email() + ")"));
                    continue;
                }
                EmailAddress address;
                try {
                    address = AddressParser.parse(row.email());
                } catch (InvalidAddressException e) {
                    outcome.add(INVALID, row.place() + ": '" + row.email() + "' is not an address: " + e.getMessage());
                    continue;
                }
                if (row.at() != null && row.at().isAfter(operator.clock().instant().plus(Duration.ofDays(1)))) {
                    outcome.add(INVALID, row.place() + ": time " + row.at() + " is in the future (" + address.value() + ")");
                    continue;
                }
                String key = operator.store().addressKeys().keyOf(address);
                if (!seen.add(key + "|" + row.kind() + "|" + row.topic())) {
                    outcome.add(ALREADY, row.place() + ": " + address.value() + " (repeated in this file)");
                    continue;
                }
                chunk.add(new Pending(row, address, key));
                if (chunk.size() == CHUNK) {
                    flush(chunk, file, format, fileHash, reason, batchTime, dryRun, outcome, checkpoint);
                    chunk.clear();
                }
                progress.update(in.count(), total);
            }
            flush(chunk, file, format, fileHash, reason, batchTime, dryRun, outcome, checkpoint);
            progress.update(size, total);
        } finally {
            progress.finish();
        }
        if (!dryRun) {
            checkpoint.done();
        }
        return outcome;
    }

    private void flush(List<Pending> chunk, Path file, Format format, String fileHash, String reason, Instant batchTime,
                       boolean dryRun, Outcome outcome, Checkpoint checkpoint) throws IOException {
        if (chunk.isEmpty()) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>();
        chunk.forEach(p -> keys.add(p.key()));
        Map<String, AddressState> states = reader.readComplete(keys, Deadline.after(Duration.ofMinutes(2), operator.clock()));
        List<SuppressionStore.BulkChange> changes = new ArrayList<>();
        for (Pending p : chunk) {
            AddressState state = states.get(p.key());
            Row row = p.row();
            String who = row.place() + ": " + p.address().value();
            Mark existing = existing(state, row);
            if (existing != null) {
                outcome.add(ALREADY, who + " (" + label(row) + " since " + existing.at() + ", " + existing.source() + ")");
                continue;
            }
            String conflict = conflict(state, row);
            if (conflict != null) {
                outcome.add(CONFLICTING, who + " (" + conflict + "; not imported: the person's later choice stands)");
                continue;
            }
            outcome.add(NEW, who + " (" + label(row) + ")");
            Map<String, String> evidence = new LinkedHashMap<>(row.evidence());
            evidence.put("importFormat", format.toString());
            evidence.put("importFile", file.getFileName().toString());
            evidence.put("importRow", Integer.toString(row.position()));
            evidence.put("importLine", Integer.toString(row.line()));
            Provenance provenance = Provenance.byOperator(Source.IMPORT, row.at() != null ? row.at() : batchTime,
                    operator.actor(), reason).withEvidence(evidence);
            String idempotency = "import/" + fileHash + "/" + row.position() + "/" + row.kind() + "/" + row.topic();
            changes.add(new SuppressionStore.BulkChange(p.address(), change(row, provenance).once(idempotency),
                    state.forgotten() != null));
        }
        if (!dryRun) {
            if (!changes.isEmpty()) {
                operator.store().applyBulk(changes, batchTime, writers);
            }
            checkpoint.save(file.toString(), new Checkpoint.State(batchTime, chunk.get(chunk.size() - 1).row().position()));
        }
    }

    private static Change change(Row row, Provenance p) {
        return switch (row.kind()) {
            case HARD_BOUNCE -> Change.withDetail(Action.HARD_BOUNCE, null, p);
            case SOFT_BOUNCE -> Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, null, p);
            case COMPLAINT -> Change.withDetail(Action.COMPLAINT, null, p);
            case UNSUBSCRIBE -> Change.unsubscribeAll(p);
            case TOPIC_UNSUBSCRIBE -> Change.unsubscribeTopic(row.topic(), p);
        };
    }

    /** The mark this row would set, if the address already has it. */
    private static Mark existing(AddressState s, Row row) {
        return switch (row.kind()) {
            case HARD_BOUNCE -> s.hardBounce();
            case SOFT_BOUNCE -> s.softBounce();
            case COMPLAINT -> s.complaint();
            case UNSUBSCRIBE -> s.unsubscribedAll();
            case TOPIC_UNSUBSCRIBE -> s.topicOptOuts().get(row.topic());
        };
    }

    /** An explicit opt-in made after the row's time contradicts an imported opt-out. */
    private static String conflict(AddressState s, Row row) {
        if (row.at() == null) {
            return null;
        }
        for (Map.Entry<String, Mark> in : s.topicOptIns().entrySet()) {
            boolean relevant = row.kind() == Row.Kind.UNSUBSCRIBE
                    || row.kind() == Row.Kind.TOPIC_UNSUBSCRIBE && in.getKey().equals(row.topic());
            if (relevant && in.getValue().at().isAfter(row.at())) {
                return "opted in to " + in.getKey() + " on " + in.getValue().at() + ", after the row's " + row.at();
            }
        }
        return null;
    }

    private static String label(Row row) {
        return switch (row.kind()) {
            case HARD_BOUNCE -> "hard bounce";
            case SOFT_BOUNCE -> "soft bounce";
            case COMPLAINT -> "complaint";
            case UNSUBSCRIBE -> "unsubscribe from all";
            case TOPIC_UNSUBSCRIBE -> "unsubscribe from " + row.topic();
        } + (row.at() == null ? "" : " at " + row.at());
    }

    static String sha256Hex(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.hex(Sha256.of(in));
        }
    }

    static String sha256Hex(byte[] bytes) {
        return Sha256.hex(Sha256.of(bytes));
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
