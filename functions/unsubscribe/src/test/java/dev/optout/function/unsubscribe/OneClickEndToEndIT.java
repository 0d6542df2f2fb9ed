package dev.optout.function.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResult;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SampleLinks;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Deadline;
import dev.optout.testsupport.FunctionRole;
import dev.optout.wiring.Wiring;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole path as deployed (both built from settings by {@link Wiring}, against moto): the check
 * hands out the headers, the mail client POSTs the one-click URL, the next check blocks.
 */
@ExtendWith(LocalAwsExtension.class)
class OneClickEndToEndIT {
    private static final Pattern LINK = Pattern.compile("<https://optout\\.example\\.com/u/([A-Za-z0-9_-]+)>");
    private Wiring wiring;
    private PresendCheck check;
    private UnsubscribeHandler handler;

    @BeforeEach
    void deploy(LocalAws aws) {
        Map<String, String> env = SampleLinks.functionEnvironment(aws);
        wiring = new Wiring(Settings.of(env)); // the test's own reads, as the admin
        // each function as itself, with its role from template.yaml
        Wiring checking = new Wiring(Settings.of(FunctionRole.environment(aws, "PresendCheckFunction", env)));
        check = new PresendCheck(checking.topics(), checking.addressKeys(),
                new BatchStateReader(checking.dynamoDb(), checking.tableName(), 4), checking.linkHeaders());
        handler = new UnsubscribeHandler(new Wiring(Settings.of(FunctionRole.environment(aws, "UnsubscribeFunction", env))));
    }

    @AfterEach
    void eachFunctionCalledOnlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("PresendCheckFunction");
        FunctionRole.assertObservedCallsAllowed("UnsubscribeFunction");
    }

    private CheckResult checkOne(String topic, String recipient) {
        return check.check(new CheckRequest(topic, "2026-11-weekly", List.of(recipient)),
                Deadline.after(Duration.ofSeconds(30), Clock.systemUTC())).results().get(0);
    }

    private static String tokenFrom(CheckResult r) {
        Matcher m = LINK.matcher(r.headers().get("List-Unsubscribe"));
        assertThat(m.matches()).as(r.headers().get("List-Unsubscribe")).isTrue();
        return m.group(1);
    }

    @Test
    void aOneClickPostOnTheCheckedLinkBlocksTheNextCheckForThatTopic() {
        CheckResult first = checkOne("newsletter", "Ana <ana@example.com>");
        assertThat(first.allowed()).isTrue();
        assertThat(first.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        String token = tokenFrom(first);
        assertThat(first.preferencesUrl()).isEqualTo("https://optout.example.com/p/" + token);

        assertThat(handler.handleRequest(Fixture.oneClick(token), null).getStatusCode()).isEqualTo(200);

        CheckResult next = checkOne("newsletter", "ana@example.com");
        assertThat(next.allowed()).isFalse();
        assertThat(next.reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(next.headers()).isNull();
        assertThat(checkOne("promotions", "ana@example.com").allowed()).as("other topics still allowed").isTrue();
    }

    @Test
    void confirmingAllMarketingMailOnThePageBlocksEveryTopic() {
        String token = tokenFrom(checkOne("promotions", "budi@example.co.id"));
        assertThat(handler.handleRequest(Fixture.pagePost(token, "lang=en&action=unsubscribe-all"), null).getStatusCode()).isEqualTo(200);

        for (String topic : List.of("newsletter", "promotions", "product-updates")) {
            CheckResult r = checkOne(topic, "budi@example.co.id");
            assertThat(r.reason()).as(topic).isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
        }
    }

    @Test
    void aGetAloneChangesNothing() {
        String token = tokenFrom(checkOne("newsletter", "siti@example.com"));
        APIGatewayV2HTTPEvent get = Fixture.event("get.json");
        get.setPathParameters(Map.of("token", token));
        for (int i = 0; i < 3; i++) { // a scanner, a previewer, then the person
            assertThat(handler.handleRequest(get, null).getStatusCode()).isEqualTo(200);
        }
        EmailAddress siti = AddressParser.parseOrNull("siti@example.com");
        assertThat(wiring.store().read(siti).exists()).isFalse();
        assertThat(wiring.store().history(siti, 10)).isEmpty();
        assertThat(checkOne("newsletter", "siti@example.com").allowed()).isTrue();
    }
}
