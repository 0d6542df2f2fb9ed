package dev.optout.function.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.browser.BrowsedPages;
import dev.optout.localaws.browser.HeadlessChromium;
import dev.optout.observability.EventLog;
import dev.optout.preferences.PreferenceCenter;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Source;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import dev.optout.web.Language;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * A real browser (Debian's headless Chromium through Selenium) on the handler served over
 * loopback HTTP: open the preference link, change topics and frequency, save, reload and see the
 * saved state, in English and Indonesian; no JavaScript involved. Skipped with a notice where
 * Chromium or ChromeDriver is not installed (a failure under CI=true). Screenshots: target/screenshots/preferences-*.png.
 */
@ExtendWith(LocalAwsExtension.class)
class PreferencesBrowserIT {
    private Fixture f;
    private BrowsedPages pages;
    private HeadlessChromium chromium;
    private WebDriver browser;
    private String url;

    @BeforeEach
    void start(LocalAws aws) {
        pages = BrowsedPages.start("GET /p/{token}", "POST /p/{token}", "PUT /p/{token}");
        f = new Fixture(aws);
        Clock clock = Clock.systemUTC();
        pages.serve(new PreferencesHandler(new TokenOpener(Fixture.KEYS, TokenOpener.DEFAULT_LIFETIME, clock), Fixture.FORM_TOKENS,
                new PreferenceCenter(f.store, TopicCatalog.bundled()), Fixture.ADDRESS_KEYS, pages.baseUri().toString(),
                Language.EN, clock, EventLog.stdout("preferences"), dev.optout.optin.OptInEvidence.IpRetention.TRUNCATED,
                // who is asking, on every page (axe-core checks the pages with it)
                new dev.optout.web.Brand("Toko Contoh", null, "#7a1f5c", "Jl. Merdeka 1, Jakarta 10110", "https://shop.example/privasi")));
        String token = f.sealer().seal(Fixture.ANA, "newsletter", "2026-11-weekly");
        url = pages.baseUri() + "/p/" + token;
    }

    @AfterEach
    void stop() {
        if (pages != null) {
            pages.close();
        }
    }

    private void open(String language) {
        chromium = pages.open(language);
        browser = chromium.driver();
    }

    /**
     * Every page in both languages against axe-core's WCAG 2.1 A and AA rules: the preference
     * page, saved, stopped (unsubscribed from all), resumed, a damaged and an expired link.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "id"})
    void everyPageMeetsWcag21LevelAaInBothLanguages(String browserLanguage) {
        open(browserLanguage);
        String lang = browserLanguage.substring(0, 2);
        browser.get(url);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(lang);
        assertThat(browser.findElement(By.tagName("header")).getText()).contains("Toko Contoh");
        assertThat(browser.findElement(By.tagName("footer")).getText()).contains("Jl. Merdeka 1, Jakarta 10110");
        chromium.assertAccessible("preference page, " + lang);

        browser.findElement(By.cssSelector("label[for=topic-promotions]")).click();
        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@id='topic-promotions']]//button[@type='submit']"));
        assertThat(f.store.read(Fixture.ANA).topicOptOuts()).containsKey("promotions");
        chromium.assertAccessible("saved page, " + lang);

        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='unsubscribe-all']]//button"));
        assertThat(f.store.read(Fixture.ANA).unsubscribedAll()).isNotNull();
        chromium.assertAccessible("stopped state, " + lang);
        browser.get(url);
        chromium.assertAccessible("stopped state reloaded, " + lang);
        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='resubscribe']]//button"));
        assertThat(f.store.read(Fixture.ANA).unsubscribedAll()).isNull();
        chromium.assertAccessible("resumed page, " + lang);

        browser.get(pages.baseUri() + "/p/AQV0ZXN0MS4Vnot-a-real-token");
        chromium.assertAccessible("damaged link page, " + lang);
        String expired = new TokenSealer(Fixture.KEYS, Clock.fixed(Instant.now().minus(Duration.ofDays(500)), ZoneOffset.UTC))
                .seal(Fixture.ANA, null, null);
        browser.get(pages.baseUri() + "/p/" + expired);
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("400");
        chromium.assertAccessible("expired link page, " + lang);
    }

    /**
     * "Download my data" gives a JSON file of this address only; "Erase me" asks first, says what
     * erasure means, and only its confirm form erases (the same sticky forget as the command line).
     * Every page passes axe-core, in both languages.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"en-US", "id"})
    void downloadMyDataAndEraseMeWorkFromThePage(String browserLanguage) throws Exception {
        dev.optout.address.EmailAddress budi = dev.optout.address.AddressParser.parseOrNull("budi@example.com");
        f.store.apply(budi, dev.optout.suppression.Change.unsubscribeAll(dev.optout.suppression.Provenance.of(Source.ONE_CLICK, Instant.now())));
        f.store.apply(Fixture.ANA, dev.optout.suppression.Change.unsubscribeTopic("promotions",
                dev.optout.suppression.Provenance.of(Source.ONE_CLICK, Instant.now())));
        open(browserLanguage);
        String lang = browserLanguage.substring(0, 2);
        browser.get(url);

        browser.findElement(By.xpath("//form[.//input[@name='action' and @value='download']]//button")).click();
        java.nio.file.Path file = chromium.awaitDownload("my-data.json");
        String json = java.nio.file.Files.readString(file);
        com.fasterxml.jackson.databind.JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(data.path("address").asText()).isEqualTo("ana@example.com");
        assertThat(data.path("marks").has("unsubscribe:promotions")).isTrue();
        assertThat(data.path("history").size()).isEqualTo(1);
        assertThat(json).as("nothing about anyone else").doesNotContain("budi");
        chromium.assertAccessible("preference page with the data section, " + lang);

        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='erase']]//button"));
        assertThat(browser.findElement(By.tagName("main")).getText()).contains(lang.equals("id") ? "hash berkunci" : "keyed hash");
        assertThat(f.store.read(Fixture.ANA).address()).as("the confirm step erases nothing").isEqualTo("ana@example.com");
        chromium.assertAccessible("erase confirm page, " + lang);

        chromium.clickAndWaitForPage(By.xpath("//form[.//input[@name='action' and @value='erase-confirmed']]//button"));
        assertThat(h1()).isEqualTo(lang.equals("id") ? "Alamat Anda sudah dihapus" : "Your address is erased");
        var erased = f.store.read(Fixture.ANA);
        assertThat(erased.forgotten()).isNotNull();
        assertThat(erased.address()).isNull();
        assertThat(erased.unsubscribedAll()).as("never mailed again").isNotNull();
        assertThat(f.store.read(budi).address()).as("nobody else erased").isEqualTo("budi@example.com");
        chromium.assertAccessible("erased page, " + lang);
    }

    private String h1() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    private boolean ticked(String topic) {
        return browser.findElement(By.id("topic-" + topic)).isSelected();
    }

    private Select frequencyOf(String topic) {
        return new Select(browser.findElement(By.id("frequency-" + topic)));
    }

    @Test
    void changeTopicsAndFrequencySaveReloadAndSeeTheSavedStateInBothLanguages() {
        open("en-US");
        browser.get(url);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(h1()).isEqualTo("Your email preferences");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("a***@example.com", "Newsletter",
                "Invitations to events and webinars. Only if you ask for them.", "No changes recorded yet.");
        assertThat(ticked("newsletter")).isTrue();
        assertThat(ticked("events")).isFalse();
        pages.screenshot("preferences-1-page-en");
        assertThat(f.store.read(Fixture.ANA).exists()).as("opening the page changes nothing").isFalse();

        // As a person would: click the labels, pick from the lists, then save.
        browser.findElement(By.cssSelector("label[for=topic-promotions]")).click();
        browser.findElement(By.cssSelector("label[for=topic-events]")).click();
        frequencyOf("newsletter").selectByVisibleText("Monthly");
        browser.findElement(By.cssSelector("label[for=frequency-all-weekly]")).click();
        chromium.clickAndWaitForPage(By.xpath("//button[. = 'Save my choices']"));

        assertThat(browser.findElement(By.cssSelector(".done")).getText()).contains("Saved. What changed:",
                "You will no longer get \u201cPromotions and offers\u201d emails.",
                // events needs confirmed consent: the page never says "you will get" before the confirmation
                "Your choice of \u201cEvents and webinars\u201d is saved, but these emails need your confirmation",
                "\u201cNewsletter\u201d emails: Monthly.", "How often, overall: Weekly.", "These changes took effect at once.");
        pages.screenshot("preferences-2-saved-en");
        assertThat(f.store.read(Fixture.ANA).frequency()).isEqualTo(Frequency.WEEKLY);
        assertThat(f.store.history(Fixture.ANA, 10)).extracting(h -> h.source()).containsOnly(Source.PREFERENCE_CENTER);

        // Reload: the link's page shows what is stored now.
        browser.get(url);
        assertThat(browser.findElements(By.cssSelector(".done"))).isEmpty();
        assertThat(ticked("promotions")).isFalse();
        assertThat(ticked("events")).isTrue();
        assertThat(browser.findElement(By.id("confirm-events")).getText()).startsWith("Not confirmed yet");
        assertThat(browser.findElement(By.id("topic-events")).getAttribute("aria-describedby")).isEqualTo("about-events confirm-events");
        assertThat(browser.findElements(By.xpath("//button[. = 'Send me a confirmation email']"))).hasSize(1);
        assertThat(ticked("newsletter")).isTrue();
        assertThat(frequencyOf("newsletter").getFirstSelectedOption().getText()).isEqualTo("Monthly");
        assertThat(frequencyOf("events").getFirstSelectedOption().getText()).isEqualTo("Same as overall");
        assertThat(browser.findElement(By.id("frequency-all-weekly")).isSelected()).isTrue();
        assertThat(browser.findElement(By.cssSelector("table")).getText()).contains("Unsubscribed from \u201cPromotions and offers\u201d",
                "Subscribed to \u201cEvents and webinars\u201d", "On this page");

        // The visible switch: the same state, in Indonesian; change again there.
        chromium.clickAndWaitForPage(By.linkText("Bahasa Indonesia"));
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("id");
        assertThat(h1()).isEqualTo("Preferensi email Anda");
        assertThat(ticked("events")).isTrue();
        assertThat(browser.findElement(By.id("confirm-events")).getText()).startsWith("Belum dikonfirmasi");
        assertThat(frequencyOf("newsletter").getFirstSelectedOption().getText()).isEqualTo("Bulanan");
        pages.screenshot("preferences-3-page-id");
        frequencyOf("events").selectByVisibleText("Bulanan");
        browser.findElement(By.cssSelector("label[for=topic-product-updates]")).click();
        chromium.clickAndWaitForPage(By.xpath("//button[. = 'Simpan pilihan saya']"));
        assertThat(browser.findElement(By.cssSelector(".done")).getText()).contains("Tersimpan. Yang berubah:",
                "Anda tidak akan lagi menerima email \u201cKabar produk\u201d.", "Email \u201cAcara dan webinar\u201d: Bulanan.");
        pages.screenshot("preferences-4-saved-id");

        browser.get(url + "?lang=id");
        assertThat(ticked("product-updates")).isFalse();
        assertThat(frequencyOf("events").getFirstSelectedOption().getText()).isEqualTo("Bulanan");
    }

    @Test
    void unsubscribeFromEverythingSeeTheStateAndComeBackInAnIndonesianBrowser() {
        open("id");
        browser.get(url);
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("id");

        chromium.clickAndWaitForPage(By.xpath("//button[. = 'Berhenti dari semua email pemasaran']"));
        assertThat(browser.findElement(By.cssSelector(".done")).getText())
                .contains("Anda tidak akan lagi menerima email pemasaran apa pun dari kami.");
        assertThat(browser.findElement(By.id("status-title")).getText()).isEqualTo("Kami tidak mengirimi Anda email pemasaran");
        assertThat(browser.findElement(By.cssSelector("section.problem")).getText())
                .contains("Anda telah berhenti berlangganan semua email pemasaran kami.", "Sejak");
        pages.screenshot("preferences-5-stopped-id");
        assertThat(f.store.read(Fixture.ANA).unsubscribedAll()).isNotNull();

        browser.get(url);
        chromium.clickAndWaitForPage(By.xpath("//button[. = 'Mulai terima email pemasaran lagi']"));
        assertThat(browser.findElement(By.cssSelector(".done")).getText()).contains("Anda akan menerima email pemasaran kami lagi");
        assertThat(browser.findElements(By.id("status-title"))).isEmpty();
        pages.screenshot("preferences-6-resubscribed-id");
        assertThat(f.store.read(Fixture.ANA).unsubscribedAll()).isNull();
    }

    @Test
    void aDamagedLinkShowsAPlainWordsPage() {
        open("en-US");
        browser.get(pages.baseUri() + "/p/AQV0ZXN0MS4Vnot-a-real-token");
        assertThat(h1()).isEqualTo("This link does not work");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Nothing has been changed.");
        pages.screenshot("preferences-7-bad-link");
    }
}
