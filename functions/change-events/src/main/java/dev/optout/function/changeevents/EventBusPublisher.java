package dev.optout.function.changeevents;

import dev.optout.events.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts change events on the bus: at most 10 entries and 256 KB per PutEvents call (EventBridge's
 * limits), entries that EventBridge refused (throttled, internal failure) sent again a few times
 * with a growing wait. Answers, for each event in order, whether it is on the bus.
 */
public final class EventBusPublisher {
    /** EventBridge's most entries per PutEvents call. */
    public static final int MAX_ENTRIES = 10;
    /** EventBridge's largest PutEvents request (the sum of its entries' sizes). */
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    private final EventBridgeClient events;
    private final String busName;
    private final int attempts;
    private final long firstWaitMillis;

    /**
     * How often an entry EventBridge refused is sent again.
     *
     * @param attempts        tries per entry in all
     * @param firstWaitMillis the wait before the second try, doubled after each
     */
    public record Retries(int attempts, long firstWaitMillis) {
        public Retries {
            if (attempts < 1 || firstWaitMillis < 0) {
                throw new IllegalArgumentException("at least one attempt and no negative wait");
            }
        }
    }

    public EventBusPublisher(EventBridgeClient events, String busName, Retries retries) {
        this.events = events;
        this.busName = busName;
        this.attempts = retries.attempts();
        this.firstWaitMillis = retries.firstWaitMillis();
    }

    public String busName() {
        return busName;
    }

    /** The entry of one event: source {@code dev.optout}, its detail-type, the time of the change. */
    public PutEventsRequestEntry entry(ChangeEvent e) {
        return PutEventsRequestEntry.builder().eventBusName(busName).source(ChangeEvent.EVENT_SOURCE)
                .detailType(e.kind().detailType()).detail(e.detailJson()).time(e.at()).build();
    }

    /** An entry's size as EventBridge counts it (source, detail-type, detail, time). */
    static int size(PutEventsRequestEntry e) {
        return 14 + utf8(e.source()) + utf8(e.detailType()) + utf8(e.detail());
    }

    private static int utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Publishes the events in order, in calls of at most {@link #MAX_ENTRIES} and
     * {@link #MAX_REQUEST_BYTES}; stops at the first call that leaves an event unpublished.
     *
     * @return how many events, from the first, are on the bus (all: {@code events.size()})
     */
    public int publish(List<ChangeEvent> events) {
        List<PutEventsRequestEntry> entries = events.stream().map(this::entry).toList();
        int done = 0;
        while (done < entries.size()) {
            int end = done;
            int bytes = 0;
            while (end < entries.size() && end - done < MAX_ENTRIES && bytes + size(entries.get(end)) <= MAX_REQUEST_BYTES) {
                bytes += size(entries.get(end));
                end++;
            }
            if (end == done) {
                throw new IllegalArgumentException("an event larger than EventBridge takes: " + size(entries.get(done)) + " bytes");
            }
            int start = done;
            done = start + putAll(entries.subList(start, end));
            if (done < end) {
                return done;
            }
        }
        return done;
    }

    /** Puts one call's entries, resending the refused ones; answers how many from the first are on the bus. */
    private int putAll(List<PutEventsRequestEntry> chunk) {
        boolean[] ok = new boolean[chunk.size()];
        long wait = firstWaitMillis;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            List<Integer> pending = new ArrayList<>();
            for (int i = 0; i < ok.length; i++) {
                if (!ok[i]) {
                    pending.add(i);
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            try {
                PutEventsResponse r = events.putEvents(b -> b.entries(pending.stream().map(chunk::get).toList()));
                List<PutEventsResultEntry> results = r.entries();
                for (int j = 0; j < pending.size(); j++) {
                    PutEventsResultEntry result = j < results.size() ? results.get(j) : null;
                    if (result != null && result.errorCode() == null && result.eventId() != null) {
                        ok[pending.get(j)] = true;
                    }
                }
            } catch (SdkException e) {
                if (attempt == attempts) {
                    break;
                }
            }
            if (attempt < attempts && !allTrue(ok)) {
                sleep(wait);
                wait *= 2;
            }
        }
        int prefix = 0;
        while (prefix < ok.length && ok[prefix]) {
            prefix++;
        }
        return prefix;
    }

    private static boolean allTrue(boolean[] ok) {
        for (boolean b : ok) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
