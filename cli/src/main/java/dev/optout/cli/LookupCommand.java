package dev.optout.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.preferences.PersonalData;
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
            decisions.put(t, SendPolicy.decide(state, t, operator.expiry(), operator.clock().instant()));
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
                : "blocked: " + d.reason() + (d.since() == null ? "" : " since " + d.since())
                        + (d.until() == null ? "" : " until " + d.until() + " (expires by policy)")));
        out.println("marks:");
        int marks = 0;
        for (Map.Entry<String, Mark> m : Marks.of(state).entrySet()) {
            out.printf("  %-30s %s%n", m.getKey(), Marks.describe(m.getValue()));
            marks++;
        }
        if (marks == 0) {
            out.println("  none");
        }
        java.time.Instant now = operator.clock().instant();
        for (SendPolicy.Stop stop : List.of(SendPolicy.Stop.HARD_BOUNCE, SendPolicy.Stop.SOFT_BOUNCE)) {
            java.time.Instant until = operator.expiry().until(stop, state);
            if (until != null) {
                out.println("  " + stop.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " stop "
                        + (now.isBefore(until) ? "expires" : "expired") + " by policy at " + until
                        + (now.isBefore(until) ? "" : ": mail may go again (no write needed)"));
            }
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

    /** The shared document ({@link PersonalData}): the same as the person's own "Download my data". */
    private void printJson(EmailAddress address, AddressState state, Map<Topic, Decision> decisions, List<HistoryEvent> history) {
        ObjectNode root = PersonalData.of(address, state, decisions, history);
        try {
            context.out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
