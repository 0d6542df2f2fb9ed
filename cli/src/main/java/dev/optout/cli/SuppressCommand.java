package dev.optout.cli;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.Change;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.topic.UnknownTopicException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** An operator opt-out: all marketing mail, or one topic; source OPERATOR, with actor and reason. */
@Command(name = "suppress", mixinStandardHelpOptions = true,
        description = "Opt an address out of all marketing mail, or of one topic (recorded as OPERATOR with who and why).")
public final class SuppressCommand extends OperatorCommand {
    @Parameters(paramLabel = "ADDRESS")
    String raw;

    @Option(names = "--topic", paramLabel = "T", description = "Only this topic (default: all marketing mail).")
    String topic;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded in the history), e.g. a ticket number.")
    String reason;

    public SuppressCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
        if (reason.isBlank()) {
            throw new UsageError("--reason must say why (it is recorded in the address history)");
        }
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        if (topic != null) {
            try {
                operator.catalog().require(topic);
            } catch (UnknownTopicException e) {
                throw new UsageError(e.getMessage());
            }
        }
        Provenance p = Provenance.byOperator(Source.OPERATOR, operator.clock().instant(), operator.actor(), reason.strip());
        operator.store().apply(address, topic == null ? Change.unsubscribeAll(p) : Change.unsubscribeTopic(topic, p));
        var state = operator.store().read(address);
        Mark m = topic == null ? state.operatorHold() : state.topicOptOuts().get(topic);
        String what = topic == null ? "all marketing mail" : "topic " + topic;
        context.out().println("suppressed " + address.value() + " from " + what + " (in effect since " + m.at() + ", " + m.source() + ")");
        context.out().println("  recorded: OPERATOR, actor " + operator.actor() + ", reason \"" + reason.strip() + "\"");
        context.out().println("  check it: ./optout lookup " + address.value());
        return OptoutCli.OK;
    }
}
