package dev.optout.cli;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.Mark;
import dev.optout.suppression.TableLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Every suppressed address that is still known, one line per mark (reason, topic, time,
 * source), streamed from a parallel Scan (one segment per thread, page by page): the table is
 * never held in memory. Erased addresses are counted, not exported (only their key remains).
 * The CSV is what {@code import --format csv} reads.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write every suppressed address still known, with reason, topic, time and source (CSV or JSON lines).",
                "CSV cells that a spreadsheet would run as a formula (beginning with =, +, -, @, tab or carriage return) get a",
                "leading apostrophe; import reads them back unchanged. --raw-cells writes them as stored."})
public final class ExportCommand extends OperatorCommand {
    enum Format { csv, jsonl }

    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--reason", paramLabel = "R", description = "Only this reason: " + ReasonNames.ACCEPTED + " (unsubscribe: all mail or a topic).")
    String reason;

    @Option(names = "--since", paramLabel = "T", description = "Only marks set at or after T (2026-11-01 or 2026-11-01T08:00:00Z).")
    String since;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE (default: standard output).")
    Path out;

    @Option(names = "--raw-cells",
            description = "CSV: write every cell as stored, even one a spreadsheet would run as a formula (=, +, -, @, tab, CR).")
    boolean rawCells;

    @Option(names = "--opt-ins",
            description = "Instead of suppressions: every standing topic opt-in of a known address, with its evidence "
                    + "(channel, wording version, confirmation time, network address as kept). Not an import format.")
    boolean optIns;

    @Option(names = "--segments", defaultValue = "4", description = "Parallel scan segments (default: ${DEFAULT-VALUE}).")
    int segments;

    private Instant sinceTime;

    public ExportCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        if (reason != null) {
            String name = ReasonNames.canonical(reason);
            if (name == null) {
                throw new UsageError("--reason is " + ReasonNames.ACCEPTED + " (got '" + reason + "')");
            }
            reason = name;
        }
        if (since != null) {
            sinceTime = Times.parse(since);
            if (sinceTime == null) {
                throw new UsageError("--since takes a date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (got '" + since + "')");
            }
        }
        if (segments < 1 || segments > 64) {
            throw new UsageError("--segments is between 1 and 64");
        }
    }

    @Override
    protected int call(Operator operator) {
        AtomicLong lines = new AtomicLong();
        AtomicLong forgotten = new AtomicLong();
        Writer writer;
        try {
            writer = out == null ? context.out() : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Refusal("cannot write " + out + ": " + e.getMessage());
        }
        ExecutorService pool = Executors.newFixedThreadPool(segments);
        try {
            if (format == Format.csv) {
                writer.write(optIns ? "email,topic,at,source,channel,wording_version,requested_at,confirmed_at,ip\n"
                        : "email,reason,topic,at,source\n");
            }
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < segments; s++) {
                int segment = s;
                futures.add(pool.submit(() -> scanSegment(operator, segment, writer, lines, forgotten)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            writer.flush();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SdkException sdk
                    ? new Refusal("the scan failed: " + sdk.getMessage() + "; the export is incomplete: run it again")
                    : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal("interrupted: the export is incomplete");
        } catch (IOException | UncheckedIOException e) {
            throw new Refusal("cannot write " + (out == null ? "the output" : out) + ": " + e.getMessage());
        } finally {
            pool.shutdownNow();
            if (out != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    context.err().println("optout: closing " + out + " failed: " + e.getMessage());
                }
            }
        }
        context.err().println("optout: exported " + lines.get() + (optIns ? " opt-in(s)" : " suppression(s)") + (out == null ? "" : " to " + out)
                + (forgotten.get() == 0 ? "" : "; " + forgotten.get() + " erased address(es) left out (only their keys remain)"));
        return OptoutCli.OK;
    }

    private void scanSegment(Operator operator, int segment, Writer writer, AtomicLong lines, AtomicLong forgotten) {
        ScanRequest request = ScanRequest.builder().tableName(operator.tableName()).segment(segment).totalSegments(segments)
                .filterExpression("#sk = :state").expressionAttributeNames(Map.of("#sk", TableLayout.SK))
                .expressionAttributeValues(Map.of(":state", AttributeValue.fromS(TableLayout.STATE_SK))).build();
        for (var page : operator.dynamo().scanPaginator(request)) {
            StringBuilder chunk = new StringBuilder();
            for (Map<String, AttributeValue> item : page.items()) {
                String key = item.get(TableLayout.PK).s().substring(TableLayout.ADDRESS_PREFIX.length());
                AddressState state = TableLayout.decodeState(key, item);
                if (optIns) {
                    if (state.address() != null && !state.topicOptIns().isEmpty()) {
                        lines.addAndGet(optInLines(operator, state, chunk));
                    }
                    continue;
                }
                Map<String, Mark> marks = Marks.of(state);
                if (marks.isEmpty()) {
                    continue;
                }
                if (state.address() == null) {
                    forgotten.incrementAndGet();
                    continue;
                }
                for (Map.Entry<String, Mark> m : marks.entrySet()) {
                    String name = m.getKey();
                    String topic = name.startsWith(Marks.TOPIC_PREFIX) ? name.substring(Marks.TOPIC_PREFIX.length()) : null;
                    String kind = topic == null ? name : Marks.UNSUBSCRIBE;
                    Mark mark = m.getValue();
                    if (reason != null && !reason.equals(kind) || sinceTime != null && mark.at().isBefore(sinceTime)) {
                        continue;
                    }
                    chunk.append(format == Format.csv
                            ? csvLine(state.address(), kind, topic, mark.at().toString(), mark.source().name())
                            : jsonLine(state.address(), kind, topic, mark));
                    lines.incrementAndGet();
                }
            }
            synchronized (writer) {
                try {
                    writer.write(chunk.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The address's standing topic opt-ins with their evidence (the latest opt-in event of each, from the history). */
    private int optInLines(Operator operator, AddressState state, StringBuilder chunk) {
        dev.optout.address.EmailAddress address = Operator.address(state.address());
        Map<String, dev.optout.suppression.HistoryEvent> proofs = dev.optout.optin.OptInEvidence.latestOptIns(
                operator.store().fullHistory(address));
        int n = 0;
        for (Map.Entry<String, Mark> e : state.topicOptIns().entrySet()) {
            Mark mark = e.getValue();
            if (sinceTime != null && mark.at().isBefore(sinceTime)) {
                continue;
            }
            dev.optout.suppression.HistoryEvent proof = proofs.get(e.getKey());
            Map<String, String> ev = proof == null ? Map.of() : proof.evidence();
            if (format == Format.csv) {
                chunk.append(csvLine(state.address(), e.getKey(), mark.at().toString(), mark.source().name(),
                        ev.getOrDefault(dev.optout.optin.OptInEvidence.CHANNEL, ""),
                        ev.getOrDefault(dev.optout.optin.OptInEvidence.WORDING_VERSION, ""),
                        ev.getOrDefault(dev.optout.optin.OptInEvidence.REQUESTED_AT, ""),
                        ev.getOrDefault(dev.optout.optin.OptInEvidence.CONFIRMED_AT, ""),
                        ev.getOrDefault(dev.optout.optin.OptInEvidence.IP, "")));
            } else {
                var node = dev.optout.json.Json.MAPPER.createObjectNode();
                node.put("email", state.address());
                node.put("topic", e.getKey());
                node.put("at", mark.at().toString());
                node.put("source", mark.source().name());
                var evNode = node.putObject("evidence");
                new java.util.TreeMap<>(ev).forEach(evNode::put);
                chunk.append(node).append('\n');
            }
            n++;
        }
        return n;
    }

    /** A CSV line, its cells neutralised unless --raw-cells (an address may begin with = or +: RFC 5322 atext). */
    private String csvLine(String... cells) {
        if (!rawCells) {
            for (int i = 0; i < cells.length; i++) {
                cells[i] = Csv.neutralise(cells[i]);
            }
        }
        return Csv.line(cells);
    }

    private static String jsonLine(String address, String kind, String topic, Mark mark) {
        var n = dev.optout.json.Json.MAPPER.createObjectNode();
        n.put("email", address);
        n.put("reason", kind);
        if (topic != null) {
            n.put("topic", topic);
        }
        n.put("at", mark.at().toString());
        n.put("source", mark.source().name());
        if (mark.campaignId() != null) {
            n.put("campaignId", mark.campaignId());
        }
        return n + "\n";
    }
}
