package dev.optout.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrandTest {
    private static final Brand SHOP = new Brand("Toko Contoh", "https://cdn.shop.example/logo.svg", "#7a1f5c",
            "Jl. Merdeka 1, Jakarta 10110", "https://shop.example/privasi");

    @Test
    void everyPageSaysWhoIsAskingWithTheLogoAllowedByItsOriginOnly() throws Exception {
        Page p = new PageLayout(Messages.common(), SHOP).render(Language.ID, "Judul", PageLayout.content(out -> { }));
        assertThat(p.html()).contains("<span>Toko Contoh</span>", "<img src=\"https://cdn.shop.example/logo.svg\" alt=\"\"",
                "<address>Jl. Merdeka 1, Jakarta 10110</address>", "<a href=\"https://shop.example/privasi\">Kebijakan privasi</a>",
                "Halaman ini dikelola oleh Toko Contoh", "<title>Judul · Toko Contoh</title>");
        assertThat(p.contentSecurityPolicy()).contains("img-src https://cdn.shop.example;");
        String css = PageLayout.CSS + SHOP.css();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(css.getBytes(StandardCharsets.UTF_8)));
        assertThat(p.contentSecurityPolicy()).contains("style-src 'sha256-" + hash + "'");
        assertThat(p.html()).contains("button{border-color:#7a1f5c;background:#7a1f5c}");
    }

    @Test
    void withoutABrandThePagesAreAsBefore() {
        Page p = new PageLayout(Messages.common()).render(Language.EN, "Title", PageLayout.content(out -> { }));
        assertThat(p.contentSecurityPolicy()).isEqualTo(PageLayout.CONTENT_SECURITY_POLICY);
        assertThat(p.html()).doesNotContain("<img", "<address>", "class=\"brand\"");
    }

    @Test
    void aColourWithoutAccessibleContrastOrANonHttpsUrlIsRefusedAtStart() {
        assertThat(Brand.contrastWithWhite("#0b5394")).isGreaterThan(4.5);
        assertThatThrownBy(() -> new Brand(null, null, "#77aaff", null, null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("contrast of 2.").hasMessageContaining("4.5:1");
        assertThatThrownBy(() -> new Brand(null, null, "blue", null, null)).hasMessageContaining("#0b5394");
        assertThatThrownBy(() -> new Brand(null, "javascript:alert(1)", null, null, null)).hasMessageContaining("https");
        assertThatThrownBy(() -> new Brand(null, null, null, null, "http://shop.example/privacy")).hasMessageContaining("https");
        assertThat(Brand.fromSettings(Settings.of(Map.of(Settings.SENDER_NAME, "Toko", Settings.BRAND_COLOR, "#0B5394"))).color())
                .isEqualTo("#0b5394");
    }
}
