package dev.optout.cli;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A local optout as {@code ./optout local} leaves it for the command line: a fresh table and an
 * address-hash key secret on the local AWS, and {@code .optout/local.json} naming them. Runs
 * command lines in-process and reads the table back through the store with the same key.
 */
final class CliHarness {
    final LocalAws aws;
    final Path stateDir;
    final String table;
    final SuppressionStore store;
    final List<ExecutionInterceptor> interceptors = new ArrayList<>();

    record Result(int code, String out, String err) {
    }

    CliHarness(LocalAws aws, Path dir) throws IOException {
        this.aws = aws;
        this.stateDir = dir.resolve(".optout");
        Files.createDirectories(stateDir);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String base64 = Base64.getEncoder().encodeToString(key);
        StoreFixture fixture = StoreFixture.on(aws, AddressKeys.fromBase64(base64), Clock.systemUTC());
        this.table = fixture.table();
        this.store = fixture.store();
        String arn;
        try (SecretsManagerClient sm = aws.client(SecretsManagerClient.builder())) {
            arn = sm.createSecret(r -> r.name("optout-cli-test/" + UUID.randomUUID()).secretString(base64)).arn();
        }
        // the admin identity, as ./optout local names it (its moto enforces IAM)
        AwsCredentials admin = aws.credentials().resolveCredentials();
        Files.writeString(stateDir.resolve("local.json"), Json.MAPPER.writeValueAsString(Map.of(
                "awsEndpoint", aws.endpoint().toString(), "region", aws.region(), "tableName", table,
                "addressHashKeySecretArn", arn, "apiUrl", "http://127.0.0.1:1",
                "awsAccessKeyId", admin.accessKeyId(), "awsSecretAccessKey", admin.secretAccessKey())));
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(err, true), stateDir,
                Map.of(), List.copyOf(interceptors)), args);
        return new Result(code, out.toString(), err.toString());
    }

    static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    /** Every item of the table as text, lowercased: for "the address is nowhere". */
    String wholeTable() {
        StringBuilder all = new StringBuilder();
        aws.dynamoDb().scanPaginator(r -> r.tableName(table)).items()
                .forEach(item -> all.append(item.toString().toLowerCase(Locale.ROOT)).append('\n'));
        return all.toString();
    }

    int itemCount() {
        int[] n = {0};
        aws.dynamoDb().scanPaginator(r -> r.tableName(table)).items().forEach(i -> n[0]++);
        return n[0];
    }

    static Path fixture(String name) {
        try {
            return Path.of(CliHarness.class.getResource("/imports/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
