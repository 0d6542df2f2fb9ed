package dev.optout.function.record;

import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.testsupport.PrimingCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SnapStart priming records one change through the whole handler in a dry run: the table stays as it was. */
@ExtendWith(LocalAwsExtension.class)
class RecordChangePrimingIT {
    @Test
    void primingRecordsAChangeInADryRunAndWritesNothing(LocalAws aws) {
        PrimingCheck.primingWritesNothing(aws, "RecordChangeFunction", Map.of(), RecordChangeHandler::new);
    }
}
