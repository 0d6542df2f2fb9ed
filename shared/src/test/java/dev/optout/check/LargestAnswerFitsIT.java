package dev.optout.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.links.FeedbackId;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.links.MailtoAddresses;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Deadline;
import dev.optout.token.LinkKeys;
import dev.optout.token.MailtoSealer;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documented maximum of recipients, each the longest the check accepts (254-character
 * addresses: every other one the longest in UTF-8, 382 bytes, which makes the longest token, and
 * the others the longest as JSON, 574 bytes with escaped emoji; each echoed in an entry of the
 * longest accepted size), with the longest campaign id, topic id,
 * key id, base URL and per-recipient mailto: domain, all allowed (every link and tag present):
 * for each choice of fields the answer stays under Lambda's 6 MB response limit.
 */
@ExtendWith(LocalAwsExtension.class)
class LargestAnswerFitsIT {
    private static final String LONGEST_TOPIC = "t".repeat(48);
    /** 199 letters and a space: 200 bytes, the longest id; the space makes its SES tag the longest (209 characters). */
    private static final String LONGEST_CAMPAIGN = "c".repeat(199) + " ";

    @Test
    void theLargestAnswerOfEachChoiceOfFieldsIsUnderSixMegabytes(LocalAws aws) throws IOException {
        String table = aws.createSuppressionTable();
        AddressKeys addressKeys = new AddressKeys(new byte[32]);
        LinkKeys keys = new LinkKeys("k123456789abcdef", Map.of("k123456789abcdef", new byte[32]));
        TokenSealer sealer = new TokenSealer(keys, Clock.systemUTC());
        TopicCatalog catalog = new TopicCatalog(List.of(new Topic(LONGEST_TOPIC, true, Map.of("en", "T"), Map.of("en", "T"))));
        String domain = "m".repeat(63) + "." + "m".repeat(MailtoAddresses.MAX_DOMAIN_CHARS - 68) + ".com";
        MailtoAddresses mailto = new MailtoAddresses(domain,
                new MailtoSealer(keys, List.of(LONGEST_TOPIC), TokenOpener.DEFAULT_LIFETIME, Clock.systemUTC()), addressKeys);
        String baseUrl = "https://" + "h".repeat(63) + "." + "h".repeat(AnswerSize.MAX_BASE_URL_BYTES - 76) + ".com";
        ListUnsubscribeHeaders links = ListUnsubscribeHeaders.withMailto(sealer, baseUrl, mailto)
                .withFeedbackId(new FeedbackId("s".repeat(FeedbackId.MAX_SENDER_ID_CHARS)));

        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < AnswerSize.CEILING; i++) {
            recipients.add(longestEntry(i));
        }
        CheckResponse all;
        try (BatchStateReader reader = new BatchStateReader(aws.dynamoDb(), table, 8)) {
            all = new PresendCheck(catalog, addressKeys, reader, links).check(
                    new CheckRequest(LONGEST_TOPIC, LONGEST_CAMPAIGN, recipients),
                    Deadline.after(Duration.ofMinutes(5), Clock.systemUTC()));
        }
        assertThat(all.summary().allowed()).isEqualTo(AnswerSize.CEILING);
        CheckResult first = all.results().get(0);
        assertThat(AnswerSize.jsonStringBytes(first.recipient())).isEqualTo(AnswerSize.MAX_RECIPIENT_BYTES);
        assertThat(first.address().getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(AddressParser.MAX_UTF8_BYTES);
        assertThat(AnswerSize.jsonStringBytes(all.results().get(1).address())).isEqualTo(AnswerSize.MAX_ADDRESS_BYTES);
        assertThat(first.headers().get(ListUnsubscribeHeaders.LIST_UNSUBSCRIBE)).contains(baseUrl + "/u/").contains("@" + domain);
        assertThat(first.tags().get(SesTags.CAMPAIGN)).hasSize(SesTags.MAX_DERIVED_VALUE);
        assertThat(first.headers().get(FeedbackId.HEADER)).hasSize(FeedbackId.MAX_VALUE_CHARS);
        // Each field's worst case bounds what any of these results carries in it.
        for (ResultField f : ResultField.values()) {
            for (CheckResult r : all.results().subList(0, 2)) {
                assertThat(written(List.of(r), EnumSet.of(f)) - written(List.of(r), EnumSet.noneOf(ResultField.class)))
                        .as("%s of %s", f, r.recipient()).isLessThanOrEqualTo(AnswerSize.worstCase(f));
            }
        }

        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Set<ResultField> fields : choices()) {
            int max = AnswerSize.maxRecipients(fields);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CheckResponse.of(all.results().subList(0, max)).writeJson(out, fields);
            sizes.put(fields + " x " + max, out.size());
            assertThat(out.size()).as("%s recipients with fields %s", max, fields).isLessThan(AnswerSize.LAMBDA_RESPONSE_LIMIT);
        }
        System.out.println("largest answers (bytes): " + sizes);
    }

    private static int written(List<CheckResult> results, Set<ResultField> fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckResponse.of(results).writeJson(out, fields);
        return out.size();
    }

    /** Every field alone, every field, and the compact choices the documentation names. */
    private static List<Set<ResultField>> choices() {
        List<Set<ResultField>> choices = new ArrayList<>();
        choices.add(ResultField.ALL);
        choices.add(EnumSet.of(ResultField.HEADERS, ResultField.TAGS));
        for (ResultField f : ResultField.values()) {
            choices.add(EnumSet.of(f));
        }
        return choices;
    }

    /**
     * A quoted display name and a longest canonical address (254 characters: 64 in the local part,
     * '@', a 189-character domain), the last four characters of the local part numbering the
     * recipient; the name fills the entry to the longest accepted. Even recipients: three-byte
     * characters (the longest in UTF-8, so the longest token); odd: emoji (the longest as JSON).
     */
    static String longestEntry(int i) {
        boolean cjk = i % 2 == 0;
        int first = cjk ? '中' : 0x1F600;
        int digit0 = cjk ? '一' : 0x1F610;
        StringBuilder local = new StringBuilder();
        int units = cjk ? 1 : 2;
        for (int n = 0; n < 64 / units - 4; n++) {
            local.appendCodePoint(first);
        }
        for (int d = 3; d >= 0; d--) {
            local.appendCodePoint(digit0 + (i / (int) Math.pow(10, d)) % 10);
        }
        String domain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(57) + ".com";
        String address = local + "@" + domain;
        int name = AnswerSize.MAX_RECIPIENT_BYTES - AnswerSize.jsonStringBytes(address) - "\\\"\\\" <>".length();
        return "\"" + "n".repeat(name) + "\" <" + address + ">";
    }
}
