package dev.optout.function.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResult;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.Action;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.Deadline;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.testsupport.FunctionRole;
import dev.optout.formtoken.FormTokens;
import dev.optout.wiring.Wiring;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path as deployed (check and handler both built from settings by {@link Wiring}, against
 * moto): the check hands out the preference link, the person chooses on the page or an app calls
 * the API, and the very next check honours the choice.
 */
@ExtendWith(LocalAwsExtension.class)
class PreferencesCheckIT {
    private static final String PREFIX = "https://optout.example.com/p/";
    private Wiring wiring;
    private PresendCheck check;
    private PreferencesHandler handler;
    private FormTokens formTokens;

    private LocalAws aws;

    @BeforeEach
    void deploy(LocalAws aws) {
        this.aws = aws;
        Map<String, String> env = SampleLinks.functionEnvironment(aws);
        wiring = new Wiring(Settings.of(env)); // the test's own reads and writes, as the admin
        // each function as itself, with its role from template.yaml
        Wiring checking = new Wiring(Settings.of(FunctionRole.environment(aws, "PresendCheckFunction", env)));
        check = new PresendCheck(checking.topics(), checking.addressKeys(),
                new BatchStateReader(checking.dynamoDb(), checking.tableName(), 4), checking.linkHeaders());
        handler = new PreferencesHandler(new Wiring(Settings.of(FunctionRole.environment(aws, "PreferencesFunction", env))));
        formTokens = new FormTokens(wiring.linkKeys());
    }

    @AfterEach
    void eachFunctionCalledOnlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("PresendCheckFunction");
        FunctionRole.assertObservedCallsAllowed("PreferencesFunction");
    }

    private CheckResult checkOne(String topic, String recipient) {
        return check.check(new CheckRequest(topic, "2026-11-weekly", List.of(recipient)),
                Deadline.after(Duration.ofSeconds(30), Clock.systemUTC())).results().get(0);
    }

    /** The token of the preference link the check hands out with an allowed result. */
    private String linkFor(String recipient) {
        CheckResult r = checkOne("newsletter", recipient);
        assertThat(r.allowed()).isTrue();
        assertThat(r.preferencesUrl()).startsWith(PREFIX);
        return r.preferencesUrl().substring(PREFIX.length());
    }

    private APIGatewayV2HTTPResponse post(String token, String form) {
        APIGatewayV2HTTPEvent e = Fixture.onToken(Fixture.event("post-form.json"), token);
        e.setBody(form + "&form-token=" + formTokens.form(token));
        return handler.handleRequest(e, null);
    }

    private APIGatewayV2HTTPResponse put(String token, String json) {
        APIGatewayV2HTTPEvent e = Fixture.onToken(Fixture.event("put-json.json"), token);
        e.setBody(json);
        return handler.handleRequest(e, null);
    }

    @Test
    void topicChoicesAndFrequenciesSavedOnThePageRuleTheNextCheck() {
        String token = linkFor("Ana <ana@example.com>");
        assertThat(checkOne("events", "ana@example.com").reason()).as("opt-in topic before").isEqualTo(BlockReason.NOT_OPTED_IN);

        APIGatewayV2HTTPResponse saved = post(token, "lang=en&action=save&topic.newsletter=on&frequency.newsletter=MONTHLY"
                + "&topic.product-updates=on&frequency.product-updates=&topic.events=on&frequency.events=&frequency.promotions="
                + "&frequency=WEEKLY");
        assertThat(saved.getStatusCode()).isEqualTo(200);

        CheckResult promotions = checkOne("promotions", "ana@example.com");
        assertThat(promotions.allowed()).isFalse();
        assertThat(promotions.reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        CheckResult events = checkOne("events", "ana@example.com");
        assertThat(events.reason()).as("opted in to events on the page: the bundled catalog asks for it confirmed by mail")
                .isEqualTo(BlockReason.NOT_CONFIRMED);
        assertThat(checkOne("newsletter", "ana@example.com").frequency()).isEqualTo(Frequency.MONTHLY);
        assertThat(checkOne("product-updates", "ana@example.com").frequency()).isEqualTo(Frequency.WEEKLY);
    }

    @Test
    void unsubscribingFromAllThroughTheApiBlocksEveryTopicAndResubscribingAllowsThemAgain() {
        String token = linkFor("budi@example.co.id");

        assertThat(put(token, "{\"receiveMarketing\":false}").getStatusCode()).isEqualTo(200);
        for (String topic : List.of("newsletter", "promotions", "product-updates")) {
            assertThat(checkOne(topic, "budi@example.co.id").reason()).as(topic).isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
        }

        assertThat(post(token, "lang=id&action=resubscribe").getStatusCode()).isEqualTo(200);
        for (String topic : List.of("newsletter", "promotions", "product-updates")) {
            assertThat(checkOne(topic, "budi@example.co.id").allowed()).as(topic).isTrue();
        }
        EmailAddress budi = AddressParser.parseOrNull("budi@example.co.id");
        assertThat(wiring.store().history(budi, 10)).extracting(h -> h.action() + "/" + h.source())
                .containsExactly("RESUBSCRIBE_ALL/PREFERENCE_CENTER", "UNSUBSCRIBE_ALL/PREFERENCE_API");
    }

    @Test
    void aHardBounceCannotBeLiftedAndTheCheckStillSaysBounced() {
        String token = linkFor("siti@example.com");
        EmailAddress siti = AddressParser.parseOrNull("siti@example.com");
        wiring.store().apply(siti, Change.withDetail(Action.HARD_BOUNCE, "NoEmail", Provenance.of(Source.SES_BOUNCE, Instant.now())));

        APIGatewayV2HTTPResponse api = put(token, "{\"receiveMarketing\":true}");
        assertThat(api.getStatusCode()).isEqualTo(409);
        assertThat(api.getBody()).contains("\"code\":\"HARD_BOUNCE_LOCKED\"");
        assertThat(post(token, "lang=en&action=resubscribe").getStatusCode()).isEqualTo(409);

        CheckResult r = checkOne("newsletter", "siti@example.com");
        assertThat(r.allowed()).isFalse();
        assertThat(r.reason()).isEqualTo(BlockReason.BOUNCED);
    }

    private APIGatewayV2HTTPResponse page(String token, String language) {
        APIGatewayV2HTTPEvent e = Fixture.onToken(Fixture.event("get-html.json"), token);
        e.getHeaders().put("accept-language", language);
        return handler.handleRequest(e, null);
    }

    @Test
    void aBounceThatWillExpireSaysUntilWhenInBothLanguages() {
        String token = linkFor("rina@example.com");
        EmailAddress rina = AddressParser.parseOrNull("rina@example.com");
        Instant stopped = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        wiring.store().apply(rina, Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "Transient/MailboxFull",
                Provenance.of(Source.SES_BOUNCE, stopped)));
        Instant until = stopped.plus(Duration.ofDays(7)); // the template's default SoftBounceStopExpiryDays

        String en = page(token, "en").getBody();
        assertThat(en).contains("could not be delivered").contains("We will try sending to this address again from")
                .contains("datetime=\"" + until + "\"");
        assertThat(page(token, "id").getBody()).contains("Kami akan mencoba mengirim ke alamat ini lagi mulai");
        String json = handler.handleRequest(Fixture.onToken(Fixture.event("get-json.json"), token), null).getBody();
        assertThat(json).contains("\"reason\":\"SOFT_BOUNCED\"").contains("\"until\":\"" + until + "\"");
    }

    @Test
    void aBounceThatExpiredIsNotShownAsStandingAndLocksNothing() {
        Map<String, String> env = new java.util.HashMap<>(SampleLinks.functionEnvironment(aws));
        env.put(Settings.HARD_BOUNCE_EXPIRY_DAYS, "30");
        handler = new PreferencesHandler(new Wiring(Settings.of(FunctionRole.environment(aws, "PreferencesFunction", env))));
        String token = linkFor("tono@example.com");
        EmailAddress tono = AddressParser.parseOrNull("tono@example.com");
        wiring.store().apply(tono, Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, Instant.now().minus(Duration.ofDays(31)))));

        String en = page(token, "en").getBody();
        assertThat(en).doesNotContain("bounced").doesNotContain("We will try sending");
        assertThat(put(token, "{\"receiveMarketing\":false}").getStatusCode()).isEqualTo(200);
        assertThat(page(token, "en").getBody()).contains("You unsubscribed from all our marketing emails.").doesNotContain("bounced");
        assertThat(post(token, "lang=en&action=resubscribe").getStatusCode())
                .as("an expired bounce locks nothing: the person's own opt-out is theirs to lift").isEqualTo(200);
        assertThat(wiring.store().read(tono).unsubscribedAll()).isNull();
    }

    @Test
    void refusedCrossSiteRequestsChangeNothingTheCheckSees() {
        String token = linkFor("dewi@example.com");

        APIGatewayV2HTTPEvent forged = Fixture.onToken(Fixture.event("post-form.json"), token);
        forged.setBody("lang=en&action=unsubscribe-all");
        forged.getHeaders().put("origin", "https://evil.example.net");
        assertThat(handler.handleRequest(forged, null).getStatusCode()).isEqualTo(403);
        APIGatewayV2HTTPEvent stolenFormToken = Fixture.onToken(Fixture.event("post-form.json"), token);
        stolenFormToken.setBody("lang=en&action=unsubscribe-all&form-token=" + formTokens.form(token));
        stolenFormToken.getHeaders().put("sec-fetch-site", "cross-site");
        assertThat(handler.handleRequest(stolenFormToken, null).getStatusCode()).isEqualTo(403);
        assertThat(post(token, "lang=en&action=unsubscribe-all&form-token=test1.wrong").getStatusCode())
                .as("the first form-token field counts: a wrong one").isEqualTo(403);

        assertThat(checkOne("newsletter", "dewi@example.com").allowed()).isTrue();
        assertThat(wiring.store().read(AddressParser.parseOrNull("dewi@example.com")).exists()).isFalse();
    }
}
