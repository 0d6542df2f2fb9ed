package dev.optout.cli;

import dev.optout.expiry.ExpirySweep;
import dev.optout.expiry.SesSuppressionListRemoval;
import dev.optout.json.Json;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Runs the expiry sweep once, as the daily {@code ExpirySweepFunction} does: records in the
 * history each stop that expired under the target's policy, and takes the address off the SES
 * account suppression list first when the target mirrors to it. Safe to repeat: nothing is
 * recorded twice.
 */
@Command(name = "expire", mixinStandardHelpOptions = true,
        description = {"Record the stops that expired by policy in the history now (what the daily expiry sweep does).",
                "Judged with the target's SoftBounceStopExpiryDays and HardBounceExpiryDays; safe to repeat."})
public final class ExpireCommand extends OperatorCommand {
    @Option(names = "--catch-up-days", paramLabel = "N", defaultValue = "3",
            description = "Days before the due ones to look at too (0 to 28, default: ${DEFAULT-VALUE}).")
    int catchUpDays;

    @Option(names = "--json", description = "Machine-readable JSON.")
    boolean json;

    public ExpireCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        if (catchUpDays < 0 || catchUpDays > ExpirySweep.MAX_CATCH_UP_DAYS) {
            throw new UsageError("--catch-up-days is between 0 and " + ExpirySweep.MAX_CATCH_UP_DAYS
                    + " (the idempotency records are kept 30 days)");
        }
    }

    @Override
    protected int call(Operator operator) {
        ExpirySweep.Result result;
        if (operator.copies().sesMirroring()) {
            try (SesV2Client ses = operator.sesV2()) {
                result = sweep(operator, new SesSuppressionListRemoval(ses));
            }
        } else {
            result = sweep(operator, null);
        }
        PrintWriter out = context.out();
        if (json) {
            Map<String, Object> tree = new LinkedHashMap<>();
            tree.put("days", result.days().stream().map(Object::toString).toList());
            Map<String, Integer> items = new LinkedHashMap<>();
            for (ExpirySweep.Outcome o : ExpirySweep.Outcome.values()) {
                items.put(o.name(), result.count(o));
            }
            tree.put("items", items);
            tree.put("failures", result.failures());
            out.println(Json.MAPPER.valueToTree(tree).toPrettyString());
        } else {
            out.println("expiry sweep over the days " + result.days() + " (soft-bounce stops: " + days(operator.expiry().softBounceStop())
                    + ", hard bounces: " + days(operator.expiry().hardBounce()) + ")");
            out.println("  recorded " + result.count(ExpirySweep.Outcome.RECORDED) + ", already recorded "
                    + result.count(ExpirySweep.Outcome.ALREADY_RECORDED) + ", still standing " + result.count(ExpirySweep.Outcome.STANDING)
                    + ", lifted since " + result.count(ExpirySweep.Outcome.GONE) + ", failed " + result.count(ExpirySweep.Outcome.FAILED));
            result.failures().forEach(f -> out.println("  failed: " + f + " (run this again; nothing was recorded for it)"));
        }
        return result.failures().isEmpty() ? OptoutCli.OK : OptoutCli.REFUSED;
    }

    private static String days(java.time.Duration d) {
        return d == null ? "never expire" : d.toDays() + " days";
    }

    private ExpirySweep.Result sweep(Operator operator, ExpirySweep.SesSuppressionList ses) {
        return new ExpirySweep(operator.store(), operator.expiry(), ses, operator.clock()).run(catchUpDays, () -> true);
    }
}
