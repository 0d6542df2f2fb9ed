package dev.optout.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PageLayoutTest {
    private final PageLayout layout = new PageLayout(Messages.common());

    @Test
    void escapingNeutralisesMarkupInTextAndAttributes() {
        String form = layout.render(Language.EN, "T", PageLayout.oneButtonForm(Language.EN, "\"><script>", "<b>legend</b>", "a'b",
                "<i>go</i>", true)).html();
        assertThat(form).contains("<legend>&lt;b&gt;legend&lt;/b&gt;</legend>", "value=\"&#34;>&lt;script>\"", "value=\"a&#39;b\"",
                "<button type=\"submit\" class=\"secondary\">&lt;i&gt;go&lt;/i&gt;</button>").doesNotContain("<script>", "<b>", "<i>");
    }

    @Test
    void aPageDeclaresItsLanguageViewportAndOffersTheOtherLanguage() {
        Page p = layout.render(Language.ID, "Judul <b>", out -> out.writeContent("<p>isi</p>"), l -> "?lang=" + l.code());
        assertThat(p.html()).startsWith("<!DOCTYPE html>\n<html lang=\"id\">")
                .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .contains("<h1>Judul &lt;b&gt;</h1>")
                .contains("<a href=\"?lang=en\" lang=\"en\" hreflang=\"en\">English</a>")
                .contains("<a href=\"?lang=id\" lang=\"id\" hreflang=\"id\" aria-current=\"true\">Bahasa Indonesia</a>")
                .contains("<main id=\"main\">");
    }

    @Test
    void thePageLoadsNothingAndRunsNoScript() {
        String html = layout.render(Language.EN, "T", out -> out.writeContent("<p>x</p>"), l -> "?lang=" + l.code()).html();
        assertThat(html).doesNotContain("<script", "<link", "<img", "src=", "http://", "https://", "style=\"");
    }

    @Test
    void theInlineStyleIsAllowedByItsHashAndNothingElse() throws Exception {
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(PageLayout.CSS.getBytes(StandardCharsets.UTF_8)));
        Page p = layout.render(Language.EN, "T", out -> out.writeContent(""), l -> "?lang=" + l.code());
        assertThat(p.contentSecurityPolicy()).isEqualTo("default-src 'none'; style-src 'sha256-" + hash
                + "'; img-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(p.html()).contains("<style>" + PageLayout.CSS + "</style>");
        assertThat(PageLayout.CSS).contains(":focus");
    }

    @Test
    void bothLanguagesHaveEveryText() {
        Messages m = Messages.common();
        assertThat(m.keys(Language.EN)).isEqualTo(m.keys(Language.ID)).isNotEmpty();
        assertThat(m.text(Language.ID, "layout.languages")).isEqualTo("Bahasa");
    }

    @Test
    void timesReadNaturallyInEachLanguage() {
        Instant t = Instant.parse("2026-11-01T10:05:00Z");
        assertThat(Language.EN.formatDateTime(t)).isEqualTo("1 November 2026, 10:05 UTC");
        assertThat(Language.ID.formatDateTime(t)).isEqualTo("1 November 2026, 10.05 UTC");
        assertThat(Language.ID.formatDateTime(Instant.parse("2026-08-17T00:00:00Z"))).isEqualTo("17 Agustus 2026, 00.00 UTC");
        assertThat(layout.render(Language.EN, "T", PageLayout.time(t, Language.EN)).html()).contains("<time datetime=\"2026-11-01T10:05:00Z\">1 November 2026, 10:05 UTC</time>");
    }
}
