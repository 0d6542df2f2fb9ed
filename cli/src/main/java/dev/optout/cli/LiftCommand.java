package dev.optout.cli;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.Mark;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StaleStateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Lifts the suppression of an address: a hard or soft bounce ({@code LIFT_BOUNCE}), an
 * unsubscribe from all mail or a complaint ({@code RESUBSCRIBE_ALL} on the person's behalf).
 *
 * <p>Protected: a complaint, and an unsubscribe the person made (any source but OPERATOR: their
 * own click, page, app, SES subscription management, or an imported list of theirs), are lifted
 * only with {@code --consent} naming the evidence of new consent, which is recorded. Without it
 * the command refuses (exit 1) before writing anything.
 */
@Command(name = "lift", mixinStandardHelpOptions = true,
        description = {"Lift a hard or soft bounce suppression, an unsubscribe from all mail, or a complaint.",
                "A complaint, and an unsubscribe the person made, need --consent naming the evidence of new consent."})
public final class LiftCommand extends OperatorCommand {
    @Parameters(paramLabel = "ADDRESS")
    String raw;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (recorded), e.g. the support ticket.")
    String reason;

    @Option(names = "--consent", paramLabel = "TEXT",
            description = "Evidence of the person's new consent (recorded), e.g. 'signed up again on 2026-12-01, form ref 8812'.")
    String consent;

    public LiftCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        Operator.address(raw);
        if (reason.isBlank()) {
            throw new UsageError("--reason must say why (it is recorded in the address history)");
        }
        if (consent != null && consent.isBlank()) {
            throw new UsageError("--consent must name the evidence of new consent");
        }
    }

    @Override
    protected int call(Operator operator) {
        EmailAddress address = Operator.address(raw);
        AddressState state = operator.store().read(address);
        boolean bounce = state.hardBounce() != null || state.softBounce() != null || !state.softBounceTimes().isEmpty();
        boolean optOut = state.unsubscribedAll() != null || state.complaint() != null || state.operatorHold() != null;
        if (!bounce && !optOut) {
            context.out().println(address.value() + " has no bounce, unsubscribe or complaint to lift: nothing changed."
                    + (state.topicOptOuts().isEmpty() ? "" : "\n  (topic opt-outs " + state.topicOptOuts().keySet()
                    + " are the person's own choices: they change them in the preference center)"));
            return OptoutCli.OK;
        }
        List<String> protectedMarks = new ArrayList<>();
        if (state.complaint() != null) {
            protectedMarks.add("a complaint (" + Marks.describe(state.complaint()) + ")");
        }
        if (state.unsubscribedAll() != null && state.unsubscribedAll().source() != Source.OPERATOR) {
            protectedMarks.add("an unsubscribe the person made (" + Marks.describe(state.unsubscribedAll()) + ")");
        }
        if (!protectedMarks.isEmpty() && consent == null) {
            throw new Refusal("refused: " + address.value() + " has " + String.join(" and ", protectedMarks)
                    + ". It is lifted only with evidence of the person's new consent: add --consent 'what and where, e.g. "
                    + "signed up again on the web form on 2026-12-01, ref 8812'. Nothing was changed.");
        }
        Provenance p = Provenance.byOperator(Source.OPERATOR, operator.clock().instant(), operator.actor(), reason.strip());
        if (consent != null) {
            p = p.withEvidence(Map.of("consent", consent.strip(), dev.optout.optin.OptInEvidence.CHANNEL,
                    dev.optout.optin.OptInEvidence.CLI));
        }
        List<String> lifted = new ArrayList<>();
        List<Change> changes = new ArrayList<>(2);
        if (bounce) {
            changes.add(Change.of(Action.LIFT_BOUNCE, p));
            lifted.add(state.hardBounce() != null ? "hard bounce" : "soft bounces");
        }
        if (optOut) {
            changes.add(Change.resubscribeAll(p));
        }
        try {
            // conditioned on the state read above: a one-click that lands meanwhile is not lifted unseen
            operator.store().applyAll(address, changes, null, state.version());
        } catch (StaleStateException e) {
            throw new Refusal("refused: " + address.value() + " changed while lift ran (someone acted on it just now). "
                    + "Nothing was changed: run lookup, then lift again.");
        }
        if (optOut) {
            lifted.add(state.complaint() != null ? "complaint" : "unsubscribe");
            if (state.complaint() != null && state.unsubscribedAll() != null) {
                lifted.add("unsubscribe");
            }
        }
        Mark stillTopic = state.topicOptOuts().values().stream().findFirst().orElse(null);
        context.out().println("lifted " + String.join(", ", lifted) + " for " + address.value()
                + " (recorded: OPERATOR, actor " + operator.actor() + (consent == null ? "" : ", with the consent evidence") + ")");
        if (stillTopic != null) {
            context.out().println("  topic opt-outs stay: " + state.topicOptOuts().keySet());
        }
        context.out().println("  check it: ./optout lookup " + address.value());
        return OptoutCli.OK;
    }
}
