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

            List<Path> mails = waitForMails(outbox, 1, ADDRESS);
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
            assertThat(eml(outbox, ADDRESS)).as("at most one confirmation mail a day to an address").hasSize(1);
        }
    }

    @Test
    void afterAComplaintThePageMailsTheConfirmationWhosePostGetsMailBack(LocalAws aws, @TempDir Path state) throws Exception {
        String address = "budi.resume@example.com";
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(ROOT, ROOT.resolve("template.yaml"), state, 0,
                "resume-" + UUID.randomUUID().toString().substring(0, 6), aws, new PrintStream(log, true, StandardCharsets.UTF_8)));
             LambdaClient lambda = LocalLambdaClients.of(runtime, aws, Duration.ofSeconds(30))) {
            JsonNode local = JSON.readTree(state.resolve("local.json").toFile());
            Path outbox = Path.of(local.path("outboxDir").asText());
            String api = runtime.apiUrl().toString().replaceAll("/$", "");
            JsonNode before = checkResult(lambda, "newsletter", address);
            assertThat(before.path("allowed").asBoolean()).isTrue();
            String preferencesUrl = before.path("preferencesUrl").asText();

            // the mailbox provider's complaint, brought in as an import would
            Path csv = state.resolve("complaint.csv");
            Files.writeString(csv, "email,reason\n" + address + ",complaint\n");
            assertThat(cli(state, "import", "--local", "--actor", "ops", csv.toString())).isZero();
            assertThat(checkResult(lambda, "newsletter", address).path("reason").asText()).isEqualTo("COMPLAINED");

            // the page a link opens does not turn mail back on: it offers the confirmation mail
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(preferencesUrl + "?lang=en")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("marked as spam", "Send me a confirmation email").doesNotContain("value=\"resubscribe\"");
            Matcher form = Pattern.compile("<form method=\"post\" action=\"([^\"]+/r/[^\"]+)\">").matcher(page.body());
            assertThat(form.find()).as(page.body()).isTrue();
            Matcher formToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(page.body());
            assertThat(formToken.find()).isTrue();
            HttpResponse<String> asked = post(form.group(1), "lang=en&form-token=" + enc(formToken.group(1)), api);
            assertThat(asked.statusCode()).isEqualTo(200);
            assertThat(asked.body()).contains("Please check your inbox");
            assertThat(checkResult(lambda, "newsletter", address).path("reason").asText()).as("asking changes nothing").isEqualTo("COMPLAINED");

            String mail = Files.readString(waitForMails(outbox, 1, address).get(0));
            String body = new String(Base64.getMimeDecoder().decode(mail.substring(mail.indexOf("\r\n\r\n") + 4).strip()),
                    StandardCharsets.UTF_8);
            assertThat(body).contains("All our marketing emails, again");
            Matcher link = Pattern.compile(Pattern.quote(api) + "/c/[A-Za-z0-9_-]+\\?lang=en").matcher(body);
            assertThat(link.find()).as(body).isTrue();
            HttpResponse<String> confirmPage = HTTP.send(HttpRequest.newBuilder(URI.create(link.group())).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher confirmToken = Pattern.compile("name=\"form-token\" value=\"([^\"]+)\"").matcher(confirmPage.body());
            assertThat(confirmToken.find()).isTrue();
            assertThat(checkResult(lambda, "newsletter", address).path("reason").asText()).as("the GET changes nothing").isEqualTo("COMPLAINED");
            HttpResponse<String> confirmed = post(link.group(), "lang=en&action=confirm&form-token=" + enc(confirmToken.group(1)), api);
            assertThat(confirmed.statusCode()).isEqualTo(200);
            assertThat(checkResult(lambda, "newsletter", address).path("allowed").asBoolean()).as("mail is back").isTrue();
        }
    }

    private static JsonNode checkResult(LambdaClient lambda, String topic, String address) throws Exception {
        byte[] request = JSON.writeValueAsBytes(Map.of("topic", topic, "recipients", List.of(address)));
        return JSON.readTree(lambda.invoke(i -> i.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(request)))
                .payload().asByteArray()).path("results").path(0);
    }

    private static int cli(Path state, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), state, Map.of(), List.of()),
                args);
        assertThat(code).as(out + "" + err).isZero();
        return code;
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

    /** The mails to {@code to} (moto keeps what other tests on the same endpoint sent). */
    private static List<Path> waitForMails(Path outbox, int n, String to) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            List<Path> found = eml(outbox, to);
            if (found.size() >= n) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no mail in " + outbox + " within 15 s");
    }

    private static List<Path> eml(Path outbox, String to) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).filter(p -> {
                try {
                    return Files.readString(p).contains("To: <" + to + ">");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
