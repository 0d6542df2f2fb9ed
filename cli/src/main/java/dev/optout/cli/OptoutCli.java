package dev.optout.cli;

import dev.optout.cli.imports.ImportCommand;
import dev.optout.suppression.StoreUnavailableException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./optout lookup|suppress|lift|forget|import|export|report|campaign|smoke}: operating the suppression
 * table with shared's rules (canonical addresses, keys, the store's writes, the check's policy), the
 * compliance report and the campaign guard.
 *
 * <p>Exit status: 0 done, 1 refused or some row failed (nothing is half-done: the message says
 * what was and was not changed), 2 usage error. Adding a subcommand: a class annotated
 * {@code @Command} that extends {@link OperatorCommand} (or implements {@code Callable<Integer>}),
 * listed in {@code subcommands} below.
 */
@Command(name = "optout", mixinStandardHelpOptions = true, versionProvider = OptoutCli.Version.class,
        description = "Operate optout's suppression table: look people up, suppress, lift, forget, import and export; "
                + "report what the table proves (the compliance clock) and resume campaigns the guard paused; "
                + "record the stops that expired by policy; "
                + "smoke-test a deployed stack end to end.",
        subcommands = {LookupCommand.class, SuppressCommand.class, LiftCommand.class, ForgetCommand.class,
                ImportCommand.class, ExportCommand.class, ReportCommand.class, CampaignCommand.class, SmokeCommand.class,
                EventsCommand.class, ExpireCommand.class},
        footer = {"", "Target: --local (.optout/local.json, written by a running ./optout local) or --stack NAME [--region R].",
                "Exit status: 0 done, 1 refused or a row failed, 2 usage error.",
                "Run ./optout COMMAND --help for each command."})
public final class OptoutCli implements Runnable {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;

    private final Context context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    OptoutCli(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
    }

    /**
     * Where the command runs: its output streams, the directory with {@code local.json} and
     * import checkpoints, the environment (TOPIC_CATALOG, AWS_*), and SDK interceptors for the
     * DynamoDB client (none in use; tests inject faults with them).
     */
    public record Context(PrintWriter out, PrintWriter err, Path stateDir, Map<String, String> env,
                          java.util.List<software.amazon.awssdk.core.interceptor.ExecutionInterceptor> interceptors) {
        public Context(PrintWriter out, PrintWriter err, Path stateDir, Map<String, String> env) {
            this(out, err, stateDir, env, java.util.List.of());
        }

        public static Context system() {
            String home = System.getenv().getOrDefault("OPTOUT_HOME", System.getProperty("user.dir"));
            return new Context(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                    Path.of(home).resolve(".optout"), System.getenv());
        }
    }

    public static void main(String[] args) {
        System.exit(run(Context.system(), args));
    }

    /** Runs one command line; answers its exit status. */
    public static int run(Context context, String... args) {
        CommandLine cli = new CommandLine(new OptoutCli(context), new Factory(context));
        cli.setOut(context.out()).setErr(context.err());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof Refusal r) {
                commandLine.getErr().println("optout: " + r.getMessage());
                return REFUSED;
            }
            if (e instanceof UsageError u) {
                commandLine.getErr().println("optout: " + u.getMessage());
                return USAGE;
            }
            if (e instanceof StoreUnavailableException s) {
                commandLine.getErr().println("optout: the suppression table could not be reached: " + s.getMessage()
                        + "\n  Nothing more was changed; run the same command again once it is reachable.");
                return REFUSED;
            }
            throw e;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            CommandLine c = e.getCommandLine();
            String unknown = UnknownCommand.message(e);
            c.getErr().println("optout: " + (unknown != null ? unknown : e.getMessage()));
            c.getErr().println("  See ./" + c.getCommandSpec().qualifiedName(" ") + " --help");
            return USAGE;
        });
        int code = cli.execute(args);
        context.out().flush();
        context.err().flush();
        return code;
    }

    /** Gives each command the context (constructor injection, no statics). */
    private record Factory(Context context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Context.class).newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OptoutCli.class.getPackage().getImplementationVersion();
            return new String[] {"optout " + (v == null ? "(development build)" : v)};
        }
    }
}
