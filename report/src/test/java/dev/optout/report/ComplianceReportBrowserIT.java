package dev.optout.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.campaign.GuardThresholds;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.browser.HeadlessChromium;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The HTML report opened from disk in a real Chromium: the page renders its four charts with
 * their accessible names, loads nothing from anywhere, and is kept as a screenshot
 * ({@code shared/target/screenshots/compliance-report.png}).
 */
@ExtendWith(LocalAwsExtension.class)
class ComplianceReportBrowserIT {

    @Test
    void theReportOpensInABrowserWithItsChartsAndLoadsNothingElse(LocalAws aws) throws Exception {
        HeadlessChromium.requireOrSkip();
        ScriptedHistory h = new ScriptedHistory(aws);
        ComplianceReport report = ComplianceReports.build(aws.dynamoDb(), h.table, ScriptedHistory.SINCE,
                ScriptedHistory.REPORT_CLOCK, GuardThresholds.DEFAULTS, 2);
        Path file = Path.of("target", "report", "compliance-report.html").toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, ReportHtml.render(report), StandardCharsets.UTF_8);

        try (HeadlessChromium chromium = HeadlessChromium.start("en-US")) {
            chromium.driver().manage().window().setSize(new Dimension(900, 4200));
            chromium.driver().get(file.toUri().toString());

            assertThat(chromium.driver().getTitle()).startsWith("optout compliance report 2026-11-01");
            List<WebElement> charts = chromium.driver().findElements(By.cssSelector("svg[role=img]"));
            // opt-outs; bounces, complaints and sender rejections per mailbox provider; two campaign rates; the clock
            assertThat(charts).hasSize(7);
            for (WebElement svg : charts) {
                assertThat(svg.getSize().getHeight()).as("drawn, not empty").isGreaterThan(50);
                String titleId = svg.getAttribute("aria-labelledby").split(" ")[0];
                assertThat(chromium.driver().findElement(By.id(titleId)).getAttribute("textContent")).isNotBlank();
            }
            assertThat(chromium.driver().findElement(By.id("chart-clock")).getAttribute("textContent"))
                    .contains("Gmail", "CAN-SPAM", "CASL", "GDPR", "missed");
            assertThat(chromium.driver().findElement(By.id("chart-provider-rejections")).getAttribute("textContent"))
                    .contains("gmail.com");
            Object resources = ((JavascriptExecutor) chromium.driver())
                    .executeScript("return performance.getEntriesByType('resource').length");
            assertThat(((Number) resources).intValue()).as("nothing loaded besides the page").isZero();
            chromium.screenshot("compliance-report");
            chromium.assertAccessible("compliance report");
        }
        assertThat(HeadlessChromium.SCREENSHOTS.resolve("compliance-report.png")).exists();
    }
}
