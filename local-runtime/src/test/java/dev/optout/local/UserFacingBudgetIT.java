package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.Faults;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.SuppressionStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths a person waits on, with DynamoDB fully throttled (the local endpoint's fault switch),
 * each handler built from the template's environment as in Lambda: a one-click and a preference
 * opt-out are queued and answered as done (200, 202), a page that must read the table answers a
 * clear 503 (nothing changed); once the table is back, every queued opt-out is in it. How fast
 * they answer is measured by {@code scripts/bench oneclick-throttle}, not here.
 */
@ExtendWith(LocalAwsExtension.class)
class UserFacingBudgetIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;
    private LocalAws aws;

    @AfterEach
    void recover() {
        if (aws != null) {
            aws.faults().dynamoDb(Faults.Mode.NONE);
        }
    }

    @Test
    void underAFullThrottleOptOutsAreQueuedAndAnsweredAsDoneAndPagesSayNothingChanged(LocalAws aws) throws Exception {
        this.aws = aws;
        String run = UUID.randomUUID().toString().substring(0, 6);
        try (InProcessStack stack = new InProcessStack(aws, state, "budget-" + run, 2, 4, line -> { })) {
            SuppressionStore store = stack.unsubscribeWiring.store();
            EmailAddress warm = address("warm", run);
            EmailAddress oneClick = address("oneclick", run);
            EmailAddress saved = address("saved", run);
            EmailAddress looked = address("looked", run);
            assertThat(send(post(stack.unsubscribeHttp.baseUri() + "/u/" + seal(stack, warm, "newsletter"))).statusCode())
                    .as("a one-click while the table works").isEqualTo(200);

            aws.faults().dynamoDb(Faults.Mode.THROTTLE);
            HttpResponse<String> click = send(post(stack.unsubscribeHttp.baseUri() + "/u/" + seal(stack, oneClick, "newsletter")));
            HttpResponse<String> save = send(HttpRequest.newBuilder(URI.create(stack.preferencesHttp.baseUri() + "/p/"
                    + seal(stack, saved, "newsletter"))).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"topics\":{\"promotions\":false}}")));
            HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(stack.unsubscribeHttp.baseUri() + "/u/"
                    + seal(stack, looked, "newsletter"))).GET());
            aws.faults().dynamoDb(Faults.Mode.NONE);
            stack.awaitEmpty(Duration.ofSeconds(120), "PendingChangesQueue");

            assertThat(click.statusCode()).as("the one-click under a full throttle").isEqualTo(200);
            assertThat(click.body()).isEqualTo("Unsubscribed.\n");
            assertThat(save.statusCode()).as("the preference API's opt-out under a full throttle").isEqualTo(202);
            assertThat(save.body()).contains("\"pending\":true");
            assertThat(page.statusCode()).as("a page that could not read the table").isEqualTo(503);

            assertThat(store.read(oneClick).topicOptOuts()).containsKey("newsletter");
            assertThat(store.history(oneClick, 10)).map(HistoryEvent::evidence).anyMatch(e -> e.containsKey("pendingChangeId"));
            assertThat(store.read(saved).topicOptOuts()).containsKey("promotions");
            assertThat(store.read(looked).exists()).as("the page's address, untouched").isFalse();
        }
    }

    private static EmailAddress address(String who, String run) {
        return AddressParser.parseOrNull(who + "-" + run + "@example.com");
    }

    private static String seal(InProcessStack stack, EmailAddress a, String topic) {
        return stack.unsubscribeWiring.tokenSealer().seal(a, topic, "budget");
    }

    private static HttpRequest.Builder post(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
