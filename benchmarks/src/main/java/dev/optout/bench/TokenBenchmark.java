package dev.optout.bench;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenSealer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * Token sealing plus List-Unsubscribe header building per recipient, on one thread: what the
 * pre-send check adds to each allowed result. Goal: at least 200,000 per second, so the links for
 * a 10,000-recipient check cost under 50 ms.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.optout.bench.TokenBenchmark [rounds] [perRound]
 * </pre>
 * A plain harness: warm-up until the JIT settles, then timed rounds; prints each round and the median.
 */
public final class TokenBenchmark {
    private static final int DISTINCT_RECIPIENTS = 10_000;

    private TokenBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        TokenSealer sealer = new TokenSealer(new LinkKeys("k1", Map.of("k1", key)), Clock.systemUTC());
        // "mailto" as third argument: each recipient also gets a sealed mailto: (UNSUBSCRIBE_MAIL_DOMAIN set).
        boolean mailto = args.length > 2 && args[2].equals("mailto");
        ListUnsubscribeHeaders headers = mailto
                ? ListUnsubscribeHeaders.withMailto(sealer, "https://optout.example.com", new dev.optout.links.MailtoAddresses(
                        "unsubscribe.example.com", new dev.optout.token.MailtoSealer(new LinkKeys("k1", Map.of("k1", key)),
                                java.util.List.of("newsletter"), java.time.Duration.ofDays(400), Clock.systemUTC()),
                        new dev.optout.address.AddressKeys(key)))
                : new ListUnsubscribeHeaders(sealer, "https://optout.example.com", null);

        // Addresses are parsed once up front: parsing belongs to the check, not to link building.
        EmailAddress[] recipients = new EmailAddress[DISTINCT_RECIPIENTS];
        for (int i = 0; i < recipients.length; i++) {
            recipients[i] = AddressParser.parseOrNull("recipient.number" + i + "@example-mail.co.id");
        }

        long sink = 0;
        long warmupEnd = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            sink += run(headers, recipients, 50_000);
        }

        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            sink += run(headers, recipients, perRound);
            long elapsed = System.nanoTime() - start;
            rates[r] = perRound / (elapsed / 1e9);
            System.out.printf("round %d: %,.0f recipients/s%n", r + 1, rates[r]);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        String sample = headers.forRecipient(recipients[0], "newsletter", "2026-11-weekly").headers().get("List-Unsubscribe");
        System.out.printf("%nTokenBenchmark (1 thread, java %s, %s)%n", System.getProperty("java.version"), System.getProperty("os.arch"));
        System.out.printf("  token sealing + List-Unsubscribe headers%s: median %,.0f recipients/s (best %,.0f, worst %,.0f)%n",
                mailto ? " with mailto:" : "", median, sorted[sorted.length - 1], sorted[0]);
        System.out.printf("  10,000 recipients: %.1f ms (goal < 50 ms; goal rate >= 200,000/s: %s)%n",
                10_000 / median * 1000, median >= 200_000 ? "met" : "NOT met");
        System.out.printf("  sample header: %d characters, URL %d characters%n", sample.length(), sample.length() - 2);
        System.out.println("  (checksum " + sink + ")");
    }

    private static long run(ListUnsubscribeHeaders headers, EmailAddress[] recipients, int n) {
        long sink = 0;
        for (int i = 0; i < n; i++) {
            var links = headers.forRecipient(recipients[i % recipients.length], "newsletter", "2026-11-weekly");
            sink += links.preferencesUrl().length() + links.headers().size();
        }
        return sink;
    }
}
