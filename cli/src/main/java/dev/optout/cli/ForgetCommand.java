package dev.optout.cli;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Decision;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Erasure (GDPR Art. 17, Indonesia's UU PDP): the address in clear and every piece of evidence
 * that could name it leave the table; its keyed hash, marks and actions stay, so it stays
 * blocked (a suppression list is kept, never deleted, per the ICO's guidance). It sticks: the
 * store never writes the address back ({@code SuppressionStore#forget}).
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Erase an address (GDPR Art. 17): remove it in clear, and evidence that names it, from state and history.",
                "Its hash, marks and actions stay, so it stays blocked; no later change writes it back."})
public final class ForgetCommand extends OperatorCommand {
    @Parameters(paramLabel = "ADDRESS")
    String raw;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "erasure request",
            description = "Why (recorded; must not contain the address), default: ${DEFAULT-VALUE}.")
    String reason;

    public ForgetCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        AddressState before = operator.store().read(address);
        if (!before.exists()) {
            context.out().println(address.value() + " is not in the table: there is nothing to erase. Nothing changed.");
            return OptoutCli.OK;
        }
        int scrubbed = operator.store().forget(address,
                Provenance.byOperator(Source.OPERATOR, operator.clock().instant(), operator.actor(), reason.strip()));
        AddressState after = operator.store().read(address);
        context.out().println("forgot " + address.value() + ": removed from the state item and from " + scrubbed
                + " history item(s) that named it; its key " + after.key() + ", marks and actions stay.");
        // NOT_OPTED_IN (an opt-in topic nobody asked for) is no suppression of this address
        operator.catalog().all().stream().map(t -> SendPolicy.decide(after, t))
                .filter(d -> !d.allowed() && d.reason() != BlockReason.NOT_OPTED_IN)
                .map(Decision::reason).distinct().findFirst()
                .ifPresentOrElse(r -> context.out().println("  it stays blocked (" + r + ") and is never written in clear again."),
                        () -> context.out().println("  it had no suppression; it is never written in clear again."));
        return OptoutCli.OK;
    }
}
