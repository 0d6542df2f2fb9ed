package dev.optout.function.changeevents;

import dev.optout.events.AddressDirectory;
import dev.optout.events.ChangeEvent;
import dev.optout.events.ChangeEvents;
import dev.optout.lambda.StreamEventJson.Record;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One batch of stream records to events on the bus, in stream order. New history items
 * ({@code INSERT}) become address events, written campaign guard items pause and resume events;
 * every other record (state items, idempotency records, counters, the scrubbing of history by an
 * erasure) publishes nothing.
 *
 * <p>The first record that cannot be published (its address unreadable, its item not
 * understood, EventBridge refusing it after retries) is the one reported: Lambda retries the batch
 * from it (DynamoDB Streams keeps order per shard), bisects it, and after the mapping's retries
 * sends the record's coordinates to the on-failure destination. Records after it are not published
 * in this attempt, so a retry duplicates as few events as possible; consumers deduplicate by id.
 */
public final class StreamPublisher {
    private final AddressDirectory addresses;
    private final boolean hashOnly;
    private final EventBusPublisher bus;

    /** @param hashOnly events carry the keyed hash only, never the address (the directory is not read) */
    public StreamPublisher(AddressDirectory addresses, boolean hashOnly, EventBusPublisher bus) {
        this.addresses = addresses;
        this.hashOnly = hashOnly;
        this.bus = bus;
    }

    /**
     * What one batch did.
     *
     * @param published      events put on the bus
     * @param skipped        records that are no change event
     * @param failedSequence the sequence number of the first record not published, or null
     * @param error          why it was not, or null
     */
    public record Outcome(int published, int skipped, String failedSequence, String error) {
    }

    public Outcome publish(List<Record> records) {
        Map<String, String> known = Map.of();
        if (!hashOnly) {
            List<String> keys = new ArrayList<>();
            for (Record r : records) {
                if (isNewHistory(r)) {
                    keys.add(ChangeEvents.addressKey(r.newImage()));
                }
            }
            try {
                known = keys.isEmpty() ? Map.of() : addresses.addresses(keys);
            } catch (RuntimeException e) {
                // nothing of the batch is published: it is retried from its first record
                return new Outcome(0, 0, records.get(0).sequenceNumber(), "addresses unreadable: " + e.getMessage());
            }
        }
        List<ChangeEvent> events = new ArrayList<>();
        List<Record> sources = new ArrayList<>();
        int skipped = 0;
        Record poison = null;
        String poisonError = null;
        for (Record r : records) {
            Optional<ChangeEvent> e;
            try {
                e = event(r, known);
            } catch (RuntimeException ex) {
                poison = r;
                poisonError = "record not understood: " + ex;
                break;
            }
            if (e.isPresent()) {
                events.add(e.get());
                sources.add(r);
            } else {
                skipped++;
            }
        }
        int published = bus.publish(events);
        if (published < events.size()) {
            return new Outcome(published, skipped, sources.get(published).sequenceNumber(),
                    "EventBridge did not take event " + events.get(published).id());
        }
        return new Outcome(published, skipped, poison == null ? null : poison.sequenceNumber(), poisonError);
    }

    private Optional<ChangeEvent> event(Record r, Map<String, String> known) {
        if (isNewHistory(r)) {
            String key = ChangeEvents.addressKey(r.newImage());
            return ChangeEvents.fromHistory(r.newImage(), hashOnly ? null : known.get(key));
        }
        if (!"REMOVE".equals(r.eventName()) && ChangeEvents.isGuard(r.newImage())) {
            return ChangeEvents.fromGuard(r.newImage());
        }
        return Optional.empty();
    }

    private static boolean isNewHistory(Record r) {
        return "INSERT".equals(r.eventName()) && ChangeEvents.isHistory(r.newImage());
    }
}
