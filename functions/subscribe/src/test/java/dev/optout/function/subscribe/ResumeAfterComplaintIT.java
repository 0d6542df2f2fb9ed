package dev.optout.function.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.formtoken.FormTokens;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.suppression.Action;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.testsupport.FunctionRole;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a complaint, a link alone never gets mail back; the person's own link may ask for the
 * confirmation mail ({@code POST /r/{token}}), and only the POST from the page behind that mail's
 * link lifts the complaint, through the consent model, with the history saying why. Through the
 * real store (moto), SES v2 against moto, and SubscribeFunction's role from template.yaml.
 */
@ExtendWith(LocalAwsExtension.class)
class ResumeAfterComplaintIT {
    private DeployedSubscribe deployed;
    private Wiring admin;
    private SubscribeHandler handler;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @BeforeEach
    void deploy(LocalAws aws) {
        deployed = DeployedSubscribe.on(aws, dir, logs, Map.of());
        admin = deployed.admin();
        handler = deployed.handler();
    }

    @AfterEach
    void onlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("SubscribeFunction");
    }

    private static APIGatewayV2HTTPEvent request(String path, String method, String contentType, String body) {
        APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(
                ProjectRoot.find().resolve("events/subscribe/get-confirm-forged.json").toString());
        e.setHeaders(new HashMap<>(e.getHeaders()));
        String token = path.substring(3);
        e.setRawPath(path);
        e.setPathParameters(Map.of("token", token));
        e.getRequestContext().getHttp().setMethod(method);
        e.getRequestContext().getHttp().setPath(path);
        if (body != null) {
            e.getHeaders().put("content-type", contentType);
            e.getHeaders().put("sec-fetch-site", "same-origin");
            e.setBody(body);
        }
        return e;
    }

    private APIGatewayV2HTTPResponse askForMail(String linkToken, String lang) {
        String formToken = new FormTokens(admin.linkKeys()).form(linkToken);
        return handler.handleRequest(request("/r/" + linkToken, "POST", "application/x-www-form-urlencoded",
                "lang=" + lang + "&" + FormTokens.FIELD + "=" + formToken), null);
    }

    private EmailAddress complained(String address) {
        EmailAddress a = AddressParser.parseOrNull(address);
        admin.store().apply(a, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.now().minusSeconds(120))));
        admin.store().apply(a, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, Instant.now().minusSeconds(60))));
        return a;
    }

    private BlockReason decision(EmailAddress a) {
        var d = dev.optout.consent.ConsentModel.decide(dev.optout.consent.LegacyMarks.read(admin.store().read(a)),
                admin.topics().require("newsletter"));
        return d.allowed() ? null : d.reason();
    }

    @Test
    void theConfirmedRoundTripLiftsTheComplaintAndTheHistorySaysWhy() {
        EmailAddress rina = complained("rina.resume@example.co.id");
        String link = admin.tokenSealer().seal(rina, null, "spring-sale");
        assertThat(decision(rina)).isEqualTo(BlockReason.COMPLAINED);

        APIGatewayV2HTTPResponse asked = askForMail(link, "id");
        assertThat(asked.getStatusCode()).isEqualTo(200);
        assertThat(asked.getBody()).contains("<html lang=\"id\">", "Silakan periksa kotak masuk Anda").doesNotContain("rina.resume@");
        List<String> sent = deployed.mails();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).contains("To: <rina.resume@example.co.id>", "Content-Language: id");
        assertThat(DeployedSubscribe.body(sent.get(0))).contains("Semua email pemasaran kami, lagi");
        assertThat(decision(rina)).as("asking changes nothing").isEqualTo(BlockReason.COMPLAINED);

        // a second ask the same day mails nothing, and answers the same
        APIGatewayV2HTTPResponse again = askForMail(link, "id");
        assertThat(again.getBody()).isEqualTo(asked.getBody());
        assertThat(deployed.mails()).as("at most one confirmation per address per day").isEmpty();

        String token = DeployedSubscribe.confirmToken(sent.get(0));
        APIGatewayV2HTTPResponse page = handler.handleRequest(request("/c/" + token, "GET", null, null), null);
        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(decision(rina)).as("the confirmation page's GET changes nothing").isEqualTo(BlockReason.COMPLAINED);
        Matcher formToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.getBody());
        assertThat(formToken.find()).isTrue();

        APIGatewayV2HTTPResponse done = handler.handleRequest(request("/c/" + token, "POST", "application/x-www-form-urlencoded",
                "lang=id&action=confirm&form-token=" + formToken.group(1)), null);
        assertThat(done.getStatusCode()).isEqualTo(200);
        assertThat(decision(rina)).as("mail is back").isNull();

        HistoryEvent resume = admin.store().fullHistory(rina).stream().filter(e -> e.action() == Action.RESUBSCRIBE_ALL)
                .findFirst().orElseThrow();
        assertThat(resume.source()).isEqualTo(Source.CONFIRMED_OPT_IN);
        assertThat(resume.evidence()).containsEntry("optInChannel", "form").containsKeys("requestedAt", "confirmedAt", "wording");
        // the history item's verdict (effect, why) as the store wrote it
        String why = admin.dynamoDb().query(q -> q.tableName(admin.tableName()).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                "A#" + admin.addressKeys().keyOf(rina))))).items().stream()
                .filter(i -> i.containsKey("action") && i.get("action").s().equals("RESUBSCRIBE_ALL"))
                .map(i -> i.get("why").s()).findFirst().orElseThrow();
        assertThat(why).contains("COMPLAINT set to GO", "confirmed it from the mail sent to the address", "not a link alone");
    }

    @Test
    void aLinkCannotMailAStrangerAForgottenOrABouncedAddressNorWithoutThePagesForm() {
        // no complaint: the link itself gets mail back, nothing is mailed
        EmailAddress plain = AddressParser.parseOrNull("plain.resume@example.com");
        admin.store().apply(plain, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.now())));
        APIGatewayV2HTTPResponse nothing = askForMail(admin.tokenSealer().seal(plain, null, "c"), "en");
        // forgotten
        EmailAddress forgotten = complained("forgotten.resume@example.com");
        admin.store().forget(forgotten, Provenance.byOperator(Source.OPERATOR, Instant.now(), "it", "erasure request"));
        APIGatewayV2HTTPResponse erased = askForMail(admin.tokenSealer().seal(forgotten, null, "c"), "en");
        // bounced as well as complained: a round-trip lifts no bounce
        EmailAddress bounced = complained("bounced.resume@example.com");
        admin.store().apply(bounced, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, Instant.now())));
        APIGatewayV2HTTPResponse bounce = askForMail(admin.tokenSealer().seal(bounced, null, "c"), "en");
        for (APIGatewayV2HTTPResponse r : List.of(erased, bounce)) {
            assertThat(r.getStatusCode()).isEqualTo(nothing.getStatusCode());
            assertThat(r.getBody()).isEqualTo(nothing.getBody());
        }
        assertThat(deployed.mails()).isEmpty();
        assertThat(logs.toString()).contains("NOTHING_TO_CONFIRM", "FORGOTTEN", "SUPPRESSED")
                .doesNotContain("plain.resume@", "forgotten.resume@", "bounced.resume@");

        // without the page's form token, or from another site: 403, nothing mailed
        EmailAddress budi = complained("budi.resume@example.com");
        String link = admin.tokenSealer().seal(budi, null, "c");
        APIGatewayV2HTTPResponse noToken = handler.handleRequest(request("/r/" + link, "POST", "application/x-www-form-urlencoded",
                "lang=en"), null);
        assertThat(noToken.getStatusCode()).isEqualTo(403);
        APIGatewayV2HTTPEvent crossSite = request("/r/" + link, "POST", "application/x-www-form-urlencoded",
                "lang=en&" + FormTokens.FIELD + "=" + new FormTokens(admin.linkKeys()).form(link));
        crossSite.getHeaders().put("sec-fetch-site", "cross-site");
        assertThat(handler.handleRequest(crossSite, null).getStatusCode()).isEqualTo(403);
        // a forged link
        assertThat(handler.handleRequest(EventLoader.loadApiGatewayHttpEvent(
                ProjectRoot.find().resolve("events/subscribe/post-resume-forged.json").toString()), null).getStatusCode()).isEqualTo(400);
        assertThat(deployed.mails()).isEmpty();

        // an API client (same-site JSON) is answered 202, and the mail goes
        APIGatewayV2HTTPResponse api = handler.handleRequest(request("/r/" + link, "POST", "application/json", "{}"), null);
        assertThat(api.getStatusCode()).isEqualTo(202);
        assertThat(api.getBody()).contains("\"status\":\"pending\"");
        assertThat(deployed.mails()).hasSize(1).allSatisfy(m -> assertThat(m).contains("To: <budi.resume@example.com>"));
    }

    @Test
    void aTopicTickedButUnconfirmedOnThePreferencePageIsConfirmedByTheMailItsFormAsksFor() {
        EmailAddress ana = AddressParser.parseOrNull("ana.confirm@example.com");
        admin.store().apply(ana, Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, Instant.now().minusSeconds(60))));
        String link = admin.tokenSealer().seal(ana, null, "c");
        var events = admin.topics().require("events");
        var before = dev.optout.consent.ConsentModel.decide(dev.optout.consent.LegacyMarks.read(admin.store().read(ana)), events);
        assertThat(before.reason()).isEqualTo(BlockReason.NOT_CONFIRMED);

        String formToken = new FormTokens(admin.linkKeys()).form(link);
        APIGatewayV2HTTPResponse asked = handler.handleRequest(request("/r/" + link, "POST", "application/x-www-form-urlencoded",
                "lang=en&topic=events&" + FormTokens.FIELD + "=" + formToken), null);
        assertThat(asked.getStatusCode()).isEqualTo(200);
        assertThat(asked.getBody()).contains("Please check your inbox");
        List<String> sent = deployed.mails();
        assertThat(sent).hasSize(1);
        assertThat(DeployedSubscribe.body(sent.get(0))).contains("- Events and webinars").doesNotContain("All our marketing emails");

        String token = DeployedSubscribe.confirmToken(sent.get(0));
        APIGatewayV2HTTPResponse page = handler.handleRequest(request("/c/" + token, "GET", null, null), null);
        Matcher confirmForm = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.getBody());
        assertThat(confirmForm.find()).isTrue();
        handler.handleRequest(request("/c/" + token, "POST", "application/x-www-form-urlencoded",
                "lang=en&action=confirm&form-token=" + confirmForm.group(1)), null);
        assertThat(dev.optout.consent.ConsentModel.decide(dev.optout.consent.LegacyMarks.read(admin.store().read(ana)), events).allowed())
                .as("confirmed: events may be sent").isTrue();

        // an unknown topic is the form's mistake
        assertThat(handler.handleRequest(request("/r/" + link, "POST", "application/x-www-form-urlencoded",
                "lang=en&topic=horoscopes&" + FormTokens.FIELD + "=" + formToken), null).getStatusCode()).isEqualTo(400);
    }
}
