package dev.optout.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.optin.OptInEvidence;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Decision;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Mark;
import dev.optout.suppression.SendPolicy;
import dev.optout.text.Printable;
import dev.optout.topic.Topic;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Everything optout holds about one address, and what the pre-send check would answer for each
 * topic ({@link SendPolicy}, the check's own rule) and why. {@code --json} is the machine form,
 * also the person's data for a subject access request: it keeps every value as stored (JSON
 * escapes control characters, RFC 8259 §7); the text form prints none of them.
 */
@Command(name = "lookup", mixinStandardHelpOptions = true,
        description = {"Show an address: the canonical form, what the pre-send check would answer for each topic and why,",
                "every mark with time and source, topic choices and frequencies, and the full history."})
public final class LookupCommand extends OperatorCommand {
    @Parameters(paramLabel = "ADDRESS", description = "The address, in any spelling (display names and case are normalized).")
    String raw;

    @Option(names = "--json", description = "Machine-readable output (also the person's data for a subject access request).")
    boolean json;

    public LookupCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        AddressState state = operator.store().read(address);
        List<HistoryEvent> history = state.exists() ? operator.store().fullHistory(address) : List.of();
        Map<Topic, Decision> decisions = new LinkedHashMap<>();
        for (Topic t : operator.catalog().all()) {
            decisions.put(t, SendPolicy.decide(state, t));
        }
        if (json) {
            printJson(address, state, decisions, history);
        } else {
            printText(address, state, decisions, history, operator);
        }
        return OptoutCli.OK;
    }

    private void printText(EmailAddress address, AddressState state, Map<Topic, Decision> decisions,
                           List<HistoryEvent> history, Operator operator) {
        Lines out = new Lines(context.out());
        out.println(address.value() + "   (" + operator.description() + ")");
        if (!state.exists()) {
            out.println("  never seen: no marks, no history; the check answers from the topic defaults.");
        } else if (state.forgotten() != null) {
            out.println("  forgotten on " + state.forgotten().at() + ": the address is no longer kept in clear; its marks still apply.");
        }
        out.println("check (what the pre-send check answers now):");
        decisions.forEach((t, d) -> out.printf("  %-18s %s%n", t.id(), d.allowed()
                ? "allowed (" + d.frequency() + ")"
                : "blocked: " + d.reason() + (d.since() == null ? "" : " since " + d.since())));
        out.println("marks:");
        int marks = 0;
        for (Map.Entry<String, Mark> m : Marks.of(state).entrySet()) {
            out.printf("  %-30s %s%n", m.getKey(), Marks.describe(m.getValue()));
            marks++;
        }
        if (marks == 0) {
            out.println("  none");
        }
        if (!state.topicOptIns().isEmpty() || !state.topicFrequency().isEmpty() || state.frequency() != null
                || !state.softBounceTimes().isEmpty()) {
            out.println("choices:");
            state.topicOptIns().forEach((t, m) -> out.printf("  opted in to %-18s %s%n", t, Marks.describe(m)));
            if (state.frequency() != null) {
                out.println("  frequency overall: " + state.frequency());
            }
            state.topicFrequency().forEach((t, f) -> out.println("  frequency for " + t + ": " + f));
            if (!state.softBounceTimes().isEmpty()) {
                out.println("  soft bounces counted: " + state.softBounceTimes());
            }
        }
        Map<String, HistoryEvent> proofs = OptInEvidence.latestOptIns(history);
        if (!proofs.isEmpty()) {
            out.println("opt-in evidence (the standing opt-ins, from the history):");
            proofs.forEach((slot, e) -> out.printf("  %-18s %s %s %s%n", slot.equals("*") ? "all mail" : slot, e.at(), e.source(),
                    new java.util.TreeMap<>(e.evidence())));
        }
        out.println("history (newest first, " + history.size() + "):");
        for (HistoryEvent e : history) {
            StringBuilder line = new StringBuilder("  " + e.at() + "  " + e.action() + "  " + e.source());
            if (e.topic() != null) {
                line.append("  topic=").append(e.topic());
            }
            if (e.frequency() != null) {
                line.append("  frequency=").append(e.frequency());
            }
            if (e.campaignId() != null) {
                line.append("  campaign=").append(e.campaignId());
            }
            if (e.actor() != null) {
                line.append("  actor=").append(e.actor());
            }
            if (e.reason() != null) {
                line.append("  reason=\"").append(e.reason()).append('"');
            }
            if (!e.evidence().isEmpty()) {
                line.append("  ").append(new java.util.TreeMap<>(e.evidence()));
            }
            out.println(line);
        }
    }

    /**
     * The text form's lines, each printed through {@link Printable#line}: the history and marks
     * hold third-party text (bounce diagnostic codes, complaint user agents, feedback ids), and
     * no control character of theirs reaches the operator's terminal; the line breaks are this
     * program's own.
     */
    private record Lines(PrintWriter out) {
        void println(Object line) {
            out.println(Printable.line(String.valueOf(line)));
        }

        void printf(String format, Object... args) {
            println(String.format(java.util.Locale.ROOT, format.replace("%n", ""), args));
        }
    }

    private void printJson(EmailAddress address, AddressState state, Map<Topic, Decision> decisions, List<HistoryEvent> history) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("address", address.value());
        root.put("key", state.key());
        root.put("known", state.exists());
        root.put("addressKept", state.address() != null);
        if (state.forgotten() != null) {
            root.set("forgotten", Marks.json(state.forgotten()));
        }
        ObjectNode check = root.putObject("check");
        decisions.forEach((t, d) -> {
            ObjectNode n = check.putObject(t.id());
            n.put("allowed", d.allowed());
            if (d.reason() != null) {
                n.put("reason", d.reason().name());
            }
            if (d.since() != null) {
                n.put("since", d.since().toString());
            }
            if (d.frequency() != null) {
                n.put("frequency", d.frequency().name());
            }
        });
        ObjectNode marks = root.putObject("marks");
        Marks.of(state).forEach((name, m) -> marks.set(name, Marks.json(m)));
        ObjectNode optIns = root.putObject("topicOptIns");
        state.topicOptIns().forEach((t, m) -> optIns.set(t, Marks.json(m)));
        if (state.frequency() != null) {
            root.put("frequency", state.frequency().name());
        }
        ObjectNode freq = root.putObject("topicFrequency");
        state.topicFrequency().forEach((t, f) -> freq.put(t, f.name()));
        ArrayNode soft = root.putArray("softBounces");
        state.softBounceTimes().forEach(t -> soft.add(t.toString()));
        ObjectNode proofs = root.putObject("optInEvidence");
        OptInEvidence.latestOptIns(history).forEach((slot, e) -> {
            ObjectNode n = proofs.putObject(slot);
            n.put("action", e.action().name());
            n.put("at", e.at().toString());
            n.put("source", e.source().name());
            new java.util.TreeMap<>(e.evidence()).forEach(n::put);
        });
        ArrayNode events = root.putArray("history");
        for (HistoryEvent e : history) {
            ObjectNode n = events.addObject();
            n.put("action", e.action().name());
            n.put("at", e.at().toString());
            n.put("source", e.source().name());
            putIf(n, "topic", e.topic());
            putIf(n, "frequency", e.frequency() == null ? null : e.frequency().name());
            putIf(n, "campaignId", e.campaignId());
            putIf(n, "tokenIssuedAt", e.tokenIssuedAt() == null ? null : e.tokenIssuedAt().toString());
            putIf(n, "actor", e.actor());
            putIf(n, "reason", e.reason());
            if (!e.evidence().isEmpty()) {
                ObjectNode ev = n.putObject("evidence");
                new java.util.TreeMap<>(e.evidence()).forEach(ev::put);
            }
        }
        try {
            context.out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIf(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }
}
