package dev.optout.function.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.browser.HeadlessChromium;
import dev.optout.localaws.http.LambdaHttpServer;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Source;
import dev.optout.token.TokenOpener;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.web.Language;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * A real browser (Debian's headless Chromium through Selenium) on the handler served over
 * loopback HTTP: open the link, confirm, see the done page, undo. Skipped with a notice where
 * Chromium or ChromeDriver is not installed (a failure under CI=true) (scripts/setup-test-deps.sh installs both).
 */
@ExtendWith(LocalAwsExtension.class)
class UnsubscribeBrowserIT {
    private Fixture f;
    private LambdaHttpServer server;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start(LocalAws aws) {
        HeadlessChromium.requireOrSkip();
        f = new Fixture(aws);
        AtomicReference<UnsubscribeHandler> handler = new AtomicReference<>();
        server = LambdaHttpServer.start((in, out, c) -> handler.get().handleRequest(in, out, null), "GET /u/{token}", "POST /u/{token}");
        Clock clock = Clock.systemUTC();
        handler.set(new UnsubscribeHandler(new TokenOpener(Fixture.KEYS, TokenOpener.DEFAULT_LIFETIME, clock), Fixture.FORM_TOKENS,
                new UnsubscribeService(f.store, clock), Fixture.ADDRESS_KEYS, TopicCatalog.bundled(),
                server.baseUri().toString(), Language.EN, EventLog.stdout("unsubscribe")));
        chromium = HeadlessChromium.start("en-US");
        browser = chromium.driver();
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A screenshot of the page, which must also pass axe-core's WCAG 2.1 A/AA rules. */
    private void screenshot(String name) {
        chromium.screenshot(name);
        chromium.assertAccessible(name);
    }

    /**
     * Every page in both languages against axe-core's WCAG 2.1 A and AA rules: the confirm page
     * of a topic link and of an all-mail link, done, resubscribed, a damaged and an expired link.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "id"})
    void everyPageMeetsWcag21LevelAaInBothLanguages(String browserLanguage) {
        chromium.close();
        chromium = HeadlessChromium.start(browserLanguage);
        browser = chromium.driver();
        String lang = browserLanguage.substring(0, 2);
        var budi = AddressParser.parseOrNull("budi@example.com");
        String topicLink = server.baseUri() + "/u/" + f.sealer(Instant.now()).seal(budi, "newsletter", "2026-11-weekly");

        browser.get(topicLink);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(lang);
        chromium.assertAccessible("confirm page, topic link, " + lang);
        chromium.clickAndWaitForPage(By.cssSelector("form button[type=submit]"));
        assertThat(f.store.read(budi).topicOptOuts()).containsKey("newsletter");
        chromium.assertAccessible("done page, " + lang);
        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='resubscribe-topic']]//button"));
        assertThat(f.store.read(budi).topicOptOuts()).doesNotContainKey("newsletter");
        chromium.assertAccessible("resubscribed page, " + lang);

        browser.get(server.baseUri() + "/u/" + f.sealer(Instant.now()).seal(budi, null, null));
        chromium.assertAccessible("confirm page, all-mail link, " + lang);
        browser.get(server.baseUri() + "/u/AQV0ZXN0MS4Vnot-a-real-token");
        chromium.assertAccessible("damaged link page, " + lang);
        browser.get(server.baseUri() + "/u/" + f.sealer(Instant.now().minus(Duration.ofDays(500))).seal(budi, "newsletter", null));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("400");
        chromium.assertAccessible("expired link page, " + lang);
    }

    @Test
    void openTheLinkConfirmAllMarketingMailSeeItDoneAndUndo() {
        var ana = AddressParser.parseOrNull("ana@example.com");
        String token = f.sealer(Instant.now()).seal(ana, "newsletter", "2026-11-weekly");

        browser.get(server.baseUri() + "/u/" + token);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Unsubscribe");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("a***@example.com", "Newsletter",
                "Service emails, such as receipts and security notices, will still reach you.");
        WebElement topicChoice = browser.findElement(By.id("scope-topic"));
        assertThat(topicChoice.isSelected()).isTrue();
        assertThat(browser.findElement(By.linkText("Manage your email preferences")).getAttribute("href"))
                .isEqualTo(server.baseUri() + "/p/" + token + "?lang=en");
        screenshot("unsubscribe-1-page");
        assertThat(f.store.read(ana).exists()).as("opening the page changes nothing").isFalse();

        // Choose by the label, as a person would, then confirm.
        browser.findElement(By.cssSelector("label[for=scope-all]")).click();
        assertThat(browser.findElement(By.id("scope-all")).isSelected()).isTrue();
        chromium.clickAndWaitForPage(By.cssSelector("form button[type=submit]"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You are unsubscribed");
        assertThat(browser.findElement(By.cssSelector(".done")).getText())
                .contains("You will no longer get any marketing emails from us.", "Unsubscribed since");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUri() + "/u/" + token);
        screenshot("unsubscribe-2-done");
        assertThat(f.store.read(ana).unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);

        // Switch language on the done page: the link's page now says it is done, in Indonesian.
        chromium.clickAndWaitForPage(By.linkText("Bahasa Indonesia"));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("id");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda telah berhenti berlangganan");
        screenshot("unsubscribe-3-done-id");

        chromium.clickAndWaitForPage(By.xpath("//button[contains(., 'Berlangganan lagi')]"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda berlangganan kembali");
        screenshot("unsubscribe-4-resubscribed-id");
        assertThat(f.store.read(ana).unsubscribedAll()).isNull();
    }

    @Test
    void aDamagedLinkShowsAPlainWordsPage() {
        browser.get(server.baseUri() + "/u/AQV0ZXN0MS4Vnot-a-real-token");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("This link does not work");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Nothing has been changed.");
        screenshot("unsubscribe-5-bad-link");
    }
}
