package dev.optout.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicCatalogTest {
    @Test
    void theBundledCatalogOffersTheSampleTopicsInBothLanguages() {
        TopicCatalog catalog = TopicCatalog.load(Settings.of(Map.of()));
        assertThat(catalog.all()).extracting(Topic::id).contains("newsletter", "promotions", "product-updates");
        for (Topic t : catalog.all()) {
            assertThat(t.name()).containsKeys("en", "id");
            assertThat(t.description()).containsKeys("en", "id");
        }
    }

    @Test
    void anUnknownTopicNamesTheOnesOnOffer() {
        assertThatThrownBy(() -> TopicCatalog.bundled().require("horoscopes"))
                .isInstanceOf(UnknownTopicException.class)
                .hasMessageContaining("horoscopes").hasMessageContaining("newsletter");
    }

    @Test
    void operatorsCanReplaceTheCatalogWithoutCodeChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("topics.json");
        Files.writeString(file, "{\"topics\":[{\"id\":\"recipes\",\"defaultSubscribed\":false,"
                + "\"name\":{\"en\":\"Recipes\",\"id\":\"Resep\"},\"description\":{\"en\":\"Weekly recipes\"}}]}");
        TopicCatalog fromFile = TopicCatalog.load(Settings.of(Map.of(Settings.TOPIC_CATALOG, file.toString())));
        assertThat(fromFile.require("recipes").defaultSubscribed()).isFalse();
        assertThat(fromFile.require("recipes").name("id")).isEqualTo("Resep");
        assertThat(fromFile.find("newsletter")).isEmpty();

        TopicCatalog inline = TopicCatalog.load(Settings.of(Map.of(Settings.TOPIC_CATALOG,
                "{\"topics\":[{\"id\":\"alerts\",\"name\":{\"en\":\"Alerts\"}}]}")));
        assertThat(inline.require("alerts").defaultSubscribed()).isTrue();
    }

    @Test
    void eachTopicDeclaresTheConsentItNeedsAndTheDefaultEventsTopicNeedsItConfirmed() {
        TopicCatalog bundled = TopicCatalog.bundled();
        assertThat(bundled.require("events").consent()).isEqualTo(Topic.Consent.CONFIRMED);
        assertThat(bundled.require("newsletter").consent()).isEqualTo(Topic.Consent.NONE);
        TopicCatalog c = TopicCatalog.parse("{\"topics\":[{\"id\":\"a\",\"defaultSubscribed\":false},"
                + "{\"id\":\"b\",\"defaultSubscribed\":false,\"consent\":\"single\"}]}", "test");
        assertThat(c.require("a").consent()).isEqualTo(Topic.Consent.SINGLE);
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\":[{\"id\":\"a\",\"consent\":\"double\"}]}", "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("confirmed, single or none");
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\":[{\"id\":\"a\",\"consent\":\"confirmed\"}]}", "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("on by default");
    }

    @Test
    void aBrokenCatalogIsAConfigurationErrorThatSaysWhy() {
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\": [", "test")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\":[{\"id\":\"Bad Id\"}]}", "test"))
                .hasMessageContaining("Bad Id");
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\":[{\"id\":\"a\"},{\"id\":\"a\"}]}", "test"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> TopicCatalog.parse("{\"topics\":[]}", "test")).hasMessageContaining("empty");
    }
}
