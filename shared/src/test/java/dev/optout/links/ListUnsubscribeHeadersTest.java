package dev.optout.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.LinkProvider;
import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import dev.optout.token.LinkKeys;
import dev.optout.token.LinkToken;
import dev.optout.token.MailtoSealer;
import dev.optout.token.MailtoToken;
import dev.optout.token.TokenOpener;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListUnsubscribeHeadersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-01T10:00:00Z"), ZoneOffset.UTC);
    private static final LinkKeys KEYS = new LinkKeys("k1", Map.of("k1", new byte[32]));
    private static final TokenSealer SEALER = new TokenSealer(KEYS, CLOCK);
    private static final EmailAddress ANA = AddressParser.parseOrNull("Ana <ANA@example.com>");

    private static String tokenOf(String preferencesUrl) {
        return preferencesUrl.substring("https://optout.example.com/p/".length());
    }

    @Test
    void headersAreExactlyTheRfc2369AndRfc8058Pair() throws Exception {
        var links = new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", null)
                .forRecipient(ANA, "newsletter", "2026-11-weekly");
        assertThat(links.preferencesUrl()).startsWith("https://optout.example.com/p/");
        String token = tokenOf(links.preferencesUrl());
        assertThat(links.headers()).containsExactly(
                Map.entry("List-Unsubscribe", "<https://optout.example.com/u/" + token + ">"),
                Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        assertThat(links.unsubscribeUrl()).isEqualTo("https://optout.example.com/u/" + token);
        assertThat(new TokenOpener(KEYS, TokenOpener.DEFAULT_LIFETIME, CLOCK).open(token))
                .isEqualTo(new LinkToken(ANA, "newsletter", "2026-11-weekly", CLOCK.instant()));
    }

    @Test
    void aConfiguredMailboxIsAddedAfterTheHttpsUri() {
        var links = new ListUnsubscribeHeaders(SEALER, "https://optout.example.com/", "unsubscribe@example.com")
                .forRecipient(ANA, null, null);
        String token = tokenOf(links.preferencesUrl());
        assertThat(links.headers().get("List-Unsubscribe")).isEqualTo(
                "<https://optout.example.com/u/" + token + ">, <mailto:unsubscribe@example.com?subject=unsubscribe>");
        assertThat(links.headers().get("List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");
    }

    @Test
    void aReceivingDomainGivesEachRecipientTheirOwnSealedMailtoAfterTheHttpsUri() throws Exception {
        AddressKeys addressKeys = new AddressKeys(new byte[32]);
        MailtoSealer mailto = new MailtoSealer(KEYS, List.of("newsletter", "promotions"), TokenOpener.DEFAULT_LIFETIME, CLOCK);
        var headers = ListUnsubscribeHeaders.withMailto(SEALER, "https://optout.example.com",
                new MailtoAddresses("Unsubscribe.Example.COM", mailto, addressKeys));
        var links = headers.forRecipient(ANA, "newsletter", "2026-11-weekly");
        String token = tokenOf(links.preferencesUrl());
        String value = links.headers().get("List-Unsubscribe");
        assertThat(value).matches("<https://optout\\.example\\.com/u/\\Q" + token
                + "\\E>, <mailto:[a-z2-7]{64}@unsubscribe\\.example\\.com\\?subject=unsubscribe>");
        String localPart = value.substring(value.indexOf("mailto:") + 7, value.indexOf('@', value.indexOf("mailto:")));
        assertThat(mailto.open(localPart)).isEqualTo(new MailtoToken(addressKeys.keyOf(ANA), "newsletter", LocalDate.of(2026, 11, 1)));
        String other = headers.forRecipient(AddressParser.parseOrNull("budi@example.co.id"), "newsletter", null)
                .headers().get("List-Unsubscribe");
        assertThat(other.substring(other.indexOf("mailto:"))).isNotEqualTo(value.substring(value.indexOf("mailto:")));
    }

    @Test
    void aReceivingDomainThatIsNotADomainNameIsRefusedAtInit() {
        MailtoSealer mailto = new MailtoSealer(KEYS, List.of(), TokenOpener.DEFAULT_LIFETIME, CLOCK);
        for (String bad : List.of("", "unsubscribe@example.com", "example", "exa mple.com", "ex>ample.com")) {
            assertThatThrownBy(() -> new MailtoAddresses(bad, mailto, new AddressKeys(new byte[32])))
                    .as(bad).isInstanceOf(ConfigurationException.class).hasMessageContaining("UNSUBSCRIBE_MAIL_DOMAIN");
        }
    }

    @Test
    void theCheckGetsTheSameLinksThroughLinkProvider() {
        LinkProvider provider = new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", null);
        LinkProvider.Links l = provider.linksFor(ANA, TopicCatalog.bundled().require("promotions"), null);
        String token = tokenOf(l.preferencesUrl());
        assertThat(l.headers()).containsExactly(
                Map.entry("List-Unsubscribe", "<https://optout.example.com/u/" + token + ">"),
                Map.entry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
        assertThat(l.headers().toString()).doesNotContain("ana@");
    }

    @Test
    void withASenderIdTheHeadersCarryGmailsFeedbackIdWhenACampaignIsGiven() {
        LinkProvider provider = new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", null).withFeedbackId(new FeedbackId("acme"));
        LinkProvider.Links l = provider.linksFor(ANA, TopicCatalog.bundled().require("promotions"), "2026-11-weekly");
        assertThat(l.headers()).containsKeys("List-Unsubscribe", "List-Unsubscribe-Post")
                .containsEntry("Feedback-ID", "2026-11-weekly:promotions:acme");
        assertThat(provider.linksFor(ANA, TopicCatalog.bundled().require("promotions"), null).headers()).doesNotContainKey("Feedback-ID");
        assertThat(new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", null)
                .linksFor(ANA, TopicCatalog.bundled().require("promotions"), "2026-11-weekly").headers()).doesNotContainKey("Feedback-ID");
    }

    @Test
    void theCheckGetsLinksForItsTopicOrForAllMarketingMail() throws Exception {
        LinkProvider provider = new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", null);
        TokenOpener opener = new TokenOpener(KEYS, TokenOpener.DEFAULT_LIFETIME, CLOCK);
        LinkToken topical = opener.open(tokenOf(provider.linksFor(ANA, TopicCatalog.bundled().require("promotions"), "c1").preferencesUrl()));
        assertThat(topical.topic()).isEqualTo("promotions");
        assertThat(topical.campaignId()).isEqualTo("c1");
        assertThat(opener.open(tokenOf(provider.linksFor(ANA, null, null).preferencesUrl())).allMarketingMail()).isTrue();
    }

    @Test
    void theReceivingDomainIsKeptInLowerCaseWithoutItsRootDotAndNamesThePlainAddress() throws Exception {
        MailtoSealer sealer = new MailtoSealer(KEYS, List.of("newsletter"), TokenOpener.DEFAULT_LIFETIME, CLOCK);
        AddressKeys addressKeys = new AddressKeys(new byte[32]);
        MailtoAddresses addresses = new MailtoAddresses(" Unsubscribe.Example.COM. ", sealer, addressKeys);
        assertThat(addresses.domain()).isEqualTo("unsubscribe.example.com");
        assertThat(addresses.plainAddress()).isEqualTo("unsubscribe@unsubscribe.example.com");
        String uri = addresses.uriFor(ANA, "newsletter");
        assertThat(uri).matches("mailto:[a-z2-7]{64}@unsubscribe\\.example\\.com\\?subject=unsubscribe");
        assertThat(addresses.sealer().open(uri.substring("mailto:".length(), uri.indexOf('@'))))
                .isEqualTo(new MailtoToken(addressKeys.keyOf(ANA), "newsletter", LocalDate.of(2026, 11, 1)));
    }

    @Test
    void fromSettingsReadsBaseUrlAndMailbox() {
        var h = ListUnsubscribeHeaders.fromSettings(Settings.of(Map.of(Settings.PUBLIC_BASE_URL, "https://u.example.org",
                Settings.UNSUBSCRIBE_MAILTO, "mailto:leave@example.org")), SEALER);
        assertThat(h.forRecipient(ANA, null, null).headers().get("List-Unsubscribe"))
                .startsWith("<https://u.example.org/u/").endsWith(">, <mailto:leave@example.org?subject=unsubscribe>");
    }

    @Test
    void badConfigurationIsRefusedAtInit() {
        for (String bad : List.of("http://optout.example.com", "optout.example.com", "https://x.example.com/?a=b", " ")) {
            assertThatThrownBy(() -> new ListUnsubscribeHeaders(SEALER, bad, null)).as(bad).isInstanceOf(ConfigurationException.class);
        }
        assertThat(new ListUnsubscribeHeaders(SEALER, "http://127.0.0.1:8080", null).baseUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThatThrownBy(() -> new ListUnsubscribeHeaders(SEALER, "https://optout.example.com", "a@b.example>, <https://evil"))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> ListUnsubscribeHeaders.fromSettings(Settings.of(Map.of()), SEALER))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PUBLIC_BASE_URL");
    }
}
