package dev.optout.inbound;

import static dev.optout.inbound.Verdict.DISABLED;
import static dev.optout.inbound.Verdict.FAIL;
import static dev.optout.inbound.Verdict.GRAY;
import static dev.optout.inbound.Verdict.PASS;
import static dev.optout.inbound.Verdict.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.inbound.InboundUnsubscribe.Kind;
import dev.optout.inbound.InboundUnsubscribe.Outcome;
import dev.optout.links.MailtoAddresses;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.Action;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.token.LinkKeys;
import dev.optout.token.MailtoSealer;
import dev.optout.token.TokenOpener;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rules for a mail to the unsubscribe domain (who may unsubscribe whom by mail), over a fresh
 * suppression table in moto: what each kind of mail changes, and that everything else changes nothing.
 */
@ExtendWith(LocalAwsExtension.class)
class InboundUnsubscribeIT {
    private static final Instant NOW = Instant.parse("2026-11-02T09:15:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String DOMAIN = SampleLinks.MAIL_DOMAIN;
    private static final AddressKeys ADDRESS_KEYS = StoreFixture.KEYS;
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private static final EmailAddress CITRA = AddressParser.parseOrNull("citra@example.org");
    private static final ReceivedMail.Verdicts ALL_PASS = new ReceivedMail.Verdicts(PASS, PASS, PASS, PASS, PASS);

    private LocalAws aws;
    private String table;
    private StoreFixture fixture;
    private SuppressionStore store;
    private InboundUnsubscribe inbound;

    @BeforeEach
    void freshTable(LocalAws aws) {
        this.aws = aws;
        fixture = StoreFixture.on(aws, CLOCK);
        table = fixture.table();
        store = fixture.store();
        inbound = new InboundUnsubscribe(store, addresses(CLOCK), CLOCK);
    }

    private static MailtoAddresses addresses(Clock clock) {
        MailtoSealer sealer = new MailtoSealer(LinkKeys.parse(SampleLinks.LINK_KEYS_JSON),
                TopicCatalog.bundled().all().stream().map(Topic::id).toList(), TokenOpener.DEFAULT_LIFETIME, clock);
        return new MailtoAddresses(DOMAIN, sealer, ADDRESS_KEYS);
    }

    /** The per-recipient address the check hands out to {@code who} for {@code topic} ({@code null}: all mail). */
    private static String tokenAddress(EmailAddress who, String topic) {
        String uri = addresses(CLOCK).uriFor(who, topic);
        return uri.substring("mailto:".length(), uri.indexOf('?'));
    }

    private static ReceivedMail mail(String messageId, String envelopeSender, List<String> from, List<String> to,
                                     ReceivedMail.Verdicts verdicts) {
        return new ReceivedMail(messageId, NOW.minusSeconds(2), envelopeSender, from, to, verdicts);
    }

    private static ReceivedMail mail(String from, String to) {
        return mail("m-1", from, List.of(from), List.of(to), ALL_PASS);
    }

    private long itemsInTable() {
        return aws.dynamoDb().scan(r -> r.tableName(table)).count();
    }

    @Test
    void aTokenUnsubscribesItsOwnAddressFromItsTopicWhateverTheFromSays() {
        ReceivedMail forwarded = mail("m-1", "mallory@attacker.example", List.of("Mallory <mallory@attacker.example>"),
                List.of(tokenAddress(ANA, "newsletter")), ALL_PASS);

        List<Outcome> outcomes = inbound.process(forwarded);

        assertThat(outcomes).containsExactly(new Outcome(Kind.TOKEN_APPLIED, "newsletter", null));
        assertThat(outcomes.get(0).changed()).isTrue();
        assertThat(store.read(ANA).topicOptOuts()).containsOnlyKeys("newsletter");
        assertThat(store.read(ANA).unsubscribedAll()).isNull();
        assertThat(store.read(ANA).address()).as("an unproven From teaches the table no address").isNull();
        assertThat(store.read(AddressParser.parseOrNull("mallory@attacker.example")).exists()).isFalse();
        HistoryEvent h = store.history(ANA, 10).get(0);
        assertThat(h.action()).isEqualTo(Action.UNSUBSCRIBE_TOPIC);
        assertThat(h.source()).isEqualTo(Source.MAILTO);
        assertThat(h.tokenIssuedAt()).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));
        assertThat(h.evidence()).containsEntry("sesMessageId", "m-1").containsEntry("fromMatchesLink", "false")
                .containsEntry("spam", "PASS").containsEntry("virus", "PASS").containsEntry("spf", "PASS")
                .containsEntry("dkim", "PASS").containsEntry("dmarc", "PASS");
    }

    @Test
    void aTokenMailFromTheTokensOwnAddressSaysSoAndGivesTheStateItsAddress() {
        List<Outcome> outcomes = inbound.process(mail("Ana <ANA@Example.com>", tokenAddress(ANA, "newsletter")));

        assertThat(outcomes).containsExactly(new Outcome(Kind.TOKEN_APPLIED, "newsletter", null));
        assertThat(store.read(ANA).address()).isEqualTo("ana@example.com");
        assertThat(store.history(ANA, 10).get(0).evidence()).containsEntry("fromMatchesLink", "true");
    }

    @Test
    void aTokenMailWithSeveralFromAddressesIsNotFromTheOwnerButStillApplies() {
        ReceivedMail m = mail("m-1", "ana@example.com", List.of("ana@example.com", "mallory@attacker.example"),
                List.of(tokenAddress(ANA, "events")), ALL_PASS);

        assertThat(inbound.process(m)).containsExactly(new Outcome(Kind.TOKEN_APPLIED, "events", null));
        assertThat(store.history(ANA, 10).get(0).evidence()).containsEntry("fromMatchesLink", "false");
    }

    @Test
    void aTokenWithoutTopicUnsubscribesFromAllMarketingMail() {
        List<Outcome> outcomes = inbound.process(mail("someone@example.net", tokenAddress(ANA, null)));

        assertThat(outcomes).containsExactly(new Outcome(Kind.TOKEN_APPLIED, "*", null));
        assertThat(store.read(ANA).unsubscribedAll().source()).isEqualTo(Source.MAILTO);
        assertThat(store.read(ANA).topicOptOuts()).isEmpty();
    }

    @Test
    void theSameMessageDeliveredAgainChangesNothingTheSecondTime() {
        ReceivedMail tokenMail = mail("ana@example.com", tokenAddress(ANA, "newsletter"));
        ReceivedMail plainMail = mail("m-2", "citra@example.org", List.of("citra@example.org"), List.of("unsubscribe@" + DOMAIN), ALL_PASS);
        inbound.process(tokenMail);
        inbound.process(plainMail);

        List<Outcome> again = inbound.process(tokenMail);
        List<Outcome> plainAgain = inbound.process(plainMail);

        assertThat(again).containsExactly(new Outcome(Kind.DUPLICATE, "newsletter", null));
        assertThat(plainAgain).containsExactly(new Outcome(Kind.DUPLICATE, "*", null));
        assertThat(again.get(0).changed()).isFalse();
        assertThat(store.history(ANA, 10)).hasSize(1);
        assertThat(store.history(CITRA, 10)).hasSize(1);
    }

    /** The gate: spam and virus an explicit PASS, and at least one of SPF, DKIM or DMARC PASS. */
    @Test
    void aMailThatFailsTheGateChangesNothingAndSaysWhichVerdictsFailed() {
        record Case(ReceivedMail.Verdicts verdicts, String detail) {
        }
        for (Case c : List.of(
                new Case(new ReceivedMail.Verdicts(FAIL, PASS, PASS, PASS, PASS), "spam=FAIL"),
                new Case(new ReceivedMail.Verdicts(PASS, GRAY, PASS, PASS, PASS), "virus=GRAY"),
                new Case(new ReceivedMail.Verdicts(UNKNOWN, DISABLED, PASS, PASS, PASS), "spam=UNKNOWN,virus=DISABLED"),
                new Case(new ReceivedMail.Verdicts(PASS, PASS, FAIL, GRAY, UNKNOWN), "spf/dkim/dmarc=FAIL/GRAY/UNKNOWN"),
                new Case(new ReceivedMail.Verdicts(FAIL, PASS, FAIL, FAIL, FAIL), "spam=FAIL,spf/dkim/dmarc=FAIL/FAIL/FAIL"))) {
            ReceivedMail m = mail("m-1", "ana@example.com", List.of("ana@example.com"),
                    List.of(tokenAddress(ANA, "newsletter"), "unsubscribe@" + DOMAIN), c.verdicts());

            List<Outcome> outcomes = inbound.process(m);

            assertThat(outcomes).as(c.detail()).containsExactly(new Outcome(Kind.VERDICTS_FAILED, null, c.detail()),
                    new Outcome(Kind.VERDICTS_FAILED, null, c.detail()));
            assertThat(outcomes.get(0).changed()).isFalse();
        }
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void anyOneOfSpfDkimOrDmarcPassingOpensTheGateForAToken() {
        List<ReceivedMail.Verdicts> onePass = List.of(new ReceivedMail.Verdicts(PASS, PASS, PASS, FAIL, FAIL),
                new ReceivedMail.Verdicts(PASS, PASS, FAIL, PASS, FAIL), new ReceivedMail.Verdicts(PASS, PASS, FAIL, FAIL, PASS));
        String[] topics = {"newsletter", "promotions", "events"};
        for (int i = 0; i < topics.length; i++) {
            ReceivedMail m = mail("m-" + i, "x@example.net", List.of("x@example.net"), List.of(tokenAddress(ANA, topics[i])), onePass.get(i));
            assertThat(inbound.process(m)).as(onePass.get(i).toString()).containsExactly(new Outcome(Kind.TOKEN_APPLIED, topics[i], null));
        }
        assertThat(store.read(ANA).topicOptOuts()).containsOnlyKeys(topics);
    }

    @Test
    void aTokenThatDoesNotOpenChangesNothingAndSaysWhy() {
        String token = tokenAddress(ANA, "newsletter");
        int last = token.indexOf('@') - 1;
        String altered = token.substring(0, last) + (token.charAt(last) == 'a' ? 'b' : 'a') + token.substring(last + 1);
        String notBase32 = "1".repeat(MailtoSealer.LENGTH) + "@" + DOMAIN;
        Clock longAgo = Clock.fixed(NOW.minus(Duration.ofDays(500)), ZoneOffset.UTC);
        String uri = addresses(longAgo).uriFor(ANA, "newsletter");
        String expired = uri.substring("mailto:".length(), uri.indexOf('?'));

        ReceivedMail m = mail("m-1", "ana@example.com", List.of("ana@example.com"), List.of(altered, notBase32, expired), ALL_PASS);

        assertThat(inbound.process(m)).containsExactly(new Outcome(Kind.INVALID_TOKEN, null, "TAMPERED"),
                new Outcome(Kind.INVALID_TOKEN, null, "MALFORMED"), new Outcome(Kind.INVALID_TOKEN, null, "EXPIRED"));
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void aPlainMailFromASenderAuthenticatedByDmarcUnsubscribesThatSenderFromAllMarketingMail() {
        ReceivedMail m = mail("m-1", "bounces@esp.example", List.of("Citra <Citra@Example.org>"),
                List.of("UNSUBSCRIBE@Unsubscribe.Example.COM."), new ReceivedMail.Verdicts(PASS, PASS, FAIL, FAIL, PASS));

        List<Outcome> outcomes = inbound.process(m);

        assertThat(outcomes).containsExactly(new Outcome(Kind.SENDER_UNSUBSCRIBED, "*", null));
        assertThat(outcomes.get(0).changed()).isTrue();
        assertThat(store.read(CITRA).unsubscribedAll().source()).isEqualTo(Source.MAILTO);
        assertThat(store.read(CITRA).address()).isEqualTo("citra@example.org");
        assertThat(store.history(CITRA, 10).get(0).evidence()).containsEntry("sesMessageId", "m-1")
                .containsEntry("dmarc", "PASS").containsEntry("spf", "FAIL");
    }

    /** RFC 7489 section 3.1 relaxed alignment: the envelope sender's domain is the From's, a parent or a subdomain of it. */
    @Test
    void aPlainMailPassingSpfCountsOnlyWhenTheEnvelopeSenderIsAlignedWithTheFrom() {
        ReceivedMail.Verdicts spfOnly = new ReceivedMail.Verdicts(PASS, PASS, PASS, FAIL, FAIL);
        record Case(String envelopeSender, String from, Kind kind) {
        }
        List<Case> cases = List.of(
                new Case("citra@example.org", "citra@example.org", Kind.SENDER_UNSUBSCRIBED),
                new Case("<bounce@Mail.Example.org>", "citra2@example.org", Kind.SENDER_UNSUBSCRIBED),
                new Case("@example.org", "citra9@example.org", Kind.SENDER_UNSUBSCRIBED), // SPF vouches for the domain only
                new Case("bounce@example.org", "citra3@news.example.org", Kind.SENDER_UNSUBSCRIBED),
                new Case("bounce@notexample.org", "citra4@example.org", Kind.SENDER_NOT_AUTHENTICATED),
                new Case("bounce@example.org.evil.example", "citra5@example.org", Kind.SENDER_NOT_AUTHENTICATED),
                new Case("", "citra6@example.org", Kind.SENDER_NOT_AUTHENTICATED),
                new Case("no-at-sign", "citra7@example.org", Kind.SENDER_NOT_AUTHENTICATED),
                new Case(null, "citra8@example.org", Kind.SENDER_NOT_AUTHENTICATED));
        for (Case c : cases) {
            ReceivedMail m = mail("m-" + c.from(), c.envelopeSender(), List.of(c.from()), List.of("unsubscribe@" + DOMAIN), spfOnly);

            Outcome outcome = inbound.process(m).get(0);

            assertThat(outcome.kind()).as(c.toString()).isEqualTo(c.kind());
            assertThat(store.read(AddressParser.parseOrNull(c.from())).exists()).as(c.toString())
                    .isEqualTo(c.kind() == Kind.SENDER_UNSUBSCRIBED);
        }
        assertThat(inbound.process(mail("m-x", "bounce@notexample.org", List.of("citra4@example.org"),
                List.of("unsubscribe@" + DOMAIN), spfOnly)).get(0).detail()).isEqualTo("From not authenticated by DMARC or aligned SPF");
    }

    @Test
    void aPlainMailAuthenticatedByDkimAloneChangesNothing() {
        ReceivedMail m = mail("m-1", "citra@example.org", List.of("citra@example.org"), List.of("unsubscribe@" + DOMAIN),
                new ReceivedMail.Verdicts(PASS, PASS, FAIL, PASS, FAIL));

        assertThat(inbound.process(m)).containsExactly(
                new Outcome(Kind.SENDER_NOT_AUTHENTICATED, null, "From not authenticated by DMARC or aligned SPF"));
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void aPlainMailWhoseFromIsNotExactlyOneAddressChangesNothing() {
        for (List<String> from : List.of(List.<String>of(), List.of("citra@example.org", "ana@example.com"), List.of("not an address"))) {
            ReceivedMail m = mail("m-1", "citra@example.org", from, List.of("unsubscribe@" + DOMAIN), ALL_PASS);
            assertThat(inbound.process(m)).as(from.toString())
                    .containsExactly(new Outcome(Kind.SENDER_NOT_AUTHENTICATED, null, "From is not exactly one address"));
        }
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void onlyTheTokenAndPlainAddressesOfTheUnsubscribeDomainChangeAnything() {
        ReceivedMail m = mail("m-1", "citra@example.org", List.of("citra@example.org"), List.of(
                "sales@" + DOMAIN, "unsubscribe@example.org", "unsubscribe@" + DOMAIN + ".evil.example", "@" + DOMAIN, "no-at-sign",
                "unsubscribe-me@" + DOMAIN), ALL_PASS);

        assertThat(inbound.process(m)).containsExactly(
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "unknown local part"),
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "another domain"),
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "another domain"),
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "another domain"),
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "another domain"),
                new Outcome(Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, null, "unknown local part"));
        assertThat(itemsInTable()).isZero();
    }

    @Test
    void eachRecipientOfOneMailGetsItsOwnOutcomeInTheReceiptsOrder() {
        ReceivedMail m = mail("m-1", "citra@example.org", List.of("citra@example.org"),
                List.of(tokenAddress(ANA, "product-updates"), "someone@example.org", "unsubscribe@" + DOMAIN), ALL_PASS);

        assertThat(inbound.process(m)).extracting(Outcome::kind)
                .containsExactly(Kind.TOKEN_APPLIED, Kind.NOT_AN_UNSUBSCRIBE_ADDRESS, Kind.SENDER_UNSUBSCRIBED);
        assertThat(store.read(ANA).topicOptOuts()).containsOnlyKeys("product-updates");
        assertThat(store.read(CITRA).unsubscribedAll()).isNotNull();
    }

    @Test
    void aStoreFailureIsThrownForLambdaToRetry() {
        SuppressionStore broken = fixture.withoutTable();
        InboundUnsubscribe failing = new InboundUnsubscribe(broken, addresses(CLOCK), CLOCK);

        assertThatThrownBy(() -> failing.process(mail("ana@example.com", tokenAddress(ANA, "newsletter"))))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> failing.process(mail("citra@example.org", "unsubscribe@" + DOMAIN)))
                .isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void onlyAnExplicitPassIsAPass() {
        assertThat(Arrays.stream(Verdict.values()).filter(v -> new ReceivedMail.Verdicts(v, v, v, v, v).clean())).containsExactly(PASS);
        assertThat(Arrays.stream(Verdict.values()).filter(v -> new ReceivedMail.Verdicts(PASS, PASS, v, v, v).authenticated()))
                .containsExactly(PASS);
    }
}
