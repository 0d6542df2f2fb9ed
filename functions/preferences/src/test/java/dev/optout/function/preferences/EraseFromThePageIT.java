package dev.optout.function.preferences;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.SampleLinks;
import dev.optout.localaws.Template;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.testsupport.FunctionRole;
import dev.optout.wiring.Wiring;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/**
 * "Erase me" erases as {@code ./optout forget} does (one {@code AddressErasure}): PreferencesFunction
 * built from its environment and run with its role from template.yaml, against moto with the
 * template's queues deployed: the table, the SES account suppression list when the stack mirrors to
 * it, and the page names when the last copy in a queue is gone.
 */
@ExtendWith(LocalAwsExtension.class)
class EraseFromThePageIT {
    private Wiring admin;
    private PreferencesHandler handler;
    private SesV2Client ses;

    private void deploy(LocalAws aws, boolean mirroring) {
        LocalDeployment stack = LocalDeployment.deploy(aws, Template.load(), "erase-" + System.nanoTime(),
                Map.of("SesSuppressionMirroring", Boolean.toString(mirroring)), Map.of(), line -> { });
        Map<String, String> env = new HashMap<>(SampleLinks.functionEnvironment(aws));
        env.put(Settings.SES_SUPPRESSION_MIRRORING, Boolean.toString(mirroring));
        env.put(Settings.ERASURE_QUEUE_URLS, "PendingChangesQueue=" + stack.ref("PendingChangesQueue")
                + ",PendingChangesDeadLetterQueue=" + stack.ref("PendingChangesDeadLetterQueue")
                + ",SesEventsQueue=" + stack.ref("SesEventsQueue") + ",SesEventsDeadLetterQueue=" + stack.ref("SesEventsDeadLetterQueue") + ",");
        admin = new Wiring(Settings.of(env));
        handler = new PreferencesHandler(new Wiring(Settings.of(FunctionRole.environment(aws, "PreferencesFunction", env))));
        ses = aws.client(SesV2Client.builder());
    }

    @AfterEach
    void onlyWhatItsRoleAllows() {
        FunctionRole.assertObservedCallsAllowed("PreferencesFunction");
    }

    private EmailAddress bounced(String address) {
        EmailAddress a = AddressParser.parseOrNull(address);
        admin.store().apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, Instant.now().minusSeconds(60))));
        ses.putSuppressedDestination(r -> r.emailAddress(address).reason(SuppressionListReason.BOUNCE));
        return a;
    }

    private APIGatewayV2HTTPResponse eraseFromThePage(EmailAddress a) {
        String token = admin.tokenSealer().seal(a, null, "c");
        APIGatewayV2HTTPEvent e = Fixture.onToken(Fixture.event("post-form.json"), token);
        e.setBody("lang=en&action=" + PreferencesPages.ERASE_CONFIRMED + "&form-token=" + Fixture.FORM_TOKENS.form(token));
        return handler.handleRequest(e, null);
    }

    @Test
    void withMirroringTheAddressLeavesTheTableAndTheSesListAndThePageSaysWhenTheQueuesForgetIt(LocalAws aws) {
        deploy(aws, true);
        EmailAddress gone = bounced("gone.page@example.com");
        bounced("other.page@example.com");
        Instant before = Instant.now();

        APIGatewayV2HTTPResponse r = eraseFromThePage(gone);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("Your address is erased", "It is also off our email provider's suppression list.",
                "Copies that may still wait in our processing queues are deleted automatically by");
        // the queues' real retention (14 days) from now
        String by = r.getBody().replaceAll("(?s).*deleted automatically by <time datetime=\"([^\"]+)\".*", "$1");
        assertThat(Instant.parse(by)).isBetween(before.plus(Duration.ofDays(14)).minusSeconds(1), Instant.now().plus(Duration.ofDays(14)));
        assertThat(admin.store().read(gone).forgotten()).isNotNull();
        assertThat(aws.sesSuppressionListHolds("gone.page@example.com")).isFalse();
        assertThat(aws.sesSuppressionListHolds("other.page@example.com")).as("only this address").isTrue();
        assertThat(admin.store().read(gone).unsubscribedAll()).as("and never mailed again").isNotNull();

        // recorded for the report (ComplianceReportIT reads such records), naming no one
        assertThat(dataRequests()).singleElement().satisfies(item -> {
            assertThat(item.get("request").s()).isEqualTo("ERASURE");
            assertThat(item.get("src").s()).isEqualTo("PREFERENCE_CENTER");
            assertThat(Instant.parse(item.get("requestedAt").s())).isBetween(before, Instant.parse(item.get("at").s()));
            assertThat(item.toString()).doesNotContain("gone.page", admin.addressKeys().keyOf(gone));
        });
    }

    private java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> dataRequests() {
        return admin.dynamoDb().scan(q -> q.tableName(admin.tableName())).items().stream()
                .filter(i -> i.get("pk").s().startsWith("DR#")).toList();
    }

    @Test
    void aDownloadIsCountedAsADataRequest(LocalAws aws) {
        deploy(aws, false);
        EmailAddress ana = bounced("ana.download@example.com");
        Instant before = Instant.now();
        String token = admin.tokenSealer().seal(ana, null, "c");
        APIGatewayV2HTTPEvent e = Fixture.onToken(Fixture.event("post-form.json"), token);
        e.setBody("lang=en&action=" + PreferencesPages.DOWNLOAD + "&form-token=" + Fixture.FORM_TOKENS.form(token));

        APIGatewayV2HTTPResponse r = handler.handleRequest(e, null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("ana.download@example.com");
        assertThat(dataRequests()).singleElement().satisfies(item -> {
            assertThat(item.get("request").s()).isEqualTo("ACCESS");
            assertThat(Instant.parse(item.get("requestedAt").s())).isAfterOrEqualTo(before);
            assertThat(item.toString()).doesNotContain("ana.download");
        });
    }

    @Test
    void withoutMirroringTheSesListIsNotTouched(LocalAws aws) {
        deploy(aws, false);
        EmailAddress kept = bounced("kept.page@example.com");

        APIGatewayV2HTTPResponse r = eraseFromThePage(kept);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("Your address is erased").doesNotContain("suppression list");
        assertThat(admin.store().read(kept).forgotten()).isNotNull();
        assertThat(aws.sesSuppressionListHolds("kept.page@example.com")).isTrue();
    }
}
