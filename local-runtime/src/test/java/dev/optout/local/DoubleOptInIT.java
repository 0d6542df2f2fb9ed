package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.cli.OptoutCli;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * Double opt-in through {@code ./optout local} as a person and an operator meet it: the signup
 * form's POST writes one mail to the outbox folder named in local.json; its link opened with GET
 * changes nothing; the page's form confirms; {@code lookup --json} shows the opt-in's evidence and
 * confirmation time; the check allows the {@code events} topic (confirmed consent) only after.
 */
@ExtendWith(LocalAwsExtension.class)
class DoubleOptInIT {
    private static final Path ROOT = ProjectRoot.find();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String ADDRESS = "rina.optin@example.com";

    @Test
    void aConfirmedSignupIsProvenAndOnlyItsFormPostConfirms(LocalAws aws, @TempDir Path state) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(ROOT, ROOT.resolve("template.yaml"), state, 0,
                "optin-" + UUID.randomUUID().toString().substring(0, 6), aws, new PrintStream(log, true, StandardCharsets.UTF_8)));
             LambdaClient lambda = LocalLambdaClients.of(runtime, aws, Duration.ofSeconds(30))) {
            JsonNode local = JSON.readTree(state.resolve("local.json").toFile());
            Path outbox = Path.of(local.path("outboxDir").asText());
            String api = runtime.apiUrl().toString().replaceAll("/$", "");
            assertThat(check(lambda)).as("before: never opted in").isEqualTo("NOT_OPTED_IN");

            HttpResponse<String> signup = post(api + "/s", "email=" + enc(ADDRESS) + "&topic=events&lang=en&website=", null);
            assertThat(signup.statusCode()).isEqualTo(200);
            assertThat(signup.body()).contains("Please check your inbox").doesNotContain(ADDRESS);

            List<Path> mails = waitForMails(outbox, 1);
            String mail = Files.readString(mails.get(0));
            assertThat(mail).contains("To: <" + ADDRESS + ">", "From: \"optout (local)\" <hello@optout.localhost>");
            String body = new String(Base64.getMimeDecoder().decode(mail.substring(mail.indexOf("\r\n\r\n") + 4).strip()),
                    StandardCharsets.UTF_8);
            assertThat(body).contains("Events and webinars", "The link works for 7 days");
            Matcher link = Pattern.compile(Pattern.quote(api) + "/c/[A-Za-z0-9_-]+\\?lang=en").matcher(body);
            assertThat(link.find()).as(body).isTrue();
            String confirmUrl = link.group();

            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(confirmUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Confirm your subscription", "Events and webinars", "Yes, subscribe me",
                            "<span>optout (local)</span>")
                    .doesNotContain(ADDRESS);
            assertThat(check(lambda)).as("opening the link (a scanner would) changes nothing").isEqualTo("NOT_OPTED_IN");
            assertThat(lookup(state).path("history")).as("nothing recorded by the GET").isEmpty();

            Matcher formToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.body());
            assertThat(formToken.find()).isTrue();
            HttpResponse<String> forged = post(confirmUrl, "lang=en&action=confirm", null);
            assertThat(forged.statusCode()).as("without the page's form token").isEqualTo(403);
            assertThat(check(lambda)).isEqualTo("NOT_OPTED_IN");

            HttpResponse<String> confirmed = post(confirmUrl, "lang=en&action=confirm&form-token=" + enc(formToken.group(1)), api);
            assertThat(confirmed.statusCode()).isEqualTo(200);
            assertThat(confirmed.body()).contains("You are subscribed", "Events and webinars");
            assertThat(check(lambda)).as("after the confirmation").isEqualTo("ALLOWED");

            JsonNode proof = lookup(state).path("optInEvidence").path("events");
            assertThat(proof.path("source").asText()).isEqualTo("CONFIRMED_OPT_IN");
            assertThat(proof.path("optInChannel").asText()).isEqualTo("form");
            assertThat(proof.path("wording").asText()).contains("Events and webinars");
            assertThat(proof.path("wordingVersion").asText()).startsWith("sha256:");
            assertThat(proof.path("requestedAt").asText()).isNotEmpty();
            assertThat(proof.path("confirmedAt").asText()).isEqualTo(proof.path("at").asText());
            assertThat(proof.path("ip").asText()).as("truncated by default").isEqualTo("127.0.0.0/24");

            HttpResponse<String> again = post(api + "/s", "{\"email\":\"" + ADDRESS + "\",\"topics\":[\"events\"],\"lang\":\"id\"}", null,
                    "application/json");
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(again.body()).path("status").asText()).isEqualTo("pending");
            Thread.sleep(1500);
            assertThat(eml(outbox)).as("at most one confirmation mail a day to an address").hasSize(1);
        }
    }

    private static String check(LambdaClient lambda) throws Exception {
        byte[] request = JSON.writeValueAsBytes(Map.of("topic", "events", "recipients", List.of(ADDRESS)));
        JsonNode r = JSON.readTree(lambda.invoke(i -> i.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(request)))
                .payload().asByteArray()).path("results").path(0);
        return r.path("allowed").asBoolean() ? "ALLOWED" : r.path("reason").asText();
    }

    private static JsonNode lookup(Path state) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), state, Map.of(), List.of()),
                "lookup", ADDRESS, "--json", "--local");
        assertThat(code).as(out + "" + err).isZero();
        return JSON.readTree(out.toString());
    }

    private static HttpResponse<String> post(String url, String body, String origin) throws Exception {
        return post(url, body, origin, "application/x-www-form-urlencoded");
    }

    private static HttpResponse<String> post(String url, String body, String origin, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .header("User-Agent", "DoubleOptInIT").POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Path> waitForMails(Path outbox, int n) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            List<Path> found = eml(outbox);
            if (found.size() >= n) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no mail in " + outbox + " within 15 s");
    }

    private static List<Path> eml(Path outbox) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
