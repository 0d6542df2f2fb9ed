package dev.optout.function.unsubscribe;

import static dev.optout.function.unsubscribe.Fixture.ANA;
import static dev.optout.function.unsubscribe.Fixture.BUDI;
import static dev.optout.function.unsubscribe.Fixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The handler with the sample events of events/unsubscribe, against a real DynamoDB API (moto). */
@ExtendWith(LocalAwsExtension.class)
class UnsubscribeHandlerIT {
    private static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");
    private Fixture f;

    @BeforeEach
    void freshTable(LocalAws aws) {
        f = new Fixture(aws);
    }

    private static void assertPageHeaders(APIGatewayV2HTTPResponse r) {
        assertThat(r.getHeaders()).containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("Cache-Control", "no-store").containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("X-Content-Type-Options", "nosniff").doesNotContainKeys("Location", "Set-Cookie");
        assertThat(r.getHeaders().get("Content-Security-Policy")).startsWith("default-src 'none'; style-src 'sha256-")
                .contains("form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'");
        assertThat(r.getCookies()).isNullOrEmpty();
    }

    private void assertNothingStored() {
        assertThat(f.store.read(ANA).exists()).isFalse();
        assertThat(f.store.history(ANA, 10)).isEmpty();
        assertThat(f.store.read(BUDI).exists()).isFalse();
        assertThat(f.aws.dynamoDb().scan(r -> r.tableName(f.table)).count()).isZero();
    }

    @Test
    void getExplainsTheLinkInTheBrowsersLanguageAndChangesNothing() {
        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(get, null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertPageHeaders(r);
        assertThat(r.getBody()).contains("<html lang=\"id\">", "<h1>Berhenti berlangganan</h1>",
                "a***@example.com", "Buletin", "<form method=\"post\">",
                "name=\"action\" value=\"unsubscribe-topic\" checked", "name=\"action\" value=\"unsubscribe-all\"",
                "<label for=\"scope-topic\">", "<legend>", "Email layanan",
                // the Indonesian page links to the Indonesian preference center
                "href=\"https://optout.example.com/p/" + Fixture.tokenOf(get) + "?lang=id\"", "href=\"?lang=en\"");
        assertThat(r.getBody()).doesNotContain("ana@example.com", "<script");
        assertNothingStored();
    }

    @Test
    void aOneClickPostUnsubscribesFromTheLinksTopicAtOnceWithItsProvenance() {
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).isEqualTo("Unsubscribed.\n");
        assertThat(r.getHeaders()).doesNotContainKeys("Location", "Set-Cookie").containsEntry("Cache-Control", "no-store");
        AddressState state = f.store.read(ANA);
        assertThat(state.topicOptOuts()).containsOnlyKeys("newsletter");
        assertThat(state.topicOptOuts().get("newsletter").at()).isEqualTo(NOW);
        assertThat(state.unsubscribedAll()).isNull();
        assertThat(f.store.history(ANA, 10)).containsExactly(new HistoryEvent(Action.UNSUBSCRIBE_TOPIC, NOW, Source.ONE_CLICK,
                "newsletter", null, "2026-11-weekly", ISSUED, java.util.Map.of()));
        assertThat(f.logs.toString()).contains("\"event\":\"unsubscribed\"", "ONE_CLICK").doesNotContain("ana@example.com");
        // EMF: opt-outs by source
        assertThat(f.logs.toString()).contains("\"OptOuts\":1", "\"Source\":\"ONE_CLICK\"", "\"Dimensions\":[[\"Function\",\"Source\"]]");
    }

    @Test
    void aBase64MultipartOneClickForALinkWithoutTopicUnsubscribesFromAllMarketingMail() {
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(Fixture.event("one-click-post-multipart-base64.json"), null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        AddressState state = f.store.read(BUDI);
        assertThat(state.unsubscribedAll().at()).isEqualTo(NOW);
        assertThat(state.unsubscribedAll().source()).isEqualTo(Source.ONE_CLICK);
        HistoryEvent h = f.store.history(BUDI, 10).get(0);
        assertThat(h.action()).isEqualTo(Action.UNSUBSCRIBE_ALL);
        assertThat(h.campaignId()).isEqualTo("2026-11-all");
        assertThat(h.tokenIssuedAt()).isEqualTo(ISSUED);
    }

    @Test
    void confirmingOnThePageUnsubscribesAndSaysSinceWhenWithAnUndo() {
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(Fixture.event("page-confirm-post.json"), null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertPageHeaders(r);
        assertThat(r.getBody()).contains("<html lang=\"en\">", "You are unsubscribed", "no longer get any marketing emails",
                "Unsubscribed since <time datetime=\"2026-11-02T09:15:00Z\">2 November 2026, 09:15 UTC</time>",
                "value=\"resubscribe-all\"", "Subscribe to marketing emails again");
        assertThat(f.store.read(ANA).unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);
        HistoryEvent h = f.store.history(ANA, 10).get(0);
        assertThat(h.action()).isEqualTo(Action.UNSUBSCRIBE_ALL);
        assertThat(h.source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);
        assertThat(h.topic()).isNull();
        assertThat(h.campaignId()).isEqualTo("2026-11-weekly");
        assertThat(h.tokenIssuedAt()).isEqualTo(ISSUED);
    }

    /** The opt-out's answer comes from the state the write left: no read after the write. */
    @Test
    void aOneClickReadsTheAddressOnceAndWritesOnce(LocalAws aws) {
        List<String> calls = new CopyOnWriteArrayList<>();
        DynamoDbClient counting = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        calls.add(context.request().getClass().getSimpleName());
                    }
                })));

        APIGatewayV2HTTPResponse r = f.handler(NOW, f.storeFixture.over(counting))
                .handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(f.store.read(ANA).topicOptOuts()).containsKey("newsletter");
        assertThat(calls).containsExactly("GetItemRequest", "TransactWriteItemsRequest");
    }

    @Test
    void repeatedUnsubscribesKeepTheFirstTimeAndAGetThenShowsIt() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        f.handler().handleRequest(Fixture.oneClick(token), null);
        Instant later = NOW.plus(Duration.ofDays(3));
        f.handler(later).handleRequest(Fixture.oneClick(token), null);
        APIGatewayV2HTTPResponse page = f.handler(later).handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-topic"), null);

        assertThat(f.store.read(ANA).topicOptOuts().get("newsletter").at()).isEqualTo(NOW);
        assertThat(page.getBody()).contains("no longer get \u201cNewsletter\u201d emails", "datetime=\"2026-11-02T09:15:00Z\"",
                "value=\"resubscribe-topic\"", "value=\"unsubscribe-all\"");
        assertThat(f.store.history(ANA, 10)).hasSize(3);

        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        get.setQueryStringParameters(java.util.Map.of("lang", "en"));
        APIGatewayV2HTTPResponse again = f.handler(later).handleRequest(get, null);
        assertThat(again.getBody()).contains("<html lang=\"en\">", "You are unsubscribed", "2 November 2026, 09:15 UTC");
        assertThat(f.store.history(ANA, 10)).as("GET adds nothing").hasSize(3);
    }

    @Test
    void undoIsRecordedAsAnExplicitResubscribe() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-all"), null);
        f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-topic"), null);
        // the undo comes after the opt-out (changes count by the time they were made; at one instant a stop wins)
        APIGatewayV2HTTPResponse all = f.handler(Fixture.NOW.plusSeconds(30)).handleRequest(Fixture.pagePost(token, "lang=id&action=resubscribe-all"), null);
        APIGatewayV2HTTPResponse topic = f.handler(Fixture.NOW.plusSeconds(31)).handleRequest(Fixture.pagePost(token, "lang=en&action=resubscribe-topic"), null);

        assertThat(all.getStatusCode()).isEqualTo(200);
        assertThat(all.getBody()).contains("<html lang=\"id\">", "Anda akan menerima email pemasaran kami lagi.");
        assertThat(topic.getBody()).contains("You will get \u201cNewsletter\u201d emails again.");
        AddressState state = f.store.read(ANA);
        assertThat(state.unsubscribedAll()).isNull();
        assertThat(state.topicOptOuts()).isEmpty();
        List<HistoryEvent> history = f.store.history(ANA, 10);
        assertThat(history).extracting(HistoryEvent::action).containsExactly(Action.SUBSCRIBE_TOPIC, Action.RESUBSCRIBE_ALL,
                Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_ALL);
        assertThat(history).extracting(HistoryEvent::source).containsOnly(Source.UNSUBSCRIBE_PAGE);
        assertThat(history.get(0).topic()).isEqualTo("newsletter");
    }

    @Test
    void aForgedTokenGetsAPlainWordsPageAndChangesNothing() {
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(Fixture.event("bad-token.json"), null);
        assertThat(r.getStatusCode()).isEqualTo(400);
        assertPageHeaders(r);
        assertThat(r.getBody()).contains("This link does not work", "Nothing has been changed.");

        APIGatewayV2HTTPEvent forgedOneClick = Fixture.oneClick(Fixture.tokenOf(Fixture.event("bad-token.json")));
        assertThat(f.handler().handleRequest(forgedOneClick, null).getStatusCode()).isEqualTo(400);
        APIGatewayV2HTTPEvent forgedPage = Fixture.pagePost(Fixture.tokenOf(Fixture.event("bad-token.json")), "action=unsubscribe-all");
        assertThat(f.handler().handleRequest(forgedPage, null).getStatusCode()).isEqualTo(400);
        assertThat(f.logs.toString()).contains("\"reason\":\"TAMPERED\"");
        assertNothingStored();
    }

    @Test
    void anExpiredLinkSaysSoAndChangesNothing() {
        Instant tooLate = Instant.parse("2026-11-01T10:00:00Z").plus(Duration.ofDays(401));
        APIGatewayV2HTTPResponse page = f.handler(tooLate).handleRequest(Fixture.event("get.json"), null);
        APIGatewayV2HTTPResponse post = f.handler(tooLate).handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);

        assertThat(page.getStatusCode()).isEqualTo(410);
        assertThat(page.getBody()).contains("sudah kedaluwarsa", "400 hari");
        assertThat(post.getStatusCode()).isEqualTo(410);
        assertNothingStored();
    }

    @Test
    void aStoreFailureIsA503ThatClaimsNothing(LocalAws aws) {
        SuppressionStore missing = f.storeFixture.withoutTable();
        UnsubscribeHandler broken = f.handler(NOW, missing);

        APIGatewayV2HTTPResponse page = broken.handleRequest(Fixture.event("page-confirm-post.json"), null);
        assertThat(page.getStatusCode()).isEqualTo(503);
        assertThat(page.getBody()).contains("nothing has been changed").doesNotContain("You are unsubscribed");
        APIGatewayV2HTTPResponse oneClick = broken.handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);
        assertThat(oneClick.getStatusCode()).isEqualTo(503);
        assertThat(oneClick.getBody()).doesNotContain("Unsubscribed.");
        assertThat(broken.handleRequest(Fixture.event("get.json"), null).getStatusCode()).isEqualTo(503);
    }

    @Test
    void aPostThatIsNeitherOneClickNorFromThePageChangesNothing() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        APIGatewayV2HTTPEvent empty = Fixture.oneClick(token);
        empty.setBody("");
        assertThat(f.handler().handleRequest(empty, null).getStatusCode()).isEqualTo(400);
        APIGatewayV2HTTPEvent wrong = Fixture.oneClick(token);
        wrong.setBody("List-Unsubscribe=Yes-Please");
        assertThat(f.handler().handleRequest(wrong, null).getStatusCode()).isEqualTo(400);
        assertThat(f.handler().handleRequest(Fixture.pagePost(token, "action=delete-everything"), null).getStatusCode()).isEqualTo(400);
        APIGatewayV2HTTPEvent json = Fixture.oneClick(token);
        json.getHeaders().put("content-type", "application/json");
        assertThat(f.handler().handleRequest(json, null).getStatusCode()).isEqualTo(415);
        assertNothingStored();
    }

    @Test
    void aTopicActionOnALinkWithoutTopicIsRefused() {
        String allToken = Fixture.tokenOf(Fixture.event("one-click-post-multipart-base64.json"));
        assertThat(f.handler().handleRequest(Fixture.pagePost(allToken, "action=unsubscribe-topic"), null).getStatusCode()).isEqualTo(400);
        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        get.setPathParameters(java.util.Map.of("token", allToken));
        String body = f.handler().handleRequest(get, null).getBody();
        assertThat(body).contains("b***i@example.co.id", "value=\"unsubscribe-all\"").doesNotContain("unsubscribe-topic");
        assertNothingStored();
    }

    @Test
    void otherMethodsAndMissingTokensAreRefused() {
        APIGatewayV2HTTPEvent put = Fixture.event("get.json");
        put.getRequestContext().getHttp().setMethod("PUT");
        APIGatewayV2HTTPResponse r = f.handler().handleRequest(put, null);
        assertThat(r.getStatusCode()).isEqualTo(405);
        assertThat(r.getHeaders()).containsEntry("Allow", "GET, POST");
        APIGatewayV2HTTPEvent none = Fixture.event("get.json");
        none.setPathParameters(null);
        none.setRawPath("/u/");
        assertThat(f.handler().handleRequest(none, null).getStatusCode()).isEqualTo(404);
        assertNothingStored();
    }

    @Test
    void aPagePostWithoutTheFormTokenWithAnotherLinksOrFromAnotherSiteIsRefusedAndChangesNothing() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        String otherLink = f.sealer(NOW).seal(BUDI, null, null);
        APIGatewayV2HTTPEvent none = Fixture.pagePost(token, "lang=en&action=unsubscribe-all&form-token=");
        APIGatewayV2HTTPEvent anotherLinks = Fixture.pagePost(token, "lang=en&action=unsubscribe-all&form-token="
                + Fixture.FORM_TOKENS.form(otherLink));
        APIGatewayV2HTTPEvent foreignOrigin = Fixture.pagePost(token, "lang=en&action=unsubscribe-all");
        foreignOrigin.getHeaders().put("origin", "https://evil.example.net");
        APIGatewayV2HTTPEvent crossSite = Fixture.pagePost(token, "lang=en&action=unsubscribe-all");
        crossSite.getHeaders().put("sec-fetch-site", "cross-site");

        for (APIGatewayV2HTTPEvent forged : java.util.List.of(none, anotherLinks, foreignOrigin, crossSite)) {
            APIGatewayV2HTTPResponse r = f.handler().handleRequest(forged, null);
            assertThat(r.getStatusCode()).isEqualTo(403);
            assertThat(r.getBody()).doesNotContain("You are unsubscribed");
        }
        assertNothingStored();
        assertThat(f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-all"), null).getStatusCode())
                .as("the same form from our page").isEqualTo(200);
    }

    @Test
    void thePagesFormsCarryTheLinksFormTokenAndOneClickNeedsNone() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        APIGatewayV2HTTPResponse page = f.handler().handleRequest(Fixture.event("get.json"), null);
        assertThat(page.getBody()).contains("name=\"form-token\" value=\"" + Fixture.FORM_TOKENS.form(token) + "\"");

        APIGatewayV2HTTPEvent oneClick = Fixture.event("one-click-post-urlencoded.json");
        oneClick.setHeaders(new java.util.HashMap<>(oneClick.getHeaders()));
        oneClick.getHeaders().put("sec-fetch-site", "cross-site"); // RFC 8058: posted by the mail client, from anywhere
        assertThat(f.handler().handleRequest(oneClick, null).getStatusCode()).isEqualTo(200);
    }

    @Test
    void anAddressThatBouncedIsNeverToldItWillGetMarketingEmailsAgain() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-all"), null);
        f.store.apply(ANA, dev.optout.suppression.Change.withDetail(Action.HARD_BOUNCE, "NoEmail",
                dev.optout.suppression.Provenance.of(Source.SES_BOUNCE, NOW)));

        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        get.setHeaders(new java.util.HashMap<>(get.getHeaders()));
        get.getHeaders().put("accept-language", "en");
        APIGatewayV2HTTPResponse page = f.handler().handleRequest(get, null);
        APIGatewayV2HTTPResponse undo = f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=resubscribe-all"), null);

        assertThat(page.getBody()).contains("bounced").doesNotContain("value=\"resubscribe-all\"");
        assertThat(undo.getStatusCode()).isEqualTo(409);
        assertThat(undo.getBody()).contains("bounced", "Nothing has been changed").doesNotContain("You will get our marketing emails again")
                .as("a bounce is not offered the confirmation mail").doesNotContain("/r/");
        assertThat(f.store.read(ANA).unsubscribedAll()).as("nothing changed").isNotNull();
        assertThat(f.store.read(ANA).hardBounce()).isNotNull();
    }

    @Test
    void aSoftBounceStopSaysUntilWhenInBothLanguagesAndIsGoneOnceExpired() {
        f.store.apply(ANA, dev.optout.suppression.Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "Transient/MailboxFull",
                dev.optout.suppression.Provenance.of(Source.SES_BOUNCE, NOW.minus(java.time.Duration.ofDays(2)))));
        Instant until = NOW.plus(java.time.Duration.ofDays(5)); // 7 days, the default SoftBounceStopExpiryDays
        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        get.setHeaders(new java.util.HashMap<>(get.getHeaders()));

        String id = f.handler().handleRequest(get, null).getBody();
        get.getHeaders().put("accept-language", "en");
        String en = f.handler().handleRequest(get, null).getBody();
        String later = f.handler(until.plusSeconds(1)).handleRequest(get, null).getBody();

        assertThat(id).contains("Kami akan mencoba mengirim ke alamat ini lagi mulai", "datetime=\"" + until + "\"");
        assertThat(en).contains("could not be delivered", "We will try sending to this address again from",
                "datetime=\"" + until + "\"");
        assertThat(later).as("expired: not shown as standing").doesNotContain("could not be delivered", "We will try sending");
    }

    @Test
    void aTopicChosenAgainWhileUnsubscribedFromAllSaysNoMailComesYet() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-topic"), null);
        f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-all"), null);

        APIGatewayV2HTTPResponse topic = f.handler().handleRequest(Fixture.pagePost(token, "lang=en&action=resubscribe-topic"), null);

        assertThat(topic.getStatusCode()).isEqualTo(200);
        assertThat(topic.getBody()).contains("Your choice is saved", "still unsubscribed from all")
                .doesNotContain("You will get");
    }

    @Test
    void afterAComplaintTheRefusedUndoOffersTheConfirmationMailInsteadOfTurningMailBackOn() {
        String token = Fixture.tokenOf(Fixture.event("get.json"));
        f.handler().handleRequest(Fixture.pagePost(token, "lang=id&action=unsubscribe-all"), null);
        f.store.apply(ANA, dev.optout.suppression.Change.withDetail(Action.COMPLAINT, "abuse",
                dev.optout.suppression.Provenance.of(Source.SES_COMPLAINT, NOW)));

        APIGatewayV2HTTPResponse undo = f.handler().handleRequest(Fixture.pagePost(token, "lang=id&action=resubscribe-all"), null);

        assertThat(undo.getStatusCode()).isEqualTo(409);
        assertThat(undo.getBody()).contains("<html lang=\"id\">", "ditandai sebagai spam", "Tidak ada yang diubah",
                "<form method=\"post\" action=\"" + Fixture.BASE_URL + "/r/" + token + "\">",
                "name=\"lang\" value=\"id\"", "Kirimi saya email konfirmasi",
                // the resume form carries this link's form token, which the subscribe function checks
                "name=\"form-token\" value=\"" + Fixture.FORM_TOKENS.form(token) + "\"");
        assertThat(f.store.read(ANA).complaint()).as("nothing changed").isNotNull();
        assertThat(f.store.read(ANA).unsubscribedAll()).isNotNull();
    }
}
