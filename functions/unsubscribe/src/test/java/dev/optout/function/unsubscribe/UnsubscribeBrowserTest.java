package dev.optout.function.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.optout.address.AddressParser;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.http.LambdaHttpServer;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Source;
import dev.optout.token.TokenOpener;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import dev.optout.web.Language;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser (Debian's headless Chromium through Selenium) on the handler served over
 * loopback HTTP: open the link, confirm, see the done page, undo. Skipped with a notice where
 * Chromium or ChromeDriver is not installed (scripts/setup-test-deps.sh installs both).
 */
@ExtendWith(LocalAwsExtension.class)
class UnsubscribeBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Fixture f;
    private LambdaHttpServer server;
    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void start(LocalAws aws) throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "NOTICE: browser test skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " missing "
                        + "(apt-get install chromium chromium-driver, or run scripts/setup-test-deps.sh)");
        f = new Fixture(aws);
        AtomicReference<UnsubscribeHandler> handler = new AtomicReference<>();
        server = LambdaHttpServer.start(e -> handler.get().handleRequest(e, null), "GET /u/{token}", "POST /u/{token}");
        Clock clock = Clock.systemUTC();
        handler.set(new UnsubscribeHandler(new TokenOpener(Fixture.KEYS, TokenOpener.DEFAULT_LIFETIME, clock),
                new UnsubscribeService(f.store, clock), Fixture.ADDRESS_KEYS, TopicCatalog.bundled(),
                server.baseUri().toString(), Language.EN, EventLog.stdout("unsubscribe")));

        profile = Files.createTempDirectory("optout-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile,
                "--window-size=412,915", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void openTheLinkConfirmAllMarketingMailSeeItDoneAndUndo() throws IOException {
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
                .isEqualTo(server.baseUri() + "/p/" + token);
        screenshot("unsubscribe-1-page");
        assertThat(f.store.read(ana).exists()).as("opening the page changes nothing").isFalse();

        // Choose by the label, as a person would, then confirm.
        browser.findElement(By.cssSelector("label[for=scope-all]")).click();
        assertThat(browser.findElement(By.id("scope-all")).isSelected()).isTrue();
        browser.findElement(By.cssSelector("form button[type=submit]")).click();

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You are unsubscribed");
        assertThat(browser.findElement(By.cssSelector(".done")).getText())
                .contains("You will no longer get any marketing emails from us.", "Unsubscribed since");
        assertThat(browser.getCurrentUrl()).isEqualTo(server.baseUri() + "/u/" + token);
        screenshot("unsubscribe-2-done");
        assertThat(f.store.read(ana).unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);

        // Switch language on the done page: the link's page now says it is done, in Indonesian.
        browser.findElement(By.linkText("Bahasa Indonesia")).click();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("id");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda telah berhenti berlangganan");
        screenshot("unsubscribe-3-done-id");

        browser.findElement(By.xpath("//button[contains(., 'Berlangganan lagi')]")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Anda berlangganan kembali");
        screenshot("unsubscribe-4-resubscribed-id");
        assertThat(f.store.read(ana).unsubscribedAll()).isNull();
    }

    @Test
    void aDamagedLinkShowsAPlainWordsPage() throws IOException {
        browser.get(server.baseUri() + "/u/AQV0ZXN0MS4Vnot-a-real-token");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("This link does not work");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("Nothing has been changed.");
        screenshot("unsubscribe-5-bad-link");
    }
}
