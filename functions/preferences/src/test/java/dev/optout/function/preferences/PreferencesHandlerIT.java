package dev.optout.function.preferences;

import static dev.optout.function.preferences.Fixture.ANA;
import static dev.optout.function.preferences.Fixture.ISSUED;
import static dev.optout.function.preferences.Fixture.NOW;
import static dev.optout.function.preferences.Fixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.Template;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The handler with the sample events of events/preferences, against a real DynamoDB API (moto). */
@ExtendWith(LocalAwsExtension.class)
class PreferencesHandlerIT {
    private Fixture f;

    @BeforeEach
    void freshTable(LocalAws aws) {
        f = new Fixture(aws);
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent e) {
        return f.handler().handleRequest(e, null);
    }

    private static void assertSecurityHeaders(APIGatewayV2HTTPResponse r, String contentType) {
        assertThat(r.getHeaders()).containsEntry("Content-Type", contentType)
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("X-Content-Type-Options", "nosniff").containsEntry("X-Frame-Options", "DENY")
                .doesNotContainKeys("Location", "Set-Cookie");
        assertThat(r.getHeaders().get("Content-Security-Policy")).startsWith("default-src 'none'")
                .contains("form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'");
        assertThat(r.getCookies()).isNullOrEmpty();
    }

    private static JsonNode json(APIGatewayV2HTTPResponse r) throws Exception {
        assertSecurityHeaders(r, "application/json");
        return Json.MAPPER.readTree(r.getBody());
    }

    private void assertNothingStored() {
        assertThat(f.store.read(ANA).exists()).isFalse();
        assertThat(f.store.history(ANA, 10)).isEmpty();
        assertThat(f.aws.dynamoDb().scan(r -> r.tableName(f.table)).count()).isZero();
    }

    @Test
    void thePageShowsEveryTopicWithItsChoiceInTheBrowsersLanguageAndChangesNothing() {
        APIGatewayV2HTTPResponse r = handle(Fixture.event("get-html.json"));

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertSecurityHeaders(r, "text/html; charset=utf-8");
        assertThat(r.getHeaders().get("Content-Security-Policy")).contains("style-src 'sha256-");
        String body = r.getBody();
        assertThat(body).contains("<html lang=\"id\">", "<h1>Preferensi email Anda</h1>", "a***@example.com",
                "Buletin", "Rangkuman mingguan", "Promo dan penawaran", "Kabar produk", "Acara dan webinar",
                "Undangan ke acara dan webinar. Hanya jika Anda memintanya.",
                "id=\"topic-newsletter\" name=\"topic.newsletter\" value=\"on\" aria-describedby=\"about-newsletter\" checked>",
                "<label for=\"topic-newsletter\">Buletin</label>",
                "<label for=\"frequency-newsletter\">Seberapa sering</label>",
                "<option value=\"\" selected>Sama dengan pengaturan umum</option>",
                "value=\"IMMEDIATE\" checked><label for=\"frequency-all-immediate\">Setiap ada kabar</label>",
                "<legend>Apa yang ingin Anda terima?</legend>", "Berhenti dari semua email pemasaran",
                "Belum ada perubahan yang tercatat.", "href=\"?lang=en\"",
                "name=\"form-token\" value=\"" + Fixture.FORM_TOKENS.form(TOKEN) + "\"");
        assertThat(body).contains("id=\"topic-events\" name=\"topic.events\" value=\"on\" aria-describedby=\"about-events\">")
                .as("the opt-in topic is not ticked for a new person");
        assertThat(body).doesNotContain("ana@example.com", "<script", "Kami tidak mengirimi Anda");
        assertNothingStored();
    }

    @Test
    void theJsonStateListsTopicsFrequencyStatusAndHistory() throws Exception {
        APIGatewayV2HTTPResponse r = handle(Fixture.event("get-json.json"));

        assertThat(r.getStatusCode()).isEqualTo(200);
        JsonNode n = json(r);
        assertThat(n.get("address").asText()).isEqualTo("a***@example.com");
        assertThat(n.get("status").get("receiving").asBoolean()).isTrue();
        assertThat(n.get("status").has("reason")).isFalse();
        assertThat(n.get("frequency").asText()).isEqualTo("IMMEDIATE");
        assertThat(n.get("topics").fieldNames()).toIterable().containsExactly("newsletter", "promotions", "product-updates", "events");
        assertThat(n.get("topics").get("newsletter").get("chosen").asBoolean()).isTrue();
        assertThat(n.get("topics").get("newsletter").get("name").asText()).isEqualTo("Newsletter");
        assertThat(n.get("topics").get("events").get("chosen").asBoolean()).isFalse();
        assertThat(n.get("history")).isEmpty();
        assertThat(r.getBody()).doesNotContain("ana@example.com");
        assertNothingStored();
    }

    @Test
    void savingThePageFormAppliesTheChoicesAtOnceAndSaysWhatChanged() {
        APIGatewayV2HTTPResponse r = handle(Fixture.event("post-form.json"));

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertSecurityHeaders(r, "text/html; charset=utf-8");
        assertThat(r.getBody()).contains("<html lang=\"en\">", "Saved. What changed:",
                "You will no longer get \u201cPromotions and offers\u201d emails.",
                "Your choice of \u201cEvents and webinars\u201d is saved, but these emails need your confirmation",
                "\u201cNewsletter\u201d emails: Monthly.",
                "How often, overall: Weekly.", "These changes took effect at once.",
                "<option value=\"MONTHLY\" selected>Monthly</option>", "value=\"WEEKLY\" checked>",
                "<td>Unsubscribed from \u201cPromotions and offers\u201d</td><td><time datetime=\"2026-11-02T09:15:00Z\">2 November 2026, 09:15 UTC</time></td><td>On this page</td>");
        AddressState s = f.store.read(ANA);
        assertThat(s.topicOptOuts()).containsOnlyKeys("promotions");
        assertThat(s.topicOptIns()).containsKey("events");
        assertThat(s.topicFrequency()).containsExactly(Map.entry("newsletter", Frequency.MONTHLY));
        assertThat(s.frequency()).isEqualTo(Frequency.WEEKLY);
        List<HistoryEvent> history = f.store.history(ANA, 10);
        assertThat(history).hasSize(4).extracting(HistoryEvent::source).containsOnly(Source.PREFERENCE_CENTER);
        assertThat(history).extracting(HistoryEvent::tokenIssuedAt).containsOnly(ISSUED);
        assertThat(history).extracting(HistoryEvent::campaignId).containsOnly("2026-11-weekly");
        assertThat(f.logs.toString()).contains("\"event\":\"preferences-saved\"", "PREFERENCE_CENTER").doesNotContain("ana@example.com");

        APIGatewayV2HTTPResponse again = handle(Fixture.event("post-form.json"));
        assertThat(again.getBody()).contains("Nothing changed: your settings were already like this.").doesNotContain("What changed");
        assertThat(f.store.history(ANA, 10)).as("an unchanged form writes nothing").hasSize(4);
    }

    @Test
    void anOptInOnThePageKeepsItsEvidenceTheWordsShownTheirVersionAndTheTruncatedNetworkAddress() {
        handle(Fixture.event("post-form.json"));

        HistoryEvent optIn = f.store.history(ANA, 10).stream().filter(e -> e.action() == dev.optout.suppression.Action.SUBSCRIBE_TOPIC)
                .findFirst().orElseThrow();
        assertThat(optIn.topic()).isEqualTo("events");
        assertThat(optIn.evidence()).containsEntry("optInChannel", "form")
                .containsEntry("wording", "Events and webinars: Invitations to events and webinars. Only if you ask for them.")
                .containsEntry("ip", "198.51.100.0/24").containsEntry("userAgent", "Mozilla/5.0");
        assertThat(optIn.evidence().get("wordingVersion")).matches("sha256:[0-9a-f]{12}");
        HistoryEvent optOut = f.store.history(ANA, 10).stream().filter(e -> e.action() == dev.optout.suppression.Action.UNSUBSCRIBE_TOPIC)
                .findFirst().orElseThrow();
        assertThat(optOut.evidence()).as("an opt-out needs no proof of consent").doesNotContainKeys("optInChannel", "ip", "wording");
    }

    @Test
    void aJsonPutChangesTheStateAndAnswersTheNewOne() throws Exception {
        APIGatewayV2HTTPResponse r = handle(Fixture.event("put-json.json"));

        assertThat(r.getStatusCode()).isEqualTo(200);
        JsonNode n = json(r);
        assertThat(n.get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(n.get("topics").get("promotions").get("chosen").asBoolean()).isFalse();
        assertThat(n.get("topics").get("events").get("chosen").asBoolean()).isTrue();
        assertThat(n.get("topics").get("events").get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(n.get("topics").get("newsletter").get("frequency").asText()).isEqualTo("MONTHLY");
        assertThat(n.get("topics").get("newsletter").get("ownFrequency").asBoolean()).isTrue();
        assertThat(n.get("history")).hasSize(4);
        assertThat(n.get("history").get(0).get("source").asText()).isEqualTo("PREFERENCE_API");
        assertThat(f.store.history(ANA, 10)).extracting(HistoryEvent::source).containsOnly(Source.PREFERENCE_API);

        JsonNode stopped = json(handle(Fixture.put("{\"receiveMarketing\":false}")));
        assertThat(stopped.get("status").get("receiving").asBoolean()).isFalse();
        assertThat(stopped.get("status").get("reason").asText()).isEqualTo("UNSUBSCRIBED");
        assertThat(stopped.get("status").get("since").asText()).isEqualTo("2026-11-02T09:15:00Z");
        assertThat(stopped.get("status").get("canResume").asBoolean()).isTrue();
        assertThat(f.store.read(ANA).unsubscribedAll().source()).isEqualTo(Source.PREFERENCE_API);
    }

    @Test
    void aPostWithoutTheFormTokenOrFromAnotherSiteIsRefusedAndChangesNothing() throws Exception {
        String form = "lang=en&action=unsubscribe-all";
        APIGatewayV2HTTPEvent none = Fixture.pagePost(form + "&form-token=");
        APIGatewayV2HTTPEvent wrong = Fixture.pagePost(form + "&form-token=test1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        String otherLink = Fixture.event("bad-token.json").getPathParameters().get("token");
        APIGatewayV2HTTPEvent anotherLinks = Fixture.pagePost(form + "&form-token=" + Fixture.FORM_TOKENS.form(otherLink));
        APIGatewayV2HTTPEvent foreignOrigin = Fixture.pagePost(form);
        foreignOrigin.getHeaders().put("origin", "https://evil.example.net");
        APIGatewayV2HTTPEvent crossSite = Fixture.pagePost(form);
        crossSite.getHeaders().put("sec-fetch-site", "cross-site");

        for (APIGatewayV2HTTPEvent e : List.of(none, wrong, anotherLinks, foreignOrigin, crossSite)) {
            APIGatewayV2HTTPResponse r = handle(e);
            assertThat(r.getStatusCode()).as(e.getBody() + " " + e.getHeaders()).isEqualTo(403);
            assertThat(r.getBody()).contains("This form could not be accepted", "nothing has been changed");
        }
        APIGatewayV2HTTPEvent crossSitePut = Fixture.put("{\"receiveMarketing\":false}");
        crossSitePut.getHeaders().put("sec-fetch-site", "cross-site");
        APIGatewayV2HTTPResponse put = handle(crossSitePut);
        assertThat(put.getStatusCode()).isEqualTo(403);
        assertThat(json(put).get("code").asText()).isEqualTo("CROSS_SITE");
        assertThat(f.logs.toString()).contains("cross-site or without the form token");
        assertNothingStored();

        assertThat(handle(Fixture.pagePost(form)).getStatusCode()).as("the same form from our page").isEqualTo(200);
        assertThat(f.store.read(ANA).unsubscribedAll()).isNotNull();
    }

    @Test
    void aJsonPutFromAForeignOriginIsRefusedAndChangesNothing() throws Exception {
        APIGatewayV2HTTPEvent put = Fixture.put("{\"receiveMarketing\":false}");
        put.getHeaders().put("origin", "https://evil.example.net"); // a browser without Sec-Fetch-Site

        APIGatewayV2HTTPResponse r = handle(put);

        assertThat(r.getStatusCode()).isEqualTo(403);
        assertThat(json(r).get("code").asText()).isEqualTo("CROSS_SITE");
        assertThat(r.getHeaders().keySet()).noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("access-control-"));
        assertNothingStored();
        put.getHeaders().put("origin", Fixture.BASE_URL);
        assertThat(handle(put).getStatusCode()).as("the same PUT from our own origin").isEqualTo(200);
    }

    /**
     * README: "no CORS preflight is ever answered", so a page elsewhere can never send the JSON
     * PUT. The function refuses OPTIONS without any Access-Control-* header, and the template
     * routes no OPTIONS to it nor configures CORS on the HTTP API (which would answer it instead).
     */
    @Test
    void aCorsPreflightIsNeverGranted() {
        APIGatewayV2HTTPEvent preflight = Fixture.event("put-json.json");
        preflight.getRequestContext().getHttp().setMethod("OPTIONS");
        preflight.setRouteKey("OPTIONS /p/{token}");
        preflight.setBody(null);
        preflight.getHeaders().remove("content-type");
        preflight.getHeaders().put("origin", "https://evil.example.net");
        preflight.getHeaders().put("access-control-request-method", "PUT");
        preflight.getHeaders().put("access-control-request-headers", "content-type");

        APIGatewayV2HTTPResponse r = handle(preflight);

        assertThat(r.getStatusCode()).isEqualTo(405);
        assertThat(r.getHeaders()).containsEntry("Allow", "GET, POST, PUT");
        assertThat(r.getHeaders().keySet()).noneMatch(h -> h.toLowerCase(Locale.ROOT).startsWith("access-control-"));
        assertNothingStored();

        Template template = Template.load();
        FunctionDefinition function = FunctionDefinition.named(template, "PreferencesFunction");
        assertThat(function.eventsOfType("HttpApi")).extracting(e -> e.string("Method"))
                .containsExactlyInAnyOrder("GET", "POST", "PUT");
        template.resourcesOfType("AWS::Serverless::HttpApi").forEach((id, api) ->
                assertThat(String.valueOf(api.get("Properties"))).as("%s configures no CORS", id)
                        .doesNotContain("CorsConfiguration"));
        assertThat(template.root().getOrDefault("Globals", Map.of()).toString()).doesNotContain("CorsConfiguration");
    }

    @Test
    void badForgedAndExpiredLinksAreRefusedAsOnTheUnsubscribePages() throws Exception {
        APIGatewayV2HTTPResponse page = handle(Fixture.event("bad-token.json"));
        assertThat(page.getStatusCode()).isEqualTo(400);
        assertThat(page.getBody()).contains("This link does not work", "Nothing has been changed.");

        String forged = Fixture.event("bad-token.json").getPathParameters().get("token");
        APIGatewayV2HTTPResponse api = handle(Fixture.onToken(Fixture.event("get-json.json"), forged));
        assertThat(api.getStatusCode()).isEqualTo(400);
        assertThat(json(api).get("code").asText()).isEqualTo("INVALID_LINK");
        assertThat(handle(Fixture.onToken(Fixture.event("put-json.json"), forged)).getStatusCode()).isEqualTo(400);
        assertThat(handle(Fixture.onToken(Fixture.event("post-form.json"), forged)).getStatusCode()).isEqualTo(400);

        Instant tooLate = ISSUED.plus(Duration.ofDays(401));
        APIGatewayV2HTTPResponse expired = f.handler(tooLate, f.store).handleRequest(Fixture.event("get-html.json"), null);
        assertThat(expired.getStatusCode()).isEqualTo(410);
        assertThat(expired.getBody()).contains("sudah kedaluwarsa", "400 hari");
        APIGatewayV2HTTPResponse expiredPut = f.handler(tooLate, f.store).handleRequest(Fixture.event("put-json.json"), null);
        assertThat(expiredPut.getStatusCode()).isEqualTo(410);
        assertThat(json(expiredPut).get("code").asText()).isEqualTo("EXPIRED_LINK");
        assertThat(f.logs.toString()).contains("\"reason\":\"TAMPERED\"", "\"reason\":\"EXPIRED\"");
        assertNothingStored();
    }

    @Test
    void apiErrorsAreJsonWithACodeAndChangeNothing() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"topics\":", "MALFORMED",
                "[]", "MALFORMED",
                "{\"topics\":{\"newsletter\":\"no\"}}", "MALFORMED",
                "{\"colour\":\"blue\"}", "MALFORMED",
                "{\"topics\":{\"newsletter\":false,\"horoscopes\":true}}", "UNKNOWN_TOPIC",
                "{\"frequency\":\"HOURLY\"}", "UNKNOWN_FREQUENCY",
                "{\"topicFrequency\":{\"newsletter\":\"DAILY\"}}", "UNKNOWN_FREQUENCY");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            APIGatewayV2HTTPResponse r = handle(Fixture.put(c.getKey()));
            assertThat(r.getStatusCode()).as(c.getKey()).isEqualTo(400);
            JsonNode n = json(r);
            assertThat(n.get("code").asText()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(n.get("message").asText()).isNotBlank();
        }
        APIGatewayV2HTTPEvent form = Fixture.put("receiveMarketing=false");
        form.getHeaders().put("content-type", "application/x-www-form-urlencoded");
        APIGatewayV2HTTPResponse unsupported = handle(form);
        assertThat(unsupported.getStatusCode()).isEqualTo(415);
        assertThat(json(unsupported).get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        APIGatewayV2HTTPEvent delete = Fixture.event("get-json.json");
        delete.getRequestContext().getHttp().setMethod("DELETE");
        APIGatewayV2HTTPResponse notAllowed = handle(delete);
        assertThat(notAllowed.getStatusCode()).isEqualTo(405);
        assertThat(notAllowed.getHeaders()).containsEntry("Allow", "GET, POST, PUT");
        assertThat(json(notAllowed).get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");

        APIGatewayV2HTTPEvent noToken = Fixture.event("get-json.json");
        noToken.setPathParameters(null);
        noToken.setRawPath("/p/");
        assertThat(handle(noToken).getStatusCode()).isEqualTo(404);
        assertNothingStored();
    }

    @Test
    void aHardBounceCannotBeLiftedHereWhileAnUnsubscribeOrComplaintCan() throws Exception {
        f.store.apply(ANA, Change.withDetail(Action.HARD_BOUNCE, "NoEmail", Provenance.of(Source.SES_BOUNCE, NOW.minusSeconds(3600))));

        APIGatewayV2HTTPEvent english = Fixture.event("get-html.json");
        english.setQueryStringParameters(Map.of("lang", "en"));
        String page = handle(english).getBody();
        assertThat(page).contains("We are not sending you marketing emails", "Our email to this address bounced",
                "Since <time datetime=\"2026-11-02T08:15:00Z\">2 November 2026, 08:15 UTC</time>.",
                "only they can turn email back on", "<td>An email bounced: the address did not accept mail</td>",
                "<td>Report from our email service</td>").doesNotContain("value=\"resubscribe\"");

        APIGatewayV2HTTPResponse api = handle(Fixture.put("{\"receiveMarketing\":true}"));
        assertThat(api.getStatusCode()).isEqualTo(409);
        assertThat(json(api).get("code").asText()).isEqualTo("HARD_BOUNCE_LOCKED");
        APIGatewayV2HTTPResponse form = handle(Fixture.pagePost("lang=en&action=resubscribe"));
        assertThat(form.getStatusCode()).isEqualTo(409);
        assertThat(form.getBody()).contains("cannot be turned back on from this page", "Nothing has been changed.");
        assertThat(f.store.read(ANA).hardBounce()).isNotNull();
        assertThat(f.store.history(ANA, 10)).hasSize(1);
    }

    @Test
    void afterAComplaintThePageSaysSoAndALinkCannotTurnMailBackOn() throws Exception {
        f.store.apply(ANA, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, NOW.minusSeconds(60))));

        String page = handle(Fixture.event("get-html.json")).getBody();
        // what the person can do instead: ask for the confirmation mail, posted with this link's form token
        String resumeForm = "<form method=\"post\" action=\"" + Fixture.BASE_URL + "/r/" + Fixture.TOKEN + "\">";
        assertThat(page).contains("Salah satu email kami kepada Anda ditandai sebagai spam", "mintalah email konfirmasi",
                "Laporan spam dari penyedia email Anda", resumeForm, "Kirimi saya email konfirmasi",
                "value=\"" + Fixture.FORM_TOKENS.form(Fixture.TOKEN) + "\"")
                .doesNotContain("value=\"resubscribe\"").doesNotContain("value=\"unsubscribe-all\"");

        APIGatewayV2HTTPResponse api = handle(Fixture.put("{\"receiveMarketing\":true}"));
        assertThat(api.getStatusCode()).isEqualTo(409);
        assertThat(json(api).get("code").asText()).isEqualTo("COMPLAINT_LOCKED");
        assertThat(json(api).get("confirmByMail").asText()).isEqualTo(Fixture.BASE_URL + "/r/" + Fixture.TOKEN);
        APIGatewayV2HTTPResponse form = handle(Fixture.pagePost("lang=en&action=resubscribe"));
        assertThat(form.getStatusCode()).isEqualTo(409);
        assertThat(form.getBody()).contains("marked as spam", "Nothing has been changed.", resumeForm, "Send me a confirmation email");
        assertThat(form.getBody().split("Send me a confirmation email", -1)).as("the form once").hasSize(2);
        assertThat(f.store.read(ANA).complaint()).isNotNull();
        assertThat(f.store.history(ANA, 10)).hasSize(1);
    }

    @Test
    void aPageOpenedBeforeAOneClickAndSavedLaterChangesNothingAndShowsTheSettingsAsTheyAreNow() throws Exception {
        APIGatewayV2HTTPEvent english = Fixture.event("get-html.json");
        english.setQueryStringParameters(Map.of("lang", "en"));
        java.util.regex.Matcher drawn = java.util.regex.Pattern.compile("name=\"version\" value=\"(\\d+)\"")
                .matcher(handle(english).getBody());
        assertThat(drawn.find()).isTrue();
        // the person then unsubscribes from promotions with the one-click button of an email
        f.store.apply(ANA, Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, NOW.minusSeconds(5))));

        // ... and saves the old page, where promotions was still ticked
        APIGatewayV2HTTPResponse saved = handle(Fixture.pagePost("lang=en&action=save&topic.promotions=on&topic.newsletter=on"
                + "&version=" + drawn.group(1)));
        assertThat(saved.getStatusCode()).isEqualTo(409);
        assertThat(saved.getBody()).contains("changed after you opened this page", "Nothing was saved");
        assertThat(f.store.read(ANA).topicOptOuts()).containsOnlyKeys("promotions");

        APIGatewayV2HTTPResponse api = handle(Fixture.put("{\"topics\":{\"promotions\":true},\"version\":" + drawn.group(1) + "}"));
        assertThat(api.getStatusCode()).isEqualTo(409);
        var body = json(api);
        assertThat(body.get("code").asText()).isEqualTo("STALE");
        assertThat(body.get("version").asLong()).isGreaterThan(Long.parseLong(drawn.group(1)));
        assertThat(body.get("topics").get("promotions").get("chosen").asBoolean()).isFalse();
        assertThat(f.store.read(ANA).topicOptOuts()).containsOnlyKeys("promotions");
    }

    @Test
    void aStoreFailureIsA503ThatClaimsNothing(LocalAws aws) throws Exception {
        SuppressionStore missing = f.storeFixture.withoutTable();
        PreferencesHandler broken = f.handler(NOW, missing);

        APIGatewayV2HTTPResponse page = broken.handleRequest(Fixture.event("post-form.json"), null);
        assertThat(page.getStatusCode()).isEqualTo(503);
        assertThat(page.getBody()).contains("nothing has been changed").doesNotContain("Saved");
        APIGatewayV2HTTPResponse api = broken.handleRequest(Fixture.event("put-json.json"), null);
        assertThat(api.getStatusCode()).isEqualTo(503);
        assertThat(json(api).get("code").asText()).isEqualTo("STORE_UNAVAILABLE");
        assertThat(broken.handleRequest(Fixture.event("get-html.json"), null).getStatusCode()).isEqualTo(503);
    }

    @Test
    void aTickedTopicThatNeedsConfirmedConsentSaysSoUntilTheMailIsConfirmed() throws Exception {
        // a single opt-in to events (it needs confirmed consent) from this page
        f.store.apply(ANA, Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, NOW.minusSeconds(60))));

        String indonesian = handle(Fixture.event("get-html.json")).getBody();
        assertThat(indonesian).contains("<html lang=\"id\">", "aria-describedby=\"about-events confirm-events\" checked>",
                "<p class=\"note unconfirmed\" id=\"confirm-events\">Belum dikonfirmasi",
                "<form method=\"post\" action=\"" + Fixture.BASE_URL + "/r/" + Fixture.TOKEN + "\">",
                "<input type=\"hidden\" name=\"topic\" value=\"events\">", "Kirimi saya email konfirmasi");
        assertThat(indonesian).doesNotContain("confirm-newsletter").as("only the unconfirmed topic").doesNotContain("value=\"newsletter\"></li>");
        APIGatewayV2HTTPEvent english = Fixture.event("get-html.json");
        english.setQueryStringParameters(Map.of("lang", "en"));
        assertThat(handle(english).getBody()).contains("Not confirmed yet: we send these emails only to people who confirmed",
                "Send me a confirmation email");
        APIGatewayV2HTTPEvent api = Fixture.event("get-html.json");
        api.getHeaders().put("accept", "application/json");
        JsonNode state = json(handle(api));
        assertThat(state.get("topics").get("events").get("chosen").asBoolean()).isTrue();
        assertThat(state.get("topics").get("events").get("needsConfirming").asBoolean()).isTrue();
        assertThat(state.get("topics").get("newsletter").get("needsConfirming").asBoolean()).isFalse();

        // confirmed by mail: nothing more to confirm
        f.store.apply(ANA, Change.subscribeTopic("events", Provenance.of(Source.CONFIRMED_OPT_IN, NOW.minusSeconds(30))));
        String confirmed = handle(Fixture.event("get-html.json")).getBody();
        assertThat(confirmed).contains("aria-describedby=\"about-events\" checked>").doesNotContain("confirm-events", "/r/");
        assertThat(json(handle(api)).get("topics").get("events").get("needsConfirming").asBoolean()).isFalse();
    }
}
