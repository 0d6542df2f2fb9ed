package dev.optout.function.presend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.config.Settings;
import dev.optout.wiring.Wiring;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deployed wiring (no-arg path minus the environment) against moto: allowed results carry links. */
@ExtendWith(LocalAwsExtension.class)
class PresendCheckHandlerLinksIT {

    @Test
    void everyAllowedResultCarriesListUnsubscribeHeadersAndAPreferencesLink(LocalAws aws) throws Exception {
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put(Settings.TABLE_NAME, aws.createSuppressionTable());
        env.put(Settings.ADDRESS_HASH_KEY, Base64.getEncoder().encodeToString(new byte[32]));
        env.put(Settings.LINK_KEYS, "{\"active\":\"k1\",\"keys\":{\"k1\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}}");
        env.put(Settings.PUBLIC_BASE_URL, "https://optout.example.com");
        PresendCheckHandler handler = new PresendCheckHandler(new Wiring(Settings.of(env)));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(ProjectRoot.find().resolve("events/presend-check/check-request.json"))) {
            handler.handleRequest(in, out, null);
        }
        JsonNode results = Json.MAPPER.readTree(out.toByteArray()).get("results");
        int allowed = 0;
        for (JsonNode r : results) {
            if (r.get("allowed").asBoolean()) {
                allowed++;
                String pref = r.get("preferencesUrl").asText();
                assertThat(pref).matches("https://optout\\.example\\.com/p/[A-Za-z0-9_-]+");
                String token = pref.substring(pref.lastIndexOf('/') + 1);
                assertThat(r.get("headers").get("List-Unsubscribe").asText()).isEqualTo("<https://optout.example.com/u/" + token + ">");
                assertThat(r.get("headers").get("List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");
                // no address in clear in a URL, plain or URL-encoded (the token is sealed)
                String address = r.get("address").asText();
                for (String link : new String[] {pref, r.get("headers").get("List-Unsubscribe").asText()}) {
                    assertThat(link).doesNotContainIgnoringCase(address)
                            .doesNotContainIgnoringCase(URLEncoder.encode(address, StandardCharsets.UTF_8));
                }
            } else {
                assertThat(r.has("headers")).as("blocked results carry no links").isFalse();
                assertThat(r.has("preferencesUrl")).isFalse();
            }
        }
        assertThat(allowed).isEqualTo(4);
    }

    @Test
    void withASenderIdConfiguredTheHeadersCarryGmailsFeedbackIdForTheCampaign(LocalAws aws) throws Exception {
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put(Settings.TABLE_NAME, aws.createSuppressionTable());
        env.put(Settings.ADDRESS_HASH_KEY, Base64.getEncoder().encodeToString(new byte[32]));
        env.put(Settings.LINK_KEYS, "{\"active\":\"k1\",\"keys\":{\"k1\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}}");
        env.put(Settings.PUBLIC_BASE_URL, "https://optout.example.com");
        env.put(Settings.FEEDBACK_SENDER_ID, "acme");
        PresendCheckHandler handler = new PresendCheckHandler(new Wiring(Settings.of(env)));

        JsonNode withCampaign = answer(handler, "{\"topic\":\"newsletter\",\"campaignId\":\"2026-11-weekly\",\"recipients\":[\"ana@example.com\"]}");
        JsonNode headers = withCampaign.get("results").get(0).get("headers");
        assertThat(headers.get("Feedback-ID").asText()).isEqualTo("2026-11-weekly:newsletter:acme");
        assertThat(headers.has("List-Unsubscribe")).isTrue();
        assertThat(headers.get("List-Unsubscribe-Post").asText()).isEqualTo("List-Unsubscribe=One-Click");

        JsonNode noCampaign = answer(handler, "{\"topic\":\"newsletter\",\"recipients\":[\"ana@example.com\"]}");
        assertThat(noCampaign.get("results").get(0).get("headers").has("Feedback-ID")).isFalse();
    }

    private static JsonNode answer(PresendCheckHandler handler, String request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new java.io.ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.MAPPER.readTree(out.toByteArray());
    }
}
