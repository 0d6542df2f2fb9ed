package dev.optout.localaws.browser;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.localaws.http.LambdaHttpServer;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.openqa.selenium.WebDriver;

/**
 * A page function's handler served over loopback HTTP, and a headless Chromium to browse it: the
 * setup every browser test of the link pages shares. The handler is given after the server starts
 * ({@link #serve}), since its pages link to the server's own address.
 *
 * <pre>{@code
 * pages = BrowsedPages.start("GET /u/{token}", "POST /u/{token}");   // skipped without Chromium
 * pages.serve(new UnsubscribeHandler(..., pages.baseUri().toString(), ...));
 * pages.open("en-US");
 * pages.browser().get(pages.baseUri() + "/u/" + token);
 * pages.screenshot("done page");                                   // and checked against WCAG 2.1 AA
 * }</pre>
 */
public final class BrowsedPages implements AutoCloseable {
    private final AtomicReference<RequestStreamHandler> handler = new AtomicReference<>();
    private final LambdaHttpServer server;
    private HeadlessChromium chromium;

    private BrowsedPages(String... routeKeys) {
        server = LambdaHttpServer.start((in, out, context) -> Objects.requireNonNull(handler.get(), "no handler served yet")
                .handleRequest(in, out, context), routeKeys);
    }

    /**
     * Skips the test where Chromium or ChromeDriver is missing (a failure under {@code CI=true}),
     * then serves these API Gateway routes ({@code "GET /u/{token}"}) on a free loopback port.
     */
    public static BrowsedPages start(String... routeKeys) {
        HeadlessChromium.requireOrSkip();
        return new BrowsedPages(routeKeys);
    }

    /** The function that answers the routes. */
    public void serve(RequestStreamHandler function) {
        handler.set(Objects.requireNonNull(function));
    }

    /** e.g. {@code http://127.0.0.1:43121} (no trailing slash). */
    public URI baseUri() {
        return server.baseUri();
    }

    /** A new browser asking for pages in {@code browserLanguage} ({@code "en-US"}, {@code "id"}); the previous one is closed. */
    public HeadlessChromium open(String browserLanguage) {
        if (chromium != null) {
            chromium.close();
        }
        chromium = HeadlessChromium.start(browserLanguage);
        return chromium;
    }

    /** The open browser ({@link #open} first). */
    public HeadlessChromium chromium() {
        if (chromium == null) {
            throw new IllegalStateException("no browser open: call open(language) first");
        }
        return chromium;
    }

    public WebDriver browser() {
        return chromium().driver();
    }

    /** A screenshot of the page (target/screenshots/NAME.png), which must also pass axe-core's WCAG 2.1 A/AA rules. */
    public void screenshot(String name) {
        chromium().screenshot(name);
        chromium().assertAccessible(name);
    }

    @Override
    public void close() {
        if (chromium != null) {
            chromium.close();
        }
        server.close();
    }
}
