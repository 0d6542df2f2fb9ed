package dev.optout.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A subcommand that works on a target: {@code --local}/{@code --stack}/{@code --region}/{@code --actor}
 * come with it. Implement {@link #call(Operator)}; answer an exit status or throw
 * {@link Refusal} (1) or {@link UsageError} (2).
 */
public abstract class OperatorCommand implements Callable<Integer> {
    @Mixin
    protected Target target;

    protected final OptoutCli.Context context;

    protected OperatorCommand(OptoutCli.Context context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        checkArguments();
        try (Operator operator = target.open(context)) {
            return call(operator);
        }
    }

    /** Validation that needs no AWS (so a usage error costs nothing). */
    protected void checkArguments() {
    }

    protected abstract int call(Operator operator);
}
