package dev.optout.function.feedback;

import dev.optout.config.Settings;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.testsupport.PrimingCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SnapStart priming, run through the hooks the handler registers (as Lambda runs them), goes
 * through the real request path against the table and leaves the table as it was.
 */
@ExtendWith(LocalAwsExtension.class)
class SesFeedbackPrimingIT {
    @Test
    void primingProcessesASampleBounceInADryRunAndWritesNothing(LocalAws aws) {
        PrimingCheck.primingWritesNothing(aws, "SesFeedbackFunction", Map.of(Settings.SES_EVENTS_TOPIC_ARN, "arn:aws:sns:us-east-1:123456789012:optout-ses-feedback"), SesFeedbackHandler::new);
    }
}
