package dev.optout.function.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.browser.BrowsedPages;
import dev.optout.localaws.browser.HeadlessChromium;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Source;
import dev.optout.token.TokenOpener;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.web.Language;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    private BrowsedPages pages;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start(LocalAws aws) {
        pages = BrowsedPages.start("GET /u/{token}", "POST /u/{token}");
        f = new Fixture(aws);
        Clock clock = Clock.systemUTC();
        pages.serve(new UnsubscribeHandler(new TokenOpener(Fixture.KEYS, TokenOpener.DEFAULT_LIFETIME, clock), Fixture.FORM_TOKENS,
                new UnsubscribeService(f.store, clock), Fixture.ADDRESS_KEYS, TopicCatalog.bundled(),
                pages.baseUri().toString(), Language.EN, EventLog.stdout("unsubscribe")));
        chromium = pages.open("en-US");
        browser = chromium.driver();
    }

    @AfterEach
    void stop() {
        if (pages != null) {
            pages.close();
        }
    }

    /**
     * Every page in both languages against axe-core's WCAG 2.1 A and AA rules: the confirm page
     * of a topic link and of an all-mail link, done, resubscribed, a damaged and an expired link.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "id"})
    void everyPageMeetsWcag21LevelAaInBothLanguages(String browserLanguage) {
        chromium = pages.open(browserLanguage);
        browser = chromium.driver();
        String lang = browserLanguage.substring(0, 2);
        var budi = AddressParser.parseOrNull("budi@example.com");
        String topicLink = pages.baseUri() + "/u/" + f.sealer(Instant.now()).seal(budi, "newsletter", "2026-11-weekly");

        browser.get(topicLink);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(lang);
        chromium.assertAccessible("confirm page, topic link, " + lang);
        chromium.clickAndWaitForPage(By.cssSelector("form button[type=submit]"));
        assertThat(f.store.read(budi).topicOptOuts()).containsKey("newsletter");
        chromium.assertAccessible("done page, " + lang);
        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='resubscribe-topic']]//button"));
        assertThat(f.store.read(budi).topicOptOuts()).doesNotContainKey("newsletter");
        chromium.assertAccessible("resubscribed page, " + lang);

        browser.get(pages.baseUri() + "/u/" + f.sealer(Instant.now()).seal(budi, null, null));
        chromium.assertAccessible("confirm page, all-mail link, " + lang);
        browser.get(pages.baseUri() + "/u/AQV0ZXN0MS4Vnot-a-real-token");
        chromium.assertAccessible("damaged link page, " + lang);
        browser.get(pages.baseUri() + "/u/" + f.sealer(Instant.now().minus(Duration.ofDays(500))).seal(budi, "newsletter", null));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("400");
        chromium.assertAccessible("expired link page, " + lang);
    }

    @Test
    void openTheLinkConfirmAllMarketingMailSeeItDoneAndUndo() {
        var ana = AddressParser.parseOrNull("ana@example.com");
        String token = f.sealer(Instant.now()).seal(ana, "newsletter", "2026-11-weekly");

        browser.get(pages.baseUri() + "/u/" + token);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Unsubscribe");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("a***@example.com", "Newsletter",
                "Service emails, such as receipts and security notices, will still reach you.");
        WebElement topicChoice = browser.findElement(By.id("scope-topic"));
        assertThat(topicChoice.isSelected()).isTrue();
        assertThat(browser.findElement(By.linkText("Manage your email preferences")).getAttribute("href"))
                .isEqualTo(pages.baseUri() + "/p/" + token + "?lang=en");
        pages.screenshot("unsubscribe-1-page");
        assertThat(f.store.read(ana).exists()).as("opening the page changes nothing").isFalse();

        // Choose by the label, as a person would, then confirm.
        browser.findElement(By.cssSelector("label[for=scope-all]")).click();
        assertThat(browser.findElement(By.id("scope-all")).isSelected()).isTrue();
        chromium.clickAndWaitForPage(By.cssSelector("form button[type=submit]"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You are unsubscribed");
        assertThat(browser.findElement(By.cssSelector(".done")).getText())
                .contains("You will no longer get any marketing emails from us.", "Unsubscribed since");
        assertThat(browser.getCurrentUrl()).isEqualTo(pages.baseUri() + "/u/" + token);
        pages.screenshot("unsubscribe-2-done");
        assertThat(f.store.read(ana).unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);

        // Switch language on the done page: the link's page now says it is done, in Indonesian.
        chromium.clickAndWaitForPage(By.linkText("Bahasa Indonesia"));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("id");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda telah berhenti berlangganan");
        pages.screenshot("unsubscribe-3-done-id");

        chromium.clickAndWaitForPage(By.xpath("//button[contains(., 'Berlangganan lagi')]"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda berlangganan kembali");
        pages.screenshot("unsubscribe-4-resubscribed-id");
        assertThat(f.store.read(ana).unsubscribedAll()).isNull();
    }

    @Test
    void aDamagedLinkShowsAPlainWordsPage() {
        browser.get(pages.baseUri() + "/u/AQV0ZXN0MS4Vnot-a-real-token");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("This link does not work");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Nothing has been changed.");
        pages.screenshot("unsubscribe-5-bad-link");
    }
}
