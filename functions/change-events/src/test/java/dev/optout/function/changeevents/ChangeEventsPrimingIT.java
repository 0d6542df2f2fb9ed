package dev.optout.function.changeevents;

import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.testsupport.PrimingCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapStart priming goes from a stream event through the address read to a PutEvents the dry run stops; the table stays as it was. */
@ExtendWith(LocalAwsExtension.class)
class ChangeEventsPrimingIT {
    @Test
    void primingPublishesAHistoryRecordInADryRunAndWritesNothing(LocalAws aws) {
        PrimingCheck.primingWritesNothing(aws, "ChangeEventsFunction", Map.of(Settings.EVENT_BUS_NAME, "priming-bus"),
                ChangeEventsHandler::new);
    }
}
