package dev.optout.function.record;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.optout.config.Settings;
import dev.optout.json.LightJson;
import dev.optout.observability.EventLog;
import dev.optout.observability.Metrics;
import dev.optout.record.ChangeRecorder;
import dev.optout.record.RecordRequest;
import dev.optout.snapstart.DryRun;
import dev.optout.snapstart.Priming;
import dev.optout.snapstart.SnapStartHooks;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RecordChangeFunction: other systems of the sender (a CRM, the SMS channel, a call center)
 * record the opt-outs and opt-ins people gave them, invoked like the pre-send check (Lambda
 * invoke with IAM, no public route). Up to 1,000 changes per call, one result each
 * ({@link ChangeRecorder}); a request that cannot be read at all is a function error
 * ({@link dev.optout.record.InvalidRecordRequestException}) and records nothing.
 */
public final class RecordChangeHandler implements RequestStreamHandler {
    private final ChangeRecorder recorder;
    private final EventLog log;
    /** Held so that org.crac, which references it weakly, keeps it (Lambda path only). */
    @SuppressWarnings("unused")
    private SnapStartHooks snapStartHooks;

    /** Called by Lambda: builds everything from the environment, once. */
    public RecordChangeHandler() {
        this(new Wiring(Settings.fromEnvironment()));
    }

    /** Needs TABLE_NAME, the address-hash key and the topic catalog. */
    public RecordChangeHandler(Wiring w) {
        this(new ChangeRecorder(w.withoutLinkKeys().store(), w.topics(), w.clock()), EventLog.stdout(Metrics.RECORD_CHANGE));
        this.snapStartHooks = w.snapStartHooks(this::prime);
    }

    public RecordChangeHandler(ChangeRecorder recorder, EventLog log) {
        this.recorder = recorder;
        this.log = log;
    }

    /**
     * SnapStart priming, writing nothing: an opt-out of the reserved {@link Priming#ADDRESS} goes
     * through the whole handler; the state and history are read, the transaction is built and
     * signed and stopped by the {@link DryRun}, so the change is answered FAILED.
     */
    private void prime() {
        String request = "{\"system\":\"snapstart-priming\",\"changes\":[{\"id\":\"priming\",\"address\":\""
                + Priming.ADDRESS.value() + "\",\"action\":\"OPT_OUT\",\"at\":\"2026-01-01T00:00:00Z\"}]}";
        List<ChangeRecorder.Result> results = DryRun.run(() -> recorder.record(RecordRequest.read(
                new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)))));
        Priming.expect(results.size() == 1 && results.get(0).status() == ChangeRecorder.Status.FAILED,
                "the primed change was not answered as stopped: " + results);
        LightJson.write(Map.of("results", List.of(results.get(0).toJson()), "summary", ChangeRecorder.summary(results)));
        EventLog.prime(Metrics.RECORD_CHANGE);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String requestId = context == null ? null : context.getAwsRequestId();
        RecordRequest request = RecordRequest.read(input);
        List<ChangeRecorder.Result> results = recorder.record(request);
        Map<String, Object> summary = ChangeRecorder.summary(results);
        Map<String, Object> fields = new LinkedHashMap<>(summary);
        fields.put("system", request.system());
        log.metrics(requestId, "changes-recorded", fields, Map.of("ChangesRecorded", results.size()), Map.of());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("results", results.stream().map(ChangeRecorder.Result::toJson).toList());
        answer.put("summary", summary);
        LightJson.write(answer, output);
    }
}
