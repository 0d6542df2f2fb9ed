package dev.optout.localaws.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the page tests: Debian's Chromium ({@code /usr/bin/chromium}) driven through
 * its ChromeDriver ({@code /usr/bin/chromedriver}) by Selenium, headless, with a phone-sized window
 * and a throw-away profile. Where either is missing, {@link #requireOrSkip()} skips the test with
 * {@link #SKIP_NOTICE} on a developer's machine and fails it under {@code CI=true}: CI is never green
 * with no browser test run ({@code scripts/setup-test-deps.sh} installs both). Screenshots go to {@code target/screenshots/},
 * kept as a build artifact; {@link #assertAccessible} runs axe-core on a page. Needs Selenium and
 * axe-core's Selenium integration on the test classpath (provided scope here).
 *
 * <pre>
 * HeadlessChromium.requireOrSkip();
 * try (HeadlessChromium chromium = HeadlessChromium.start("en-US")) {
 *     chromium.driver().get(url);
 *     chromium.screenshot("page");
 * }
 * </pre>
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    public static final String SKIP_NOTICE = "NOTICE: browser test skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " missing "
            + "(apt-get install chromium chromium-driver, or run scripts/setup-test-deps.sh)";

    /** axe-core's tags for the WCAG 2.0 and 2.1 level A and AA rules. */
    public static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

    private final WebDriver driver;
    private final Path profile;

    private HeadlessChromium(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Whether Chromium and ChromeDriver are installed where Debian puts them. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * For a browser test's set-up: returns where the browser is installed; otherwise fails the
     * test under {@code CI=true} (with what to install) and skips it with a notice elsewhere.
     */
    public static void requireOrSkip() {
        if (available()) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true and the browser tests cannot run: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing. Install them (apt-get install chromium chromium-driver, or scripts/setup-test-deps.sh).");
        }
        System.out.println(SKIP_NOTICE);
        Assumptions.assumeTrue(false, SKIP_NOTICE);
    }

    /** Starts the browser; {@code language} is its UI language and so its Accept-Language (e.g. {@code en-US}, {@code id}). */
    public static HeadlessChromium start(String language) {
        try {
            Path profile = Files.createTempDirectory("optout-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile,
                    "--window-size=412,915", "--lang=" + language);
            // Headless Chromium ignores --lang for Accept-Language; the profile preference sets it.
            // Files a page sends as an attachment land in <profile>/downloads (downloads()).
            options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", language,
                    "download.default_directory", profile.resolve("downloads").toString(), "download.prompt_for_download", false));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            Files.createDirectories(SCREENSHOTS);
            return new HeadlessChromium(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Waits until the browser has finished downloading a file named {@code name} (a page's
     * attachment) and answers its path.
     */
    public Path awaitDownload(String name) {
        Path file = profile.resolve("downloads").resolve(name);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Files.isRegularFile(file)
                && !Files.exists(file.resolveSibling(name + ".crdownload")));
        return file;
    }

    /**
     * Clicks something that loads a new page (a submit button, a link) and waits until the new
     * page has replaced the old one, so that what follows reads the new page, not the old one or
     * none (a click returns before the navigation it starts has finished).
     */
    public void clickAndWaitForPage(By target) {
        WebElement old = driver.findElement(By.tagName("html"));
        driver.findElement(target).click();
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(d -> isGone(old));
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /**
     * Whether {@code element} has left the document. Chromium answers a stale element in two ways:
     * the W3C "stale element reference", or, when the navigation replaces the document between
     * the driver's lookup and its query, "Node with given id does not belong to the document"
     * (seen under heavy load); both mean the old page is gone. Anything else is a real error.
     */
    private static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            if (e.getMessage() != null && e.getMessage().contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    /**
     * Runs axe-core (Deque) on the page as it stands and fails, listing each violation with the
     * elements concerned, on any WCAG 2.1 level A or AA rule (the README's accessibility promise).
     */
    public void assertAccessible(String page) {
        Results results;
        try {
            results = analyze();
        } catch (RuntimeException e) { // a WebDriverException, possibly wrapped by axe
            // axe's script injection raced the page's last DOM changes ("Node with given id does not
            // belong to the document", seen under heavy load): run it once more on the settled page.
            // A violation is never retried: it fails below.
            results = analyze();
        }
        if (results.getViolations().isEmpty()) {
            return;
        }
        StringBuilder report = new StringBuilder(page + " (" + driver.getCurrentUrl() + ") violates WCAG 2.1 A/AA:");
        for (Rule rule : results.getViolations()) {
            report.append("\n- ").append(rule.getId()).append(" (").append(rule.getImpact()).append("): ").append(rule.getHelp());
            rule.getNodes().forEach(node -> report.append("\n    ").append(node.getHtml())
                    .append("\n      ").append(String.valueOf(node.getFailureSummary()).replace("\n", "\n      ")));
        }
        throw new AssertionError(report.toString());
    }

    private Results analyze() {
        new WebDriverWait(driver, Duration.ofSeconds(30))
                .until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
        return new AxeBuilder().withTags(WCAG_21_AA).analyze(driver);
    }

    /** Saves the page as {@code target/screenshots/<name>.png}. */
    public void screenshot(String name) {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quits the browser and deletes its profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // A leftover temp directory is harmless.
            }
        }
    }
}
