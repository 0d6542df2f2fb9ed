package dev.optout.function.unsubscribe;

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
class UnsubscribePrimingIT {
    @Test
    void primingRendersLinkPagesAndMakesADryRunOneClickAndWritesNothing(LocalAws aws) {
        PrimingCheck.primingWritesNothing(aws, "UnsubscribeFunction", Map.of(), UnsubscribeHandler::new);
    }
}
