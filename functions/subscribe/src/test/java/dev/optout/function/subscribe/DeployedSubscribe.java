package dev.optout.function.subscribe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalOutbox;
import dev.optout.localaws.SampleLinks;
import dev.optout.observability.EventLog;
import dev.optout.testsupport.FunctionRole;
import dev.optout.wiring.Wiring;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;

/**
 * SubscribeFunction as deployed, for the integration tests: its role from template.yaml, the real
 * SES v2 client against moto (the sender's domain verified), and what moto was asked to send read
 * back as .eml files from an outbox that starts empty.
 *
 * @param admin   the same configuration with the local administrator's rights (to seed and read the table)
 * @param handler the function's handler under its own role
 * @param outbox  the mail SES was asked to send
 */
record DeployedSubscribe(Wiring admin, SubscribeHandler handler, LocalOutbox outbox) {
    static DeployedSubscribe on(LocalAws aws, Path dir, OutputStream logs, Map<String, String> extraEnvironment) {
        Map<String, String> env = new HashMap<>(SampleLinks.functionEnvironment(aws));
        env.put(Settings.CONFIRMATION_FROM, "news@shop.example");
        env.put(Settings.SENDER_NAME, "Toko Contoh");
        env.putAll(extraEnvironment);
        Wiring admin = new Wiring(Settings.of(env));
        try (SesV2Client ses = aws.client(SesV2Client.builder())) {
            ses.createEmailIdentity(r -> r.emailIdentity("shop.example"));
        } catch (AlreadyExistsException e) {
            // an earlier test on the same endpoint
        }
        Wiring w = new Wiring(Settings.of(FunctionRole.environment(aws, "SubscribeFunction", env)));
        SubscribeHandler handler = new SubscribeHandler(w, SubscribeHandler.confirmationKeys(w.linkKeys()),
                SubscribeHandler.mailer(w, w.aws().configure(SesV2Client.builder()).build()),
                new EventLog("subscribe", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        Path outboxDir = dir.resolve("outbox");
        LocalOutbox outbox = new LocalOutbox(aws.endpoint(), outboxDir);
        outbox.drain(); // mail of earlier tests on the same endpoint
        try (Stream<Path> files = Files.isDirectory(outboxDir) ? Files.walk(outboxDir) : Stream.empty()) {
            files.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeployedSubscribe(admin, handler, outbox);
    }

    /** The mail SES was asked to send since the last call, each as its .eml text. */
    List<String> mails() {
        return outbox.drain().stream().map(p -> {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /** A mail's body (the one Base64 part optout writes), decoded. */
    static String body(String mail) {
        return new String(Base64.getMimeDecoder().decode(mail.substring(mail.indexOf("\r\n\r\n") + 4).strip()), StandardCharsets.UTF_8);
    }

    /** The token of the confirmation link in a mail (fails the test when the mail has none). */
    static String confirmToken(String mail) {
        Matcher m = Pattern.compile(Pattern.quote(SampleLinks.BASE_URL) + "/c/([A-Za-z0-9_-]+)\\?lang=(en|id)\\s").matcher(body(mail));
        assertThat(m.find()).as(body(mail)).isTrue();
        return m.group(1);
    }
}
