package dev.optout.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Erasure (GDPR Art. 17, Indonesia's UU PDP): the address in clear and every piece of evidence
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

    /** What became of the SES account suppression list entry. */
    enum SesResult {
        /** The target does not mirror to SES: the list holds nothing optout put there. */
        NOT_MIRRORED,
        REMOVED,
        NOT_LISTED,
        FAILED
    }

    /** A queue whose message bodies may hold the address, and by when any such copy is gone. */
    record QueueCopy(String queue, Long retentionSeconds, Instant expiresBy, String error) {
    }

    public ForgetCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        AddressState before = operator.store().read(address);
        Integer scrubbed = null;
        AddressState after = before;
        if (before.exists()) {
            scrubbed = operator.store().forget(address,
                    Provenance.byOperator(Source.OPERATOR, operator.clock().instant(), operator.actor(), reason.strip()));
            after = operator.store().read(address);
        }
        String[] sesError = {null};
        SesResult ses = removeFromSes(operator, address, sesError);
        List<QueueCopy> queues = queueCopies(operator, operator.clock().instant());
        // NOT_OPTED_IN (an opt-in topic nobody asked for) is no suppression of this address
        AddressState state = after;
        BlockReason blocked = operator.catalog().all().stream().map(t -> SendPolicy.decide(state, t))
                .filter(d -> !d.allowed() && d.reason() != BlockReason.NOT_OPTED_IN)
                .map(Decision::reason).distinct().findFirst().orElse(null);
        if (json) {
            printJson(address, scrubbed, after, blocked, ses, sesError[0], queues);
        } else {
            printText(address, scrubbed, after, blocked, ses, sesError[0], queues);
        }
        return ses == SesResult.FAILED ? OptoutCli.REFUSED : OptoutCli.OK;
    }

    private static SesResult removeFromSes(Operator operator, EmailAddress address, String[] error) {
        if (!operator.copies().sesMirroring()) {
            return SesResult.NOT_MIRRORED;
        }
        try (SesV2Client ses = operator.sesV2()) {
            ses.deleteSuppressedDestination(r -> r.emailAddress(address.value()));
            return SesResult.REMOVED;
        } catch (NotFoundException e) {
            return SesResult.NOT_LISTED;
        } catch (AwsServiceException e) {
            // the error code only: SES messages may quote the address
            error[0] = e.awsErrorDetails() == null ? "HTTP " + e.statusCode()
                    : e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")";
            return SesResult.FAILED;
        } catch (SdkException e) {
            error[0] = e.getClass().getSimpleName();
            return SesResult.FAILED;
        }
    }

    /**
     * Each queue's retention, read from the queue itself. A message that holds the address now was
     * sent before now, and SQS deletes it at the latest when its retention has passed since it was
     * first sent (a message moved to a dead-letter queue keeps its original enqueue time): so every
     * such copy is gone by now + retention.
     */
    static List<QueueCopy> queueCopies(Operator operator, Instant now) {
        List<QueueCopy> copies = new ArrayList<>();
        if (operator.copies().queues().isEmpty()) {
            return copies;
        }
        try (SqsClient sqs = operator.sqs()) {
            operator.copies().queues().forEach((queue, url) -> {
                try {
                    String seconds = sqs.getQueueAttributes(r -> r.queueUrl(url)
                            .attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD)).attributes()
                            .get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
                    long retention = Long.parseLong(seconds);
                    copies.add(new QueueCopy(queue, retention, now.plusSeconds(retention).truncatedTo(ChronoUnit.SECONDS), null));
                } catch (SdkException | NumberFormatException e) {
                    String why = e instanceof AwsServiceException a && a.awsErrorDetails() != null
                            ? a.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
                    copies.add(new QueueCopy(queue, null, null, why));
                }
            });
        }
        return copies;
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
