package dev.optout.erasure;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SuppressionStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Erasure (GDPR Art. 17, UU PDP Pasal 43), written once for {@code ./optout forget} and "Erase me"
 * on the preference page: the address in clear and every piece of evidence that could name it
 * leave the table, its keyed hash, marks and actions stay so it stays blocked, and it sticks
 * ({@link SuppressionStore#forget}).
 *
 * <p>Beyond the table: when the target mirrors suppressions to the SES account suppression list,
 * the address is removed from it too (SES v2 {@code DeleteSuppressedDestination}). Copies in
 * message bodies on the queues (opt-outs waiting for the table, SES events, their dead-letter
 * queues) cannot be reached one by one (SQS deletes only what it has just delivered, and the
 * bodies are encrypted at rest): they are named, with their retention, so that the person can be
 * told when the last copy is gone. Errors name the service's error code only, never a message
 * (SES messages may quote the address).
 */
public final class AddressErasure implements Eraser {
    /** What became of the SES account suppression list entry. */
    public enum SesResult {
        /** The target does not mirror to SES: the list holds nothing optout put there. */
        NOT_MIRRORED,
        REMOVED,
        NOT_LISTED,
        FAILED
    }

    /**
     * Where copies of an address live outside the table.
     *
     * @param sesMirroring the target's SesSuppressionMirroring is "true"
     * @param queues       the queues whose message bodies may hold the address, by logical id (template.yaml), with their URLs
     */
    public record Copies(boolean sesMirroring, Map<String, String> queues) {
        public static final Copies NONE = new Copies(false, Map.of());

        public Copies {
            queues = Collections.unmodifiableMap(new LinkedHashMap<>(queues));
        }

        /**
         * {@code LogicalId=url,LogicalId=url} (the functions' {@code ERASURE_QUEUE_URLS}); blank
         * entries and entries without a URL are skipped.
         */
        public static Map<String, String> parseQueues(String list) {
            Map<String, String> queues = new LinkedHashMap<>();
            if (list == null) {
                return queues;
            }
            for (String entry : list.split(",")) {
                int eq = entry.indexOf('=');
                if (eq > 0 && !entry.substring(eq + 1).isBlank()) {
                    queues.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
                }
            }
            return queues;
        }
    }

    /** A queue whose message bodies may hold the address, and by when any such copy is gone. */
    public record QueueCopy(String queue, Long retentionSeconds, Instant expiresBy, String error) {
    }

    /**
     * @param scrubbed history items that named the address, or {@code null} when it was not in the table
     * @param after    the state after (its key, marks and actions)
     * @param sesError the error code when {@code ses} is {@link SesResult#FAILED}
     */
    public record Result(Integer scrubbed, AddressState after, SesResult ses, String sesError, List<QueueCopy> queues) {
        public Result {
            queues = List.copyOf(queues);
        }

        public boolean inTable() {
            return scrubbed != null;
        }

        /** When the last copy in a queue is gone; {@code null} when no queue is known (or none could be read). */
        public Instant lastCopyGoneBy() {
            return queues.stream().map(QueueCopy::expiresBy).filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
        }
    }

    private final SuppressionStore store;
    private final Copies copies;
    private final SesV2Client ses;
    private final SqsClient sqs;
    private final Clock clock;

    /**
     * @param ses an SES v2 client, used only when the target mirrors (may be null otherwise)
     * @param sqs an SQS client, used only when queues are known (may be null otherwise)
     */
    public AddressErasure(SuppressionStore store, Copies copies, SesV2Client ses, SqsClient sqs, Clock clock) {
        this.store = Objects.requireNonNull(store);
        this.copies = Objects.requireNonNull(copies);
        this.ses = copies.sesMirroring() ? Objects.requireNonNull(ses, "an SES v2 client when mirroring") : ses;
        this.sqs = copies.queues().isEmpty() ? sqs : Objects.requireNonNull(sqs, "an SQS client when queues are known");
        this.clock = Objects.requireNonNull(clock);
    }



    public Copies copies() {
        return copies;
    }

    /**
     * Forgets {@code address}: the table (when it is there), the SES account suppression list (when
     * mirrored; also for an address not in the table), and the queues' retention read.
     */
    @Override
    public Result forget(EmailAddress address, Provenance provenance) {
        Result table = Eraser.tableOnly(store).forget(address, provenance);
        String[] sesError = {null};
        SesResult sesResult = removeFromSes(address, sesError);
        return new Result(table.scrubbed(), table.after(), sesResult, sesError[0], queueCopies(clock.instant()));
    }

    private SesResult removeFromSes(EmailAddress address, String[] error) {
        if (!copies.sesMirroring()) {
            return SesResult.NOT_MIRRORED;
        }
        try {
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
    private List<QueueCopy> queueCopies(Instant now) {
        List<QueueCopy> found = new ArrayList<>();
        if (copies.queues().isEmpty()) {
            return found;
        }
        copies.queues().forEach((queue, url) -> {
            try {
                String seconds = sqs.getQueueAttributes(r -> r.queueUrl(url)
                        .attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD)).attributes()
                        .get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
                long retention = Long.parseLong(seconds);
                found.add(new QueueCopy(queue, retention, now.plusSeconds(retention).truncatedTo(ChronoUnit.SECONDS), null));
            } catch (SdkException | NumberFormatException e) {
                String why = e instanceof AwsServiceException a && a.awsErrorDetails() != null
                        ? a.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
                found.add(new QueueCopy(queue, null, null, why));
            }
        });
        return found;
    }
}
