package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.SuppressionStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's flood test: forged-token one-click POSTs to {@code /u/} as fast as several client
 * threads can send them through the loopback API Gateway adapter, with real one-clicks mixed in.
 * Every real one-click is answered 200 and is in the table; every forged one is refused and
 * writes nothing. Prints the rate the machine sustained (no timed assertion): the figure behind
 * the route throttling and concurrency settings in template.yaml.
 */
@ExtendWith(LocalAwsExtension.class)
class FloodIT {
    private static final int CLIENT_THREADS = 6;
    private static final int FORGED_PER_THREAD = 2_000;
    private static final int REAL_PER_THREAD = 20;

    @TempDir
    Path state;

    @Test
    void aForgedTokenFloodNeitherBlocksNorLosesARealOneClick(LocalAws aws) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (InProcessStack stack = new InProcessStack(aws, state, "flood-" + run, 30, 8, line -> { })) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = stack.unsubscribeHttp.baseUri() + "/u/";
            SuppressionStore store = stack.unsubscribeWiring.store();
            String genuine = stack.unsubscribeWiring.tokenSealer().seal(AddressParser.parseOrNull("victim@example.com"), null, "flood");
            // warm up: clients, keys, the handler's code paths
            for (int i = 0; i < 200; i++) {
                send(http, base + forged(genuine, new Random(i)));
            }

            AtomicInteger forgedRefused = new AtomicInteger();
            AtomicInteger forgedOther = new AtomicInteger();
            List<EmailAddress> real = new ArrayList<>();
            ConcurrentHashMap<EmailAddress, Integer> realAnswers = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                List<EmailAddress> mine = new ArrayList<>();
                for (int i = 0; i < REAL_PER_THREAD; i++) {
                    mine.add(AddressParser.parseOrNull("real" + t + "-" + i + "-" + run + "@example.com"));
                }
                real.addAll(mine);
                Random random = new Random(t);
                work.add(clients.submit(() -> {
                    int every = FORGED_PER_THREAD / REAL_PER_THREAD;
                    for (int i = 0; i < FORGED_PER_THREAD; i++) {
                        if (i % every == every / 2) {
                            EmailAddress a = mine.get(i / every);
                            realAnswers.put(a, send(http, base + stack.unsubscribeWiring.tokenSealer().seal(a, null, "flood")));
                        }
                        int status = send(http, base + forged(genuine, random));
                        (status == 400 || status == 404 ? forgedRefused : forgedOther).incrementAndGet();
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            for (Future<?> f : work) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            clients.shutdown();

            int forged = CLIENT_THREADS * FORGED_PER_THREAD;
            long applied = real.stream().filter(a -> store.read(a).unsubscribedAll() != null).count();
            long answered200 = realAnswers.values().stream().filter(s -> s == 200).count();
            System.out.printf("flood: %d forged one-click POSTs + %d real ones from %d client threads in %.1f s: %.0f requests/s "
                            + "(%.2f ms per request per client thread); forged refused=%d other=%d; real answered 200=%d applied=%d; "
                            + "victim's address untouched=%b%n",
                    forged, real.size(), CLIENT_THREADS, seconds, (forged + real.size()) / seconds,
                    seconds * 1000 / (forged + real.size()) * CLIENT_THREADS, forgedRefused.get(), forgedOther.get(), answered200, applied,
                    !store.read(AddressParser.parseOrNull("victim@example.com")).exists());

            assertThat(answered200).as("real one-clicks answered 200").isEqualTo(real.size());
            assertThat(applied).as("real one-clicks in the table").isEqualTo(real.size());
            assertThat(forgedRefused.get()).as("forged one-clicks refused").isEqualTo(forged);
            assertThat(store.read(AddressParser.parseOrNull("victim@example.com")).exists())
                    .as("no forged token changed the address it was derived from").isFalse();
        }
    }

    /** Half garbage of a token's length, half a genuine token with characters changed (it must fail AES-GCM's tag). */
    private static String forged(String genuine, Random random) {
        if (random.nextBoolean()) {
            byte[] b = new byte[genuine.length() * 3 / 4];
            random.nextBytes(b);
            b[0] = 1; // the right version byte, so the opener goes as far as the key id
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }
        char[] c = genuine.toCharArray();
        int at = 30 + random.nextInt(c.length - 31);
        c[at] = c[at] == 'A' ? 'B' : 'A';
        return new String(c);
    }

    private static int send(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }
}
