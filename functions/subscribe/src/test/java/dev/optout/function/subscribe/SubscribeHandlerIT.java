package dev.optout.function.subscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.testsupport.FunctionRole;
import dev.optout.token.InvalidTokenException;
import dev.optout.token.TokenOpener;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
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
 * SubscribeFunction as deployed (its role from template.yaml, the real SES v2 client against moto,
 * what moto was asked to send read back as .eml files): what a person, a bot and a stranger's
 * address each get, and what is recorded.
 */
@ExtendWith(LocalAwsExtension.class)
class SubscribeHandlerIT {
    private DeployedSubscribe deployed;
    private Wiring admin;
    private SubscribeHandler handler;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @BeforeEach
    void deploy(LocalAws aws) {
        deployed = DeployedSubscribe.on(aws, dir, logs, Map.of(Settings.SUBSCRIBE_REQUESTS_PER_IP_HOUR, "5"));
        admin = deployed.admin();
        handler = deployed.handler();
    }

    @AfterEach
    void onlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("SubscribeFunction");
    }

    private static APIGatewayV2HTTPEvent event(String name) {
        APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent(ProjectRoot.find().resolve("events/subscribe/" + name).toString());
        e.setHeaders(new HashMap<>(e.getHeaders()));
        return e;
    }

    private static APIGatewayV2HTTPEvent form(String body, String ip) {
        APIGatewayV2HTTPEvent e = event("post-form.json");
        e.setBody(body);
        e.getRequestContext().getHttp().setSourceIp(ip);
        return e;
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent e) {
        return handler.handleRequest(e, null);
    }

    private static APIGatewayV2HTTPEvent confirmEvent(String token, String method, String body) {
        APIGatewayV2HTTPEvent e = event("get-confirm-forged.json");
        e.setRawPath("/c/" + token);
        e.setPathParameters(Map.of("token", token));
        e.getRequestContext().getHttp().setMethod(method);
        e.getRequestContext().getHttp().setPath("/c/" + token);
        if (body != null) {
            e.getHeaders().put("content-type", "application/x-www-form-urlencoded");
            e.getHeaders().put("sec-fetch-site", "same-origin");
            e.setBody(body);
        }
        return e;
    }

    @Test
    void aSignupInIndonesianMailsOneConfirmationWhosePageConfirmsOnlyByItsForm() {
        APIGatewayV2HTTPResponse r = handle(event("post-form.json"));
        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("<html lang=\"id\">", "Silakan periksa kotak masuk Anda").doesNotContain("rina@example.co.id");

        List<String> sent = deployed.mails();
        assertThat(sent).hasSize(1);
        String mail = sent.get(0);
        assertThat(mail).contains("To: <rina@example.co.id>", "From: \"Toko Contoh\" <news@shop.example>", "Content-Language: id",
                "Subject: Mohon konfirmasi langganan Anda");
        assertThat(DeployedSubscribe.body(mail)).contains("Halo", "Toko Contoh", "- Acara dan webinar", "- Buletin", "7 hari");
        String token = DeployedSubscribe.confirmToken(mail);
        EmailAddress rina = AddressParser.parseOrNull("rina@example.co.id");

        APIGatewayV2HTTPEvent get = confirmEvent(token, "GET", null);
        get.setQueryStringParameters(Map.of("lang", "id")); // the link carries the signup's language
        get.setRawQueryString("lang=id");
        APIGatewayV2HTTPResponse page = handle(get);
        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getBody()).contains("<html lang=\"id\">", "Ya, daftarkan saya", "Acara dan webinar");
        assertThat(admin.store().read(rina).topicOptIns()).as("GET changes nothing").isEmpty();

        Matcher formToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.getBody());
        assertThat(formToken.find()).isTrue();
        APIGatewayV2HTTPResponse done = handle(confirmEvent(token, "POST", "lang=id&action=confirm&form-token=" + formToken.group(1)));
        assertThat(done.getStatusCode()).isEqualTo(200);
        assertThat(done.getBody()).contains("Anda sudah berlangganan");
        assertThat(admin.store().read(rina).topicOptIns()).containsOnlyKeys("events", "newsletter")
                .allSatisfy((t, m) -> assertThat(m.source()).isEqualTo(Source.CONFIRMED_OPT_IN));
        HistoryEvent proof = admin.store().fullHistory(rina).stream().filter(e -> "events".equals(e.topic())).findFirst().orElseThrow();
        assertThat(proof.evidence()).containsEntry("optInChannel", "form").containsEntry("requestIp", "198.51.100.0/24")
                .containsKeys("wording", "wordingVersion", "requestedAt", "confirmedAt", "ip");
        assertThat(proof.evidence().get("wording")).contains("Acara dan webinar");

        APIGatewayV2HTTPResponse twice = handle(confirmEvent(token, "POST", "lang=id&action=confirm&form-token=" + formToken.group(1)));
        assertThat(twice.getStatusCode()).isEqualTo(200);
        assertThat(admin.store().fullHistory(rina)).as("a second POST records nothing more").hasSize(2);
    }

    @Test
    void theAnswerIsTheSameWhateverTheAddressAndNoMailGoesToASuppressedForgottenOrBotAddress() {
        EmailAddress gone = AddressParser.parseOrNull("gone@example.com");
        EmailAddress forgotten = AddressParser.parseOrNull("forgotten@example.com");
        admin.store().apply(gone, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.now())));
        admin.store().apply(forgotten, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, Instant.now())));
        admin.store().forget(forgotten, Provenance.byOperator(Source.OPERATOR, Instant.now(), "it", "erasure request"));

        APIGatewayV2HTTPResponse fresh = handle(form("email=new%40example.com&topic=events&lang=en", "203.0.113.1"));
        APIGatewayV2HTTPResponse suppressed = handle(form("email=gone%40example.com&topic=events&lang=en", "203.0.113.2"));
        APIGatewayV2HTTPResponse erased = handle(form("email=forgotten%40example.com&topic=events&lang=en", "203.0.113.3"));
        APIGatewayV2HTTPResponse bot = handle(event("post-form-honeypot.json"));
        APIGatewayV2HTTPResponse repeat = handle(form("email=new%40example.com&topic=events&lang=en", "203.0.113.4"));

        for (APIGatewayV2HTTPResponse r : List.of(suppressed, erased, bot, repeat)) {
            assertThat(r.getStatusCode()).isEqualTo(fresh.getStatusCode());
            assertThat(r.getBody()).isEqualTo(fresh.getBody());
        }
        assertThat(deployed.mails()).as("one mail: the fresh address, once").hasSize(1).allSatisfy(m -> assertThat(m).contains("To: <new@example.com>"));
        assertThat(logs.toString()).contains("SUPPRESSED", "FORGOTTEN", "HONEYPOT", "ALREADY_SENT_TODAY")
                .doesNotContain("gone@example.com", "forgotten@example.com");
    }

    @Test
    void oneNetworkAddressGetsItsHourlyRequestsAndNoMore() {
        for (int i = 0; i < 7; i++) {
            assertThat(handle(form("email=person" + i + "%40example.com&topic=events&lang=en", "192.0.2.9")).getStatusCode()).isEqualTo(200);
        }
        assertThat(deployed.mails()).as("SUBSCRIBE_REQUESTS_PER_IP_HOUR=5").hasSize(5);
        assertThat(handle(form("email=other%40example.com&topic=events&lang=en", "192.0.2.10")).getStatusCode()).isEqualTo(200);
        assertThat(deployed.mails()).as("another address is not held back").hasSize(1);
    }

    @Test
    void theJsonApiAnswers202AndBadInputIsAClearError() {
        APIGatewayV2HTTPResponse r = handle(event("post-json.json"));
        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(r.getBody()).contains("\"status\":\"pending\"");
        assertThat(deployed.mails()).hasSize(1);

        APIGatewayV2HTTPEvent bad = event("post-json.json");
        bad.setBody("{\"email\":\"not an address\",\"topics\":[\"events\"]}");
        assertThat(handle(bad).getBody()).contains("INVALID_ADDRESS");
        bad.setBody("{\"email\":\"ana@example.com\",\"topics\":[\"horoscopes\"]}");
        APIGatewayV2HTTPResponse unknown = handle(bad);
        assertThat(unknown.getStatusCode()).isEqualTo(400);
        assertThat(unknown.getBody()).contains("UNKNOWN_TOPIC", "horoscopes");
        bad.setBody("{\"email\":\"ana@example.com\",\"topics\":[]}");
        assertThat(handle(bad).getStatusCode()).isEqualTo(400);
        bad.setBody("not json");
        assertThat(handle(bad).getStatusCode()).isEqualTo(400);
        assertThat(deployed.mails()).isEmpty();
    }

    @Test
    void aConfirmationLinkIsNeitherAnUnsubscribeLinkNorForgeableAndAComplaintIsNotLiftedByIt() {
        assertThat(handle(event("get-confirm-forged.json")).getStatusCode()).isEqualTo(400);

        handle(form("email=budi%40example.com&topic=events&lang=en", "203.0.113.20"));
        String token = DeployedSubscribe.confirmToken(deployed.mails().get(0));
        assertThatThrownBy(() -> new TokenOpener(admin.linkKeys(), TokenOpener.DEFAULT_LIFETIME, Clock.systemUTC()).open(token))
                .as("the link keys do not open a confirmation token").isInstanceOf(InvalidTokenException.class);

        EmailAddress budi = AddressParser.parseOrNull("budi@example.com");
        admin.store().apply(budi, Change.of(Action.COMPLAINT, Provenance.of(Source.SES_COMPLAINT, Instant.now())));
        APIGatewayV2HTTPResponse page = handle(confirmEvent(token, "GET", null));
        Matcher formToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.getBody());
        assertThat(formToken.find()).isTrue();
        APIGatewayV2HTTPResponse refused = handle(confirmEvent(token, "POST", "lang=en&action=confirm&form-token=" + formToken.group(1)));
        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(refused.getBody()).contains("marked as spam");
        assertThat(admin.store().read(budi).topicOptIns()).isEmpty();
    }
}
