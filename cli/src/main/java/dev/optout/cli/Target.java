package dev.optout.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which optout a command works on: {@code --local} or {@code --stack NAME [--region R]}, and who
 * is acting ({@code --actor}, else the caller's identity from STS). With neither target, the local
 * instance is used when {@code .optout/local.json} exists (a running {@code ./optout local}) and
 * the command says so; otherwise it is a usage error: a deployed stack is never guessed.
 */
public final class Target {
    @Option(names = "--local", description = "Work on the running ./optout local (reads .optout/local.json).")
    boolean local;

    @Option(names = "--stack", paramLabel = "NAME", description = "Work on a deployed stack: table and secrets from its outputs, credentials from the default AWS chain.")
    String stack;

    @Option(names = "--region", paramLabel = "R", description = "The stack's region (default: the AWS chain's, e.g. AWS_REGION).")
    String region;

    @Option(names = "--actor", paramLabel = "WHO", description = "Who is acting, recorded with every change (default: your AWS identity from STS).")
    String actor;

    @Option(names = "--endpoint-url", paramLabel = "URL", hidden = true,
            description = "AWS endpoint for --stack (a LocalStack or moto holding the stack).")
    String endpointUrl;

    /** Opens the target; the caller closes it. */
    public Operator open(OptoutCli.Context context) {
        if (local && stack != null) {
            throw new UsageError("give --local or --stack NAME, not both");
        }
        if (stack != null) {
            return Operator.forStack(stack, region, endpointUrl, actor, context);
        }
        Path localJson = context.stateDir().resolve("local.json");
        if (!local) {
            if (!Files.exists(localJson)) {
                throw new UsageError("say which optout: --local (start ./optout local first) or --stack NAME [--region R]");
            }
            context.err().println("optout: using the local instance (" + localJson + "); say --stack NAME for a deployed one");
        }
        return Operator.forLocal(localJson(context.stateDir()), context.stateDir().resolve("keys.json"), actor, context);
    }

    /**
     * What the running {@code ./optout local} wrote to {@code local.json} in {@code stateDir}: its
     * endpoint, region, identity, table and queues. Refused, saying what to do, when there is none
     * or it cannot be read.
     */
    static JsonNode localJson(Path stateDir) {
        Path localJson = stateDir.resolve("local.json");
        if (!Files.exists(localJson)) {
            throw new Refusal("no local instance: " + localJson + " does not exist. Start one with ./optout local "
                    + "(in another terminal), then run this again.");
        }
        try {
            return Json.MAPPER.readTree(localJson.toFile());
        } catch (IOException e) {
            throw new Refusal("cannot read " + localJson + " (" + e.getMessage() + "); restart ./optout local to rewrite it");
        }
    }
}
