package dev.optout.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.erasure.AddressErasure;
import dev.optout.erasure.AddressErasure.QueueCopy;
import dev.optout.erasure.AddressErasure.SesResult;
import dev.optout.json.Json;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Erasure (GDPR Art. 17, Indonesia's UU PDP), through {@link AddressErasure} (the same erasure as
 * "Erase me" on the preference page): the address in clear and every piece of evidence
 * that could name it leave the table; its keyed hash, marks and actions stay, so it stays
 * blocked (a suppression list is kept, never deleted, per the ICO's guidance). It sticks: the
 * store never writes the address back ({@code SuppressionStore#forget}).
 *
 * <p>Beyond the table: when the target mirrors suppressions to the SES account suppression list,
 * the address is removed from it too (SES v2 {@code DeleteSuppressedDestination}). Copies in
 * message bodies on the queues (opt-outs waiting for the table, SES events, their dead-letter
 * queues) cannot be reached one by one (SQS deletes only what it has just delivered, and the
 * bodies are encrypted at rest): they are named, with their retention, so that the person can
 * be told when the last copy is gone. Exit 1 when the SES list could not be changed.
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Erase an address (GDPR Art. 17): remove it in clear, and evidence that names it, from state and history.",
                "Its hash, marks and actions stay, so it stays blocked; no later change writes it back.",
                "Also removes it from the SES account suppression list when the stack mirrors to it, and says which",
                "queues may still hold it in a message body and by when those copies expire."})
public final class ForgetCommand extends OperatorCommand {
    @Parameters(paramLabel = "ADDRESS")
    String raw;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "erasure request",
            description = "Why (recorded; must not contain the address), default: ${DEFAULT-VALUE}.")
    String reason;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--requested-at", paramLabel = "T",
            description = {"When the person asked to be erased (2026-11-01 or 2026-11-01T08:00:00Z), default: now.",
                    "The report holds the time from then to this erasure against UU PDP's 3x24 hours."})
    String requestedAt;

    private java.time.Instant requestedTime;

    public ForgetCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
        if (requestedAt != null) {
            requestedTime = Times.parse(requestedAt);
            if (requestedTime == null) {
                throw new UsageError("--requested-at takes a date or time such as 2026-11-01 or 2026-11-01T08:00:00Z (got '"
                        + requestedAt + "')");
            }
        }
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        if (requestedTime != null && requestedTime.isAfter(operator.clock().instant())) {
            throw new UsageError("--requested-at " + requestedAt + " is in the future");
        }
        AddressErasure.Copies copies = operator.copies();
        AddressErasure.Result result;
        // the clients only where the target has something for them (try-with-resources skips a null)
        try (SesV2Client ses = copies.sesMirroring() ? operator.sesV2() : null;
             SqsClient sqs = copies.queues().isEmpty() ? null : operator.sqs()) {
            result = new AddressErasure(operator.store(), copies, ses, sqs, operator.clock()).forget(address,
                    Provenance.byOperator(Source.OPERATOR, operator.clock().instant(), operator.actor(), reason.strip()));
        }
        if (result.inTable()) {
            // counted by the report (no address kept), against UU PDP's 3x24 hours; an address the
            // table never held leaves no trace in it, not even in the count
            java.time.Instant served = operator.clock().instant();
            operator.store().recordDataRequest(new dev.optout.suppression.DataRequest(dev.optout.suppression.DataRequest.Kind.ERASURE,
                    Source.OPERATOR, requestedTime == null ? served : requestedTime, served));
        }
        Integer scrubbed = result.scrubbed();
        AddressState after = result.after();
        // NOT_OPTED_IN (an opt-in topic nobody asked for) is no suppression of this address
        BlockReason blocked = operator.catalog().all().stream().map(t -> SendPolicy.decide(after, t))
                .filter(d -> !d.allowed() && d.reason() != BlockReason.NOT_OPTED_IN)
                .map(Decision::reason).distinct().findFirst().orElse(null);
        if (json) {
            printJson(address, scrubbed, after, blocked, result.ses(), result.sesError(), result.queues());
        } else {
            printText(address, scrubbed, after, blocked, result.ses(), result.sesError(), result.queues());
        }
        return result.ses() == SesResult.FAILED ? OptoutCli.REFUSED : OptoutCli.OK;
    }

    private void printText(EmailAddress address, Integer scrubbed, AddressState after, BlockReason blocked, SesResult ses,
                           String sesError, List<QueueCopy> queues) {
        PrintWriter out = context.out();
        if (scrubbed == null) {
            out.println(address.value() + " is not in the table: there is nothing to erase there. Nothing changed in the table.");
        } else {
            out.println("forgot " + address.value() + ": removed from the state item and from " + scrubbed
                    + " history item(s) that named it; its key " + after.key() + ", marks and actions stay.");
            out.println(blocked != null ? "  it stays blocked (" + blocked + ") and is never written in clear again."
                    : "  it had no suppression; it is never written in clear again.");
        }
        out.println(switch (ses) {
            case NOT_MIRRORED -> "  SES account suppression list: not mirrored to (SesSuppressionMirroring is off): nothing to remove.";
            case REMOVED -> "  SES account suppression list: removed.";
            case NOT_LISTED -> "  SES account suppression list: it was not on it.";
            case FAILED -> "  SES account suppression list: NOT removed (" + sesError + "). Your credentials need "
                    + "ses:DeleteSuppressedDestination; run this forget again (it is safe to repeat).";
        });
        if (queues.isEmpty()) {
            out.println("  queues: none known for this target, so none checked.");
            return;
        }
        out.println("  not reachable: copies in message bodies on these queues (opt-outs waiting for the table, SES events,"
                + " dead letters), which SQS deletes when their retention ends:");
        for (QueueCopy q : queues) {
            out.println(q.error() == null
                    ? String.format("    %-34s retention %s: any copy is gone by %s", q.queue(), days(q.retentionSeconds()), q.expiresBy())
                    : String.format("    %-34s retention unknown (%s): your credentials need sqs:GetQueueAttributes", q.queue(), q.error()));
        }
    }

    private void printJson(EmailAddress address, Integer scrubbed, AddressState after, BlockReason blocked, SesResult ses,
                           String sesError, List<QueueCopy> queues) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("address", address.value());
        root.put("inTable", scrubbed != null);
        if (scrubbed != null) {
            root.put("key", after.key());
            root.put("historyItemsScrubbed", scrubbed);
            if (blocked != null) {
                root.put("staysBlocked", blocked.name());
            } else {
                root.putNull("staysBlocked");
            }
        }
        ObjectNode s = root.putObject("sesSuppressionList");
        s.put("result", ses.name());
        if (sesError != null) {
            s.put("error", sesError);
        }
        ArrayNode unreachable = root.putArray("unreachableCopies");
        for (QueueCopy q : queues) {
            ObjectNode n = unreachable.addObject();
            n.put("queue", q.queue());
            if (q.error() == null) {
                n.put("retentionSeconds", q.retentionSeconds());
                n.put("expiresBy", q.expiresBy().toString());
            } else {
                n.put("error", q.error());
            }
        }
        context.out().println(root.toPrettyString());
    }

    private static String days(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        return d.toHours() % 24 == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0 ? d.toDays() + " days" : seconds + " s";
    }
}
