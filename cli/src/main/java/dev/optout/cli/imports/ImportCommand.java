package dev.optout.cli.imports;

import dev.optout.cli.Operator;
import dev.optout.cli.OperatorCommand;
import dev.optout.cli.OptoutCli;
import dev.optout.cli.ReasonNames;
import dev.optout.cli.UsageError;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./optout import FILE...}: brings suppression lists in (see {@link Format}), each row as
 * the matching mark with its own time and provenance (source IMPORT, actor, reason, format,
 * file, row, line). Exit 1 when any row was invalid (reported with its place and skipped; the rest is
 * imported).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Bring suppression lists in: ses, postmark, sendgrid, mailgun, mailchimp, csv (told from the file's structure).",
                "Each row becomes a hard bounce, complaint, or an opt-out of all mail or one topic, with its own time.",
                "Re-running changes nothing; an interrupted import resumes where it stopped when run again."},
        footer = {"", "Formats:",
                "  ses        aws sesv2 list-suppressed-destinations output (SuppressedDestinationSummaries)",
                "  postmark   suppressions dump (Suppressions: HardBounce, SpamComplaint, ManualSuppression)",
                "  sendgrid   JSON array from the suppression API (bounces, spam_reports, unsubscribes): needs --reason",
                "  mailgun    JSON page of the bounces/unsubscribes/complaints API (items): needs --reason",
                "  mailchimp  audience export CSV (unsubscribed: UNSUB_TIME; cleaned: CLEAN_TIME)",
                "  csv        header row with email and optional reason (as --reason), topic, at"})
public final class ImportCommand extends OperatorCommand {
    private static final int LISTED = 20;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Suppression list files.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "F", description = "ses, postmark, sendgrid, mailgun, mailchimp or csv (default: told from the file).")
    Format format;

    @Option(names = "--reason", paramLabel = "R",
            description = "What the list is, where the file does not say: " + ReasonNames.ACCEPTED + " (needed for sendgrid and mailgun; the default reason of csv rows).")
    String reason;

    @Option(names = "--note", paramLabel = "TEXT", description = "Recorded as the reason of each change (default: imported from FILE (FORMAT)).")
    String note;

    @Option(names = "--dry-run", description = "Show what would change (new, already suppressed, conflicting, invalid, with their lines or rows); write nothing.")
    boolean dryRun;

    @Option(names = "--parallelism", defaultValue = "8", description = "Writes in flight (default: ${DEFAULT-VALUE}).")
    int parallelism;

    private final Map<Path, Format> formats = new LinkedHashMap<>();
    private ListKind listKind;

    public ImportCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        if (reason != null) {
            listKind = ListKind.parse(reason);
            if (listKind == null) {
                throw new UsageError("--reason is " + ReasonNames.ACCEPTED + " (got '" + reason + "')");
            }
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new UsageError("--parallelism is between 1 and 64");
        }
        for (Path f : files) {
            if (!Files.isReadable(f) || Files.isDirectory(f)) {
                throw new UsageError("cannot read " + f + ": give the path of a suppression list file");
            }
            Format fmt = format != null ? format : Format.detect(head(f));
            if (fmt == null) {
                throw new UsageError("cannot tell the format of " + f + " from its structure: give --format "
                        + "ses|postmark|sendgrid|mailgun|mailchimp|csv");
            }
            if (fmt.needsListKind() && listKind == null) {
                throw new UsageError(f + " is a " + fmt + " list, which does not say what it lists: add --reason "
                        + "bounce|complaint|unsubscribe (e.g. --reason bounce for the bounces list)");
            }
            formats.put(f, fmt);
        }
    }

    @Override
    protected int call(Operator operator) {
        PrintWriter out = context.out();
        int invalid = 0;
        ExecutorService writers = Executors.newFixedThreadPool(parallelism);
        try (var reader = operator.reader(4)) {
            Importer importer = new Importer(operator, reader, writers, context.stateDir().resolve("imports"));
            for (Map.Entry<Path, Format> e : formats.entrySet()) {
                Path file = e.getKey();
                Importer.Outcome o;
                try {
                    o = importer.run(file, e.getValue(), listKind, note, dryRun,
                            size -> new Progress(context.err(), size, size >= 256 * 1024));
                } catch (IOException ex) {
                    throw new dev.optout.cli.Refusal("cannot read " + file + " as " + e.getValue() + ": " + ex.getMessage()
                            + "\n  Nothing from this file was imported; check the file or give --format.");
                }
                invalid += o.count(Importer.INVALID);
                report(out, file, e.getValue(), o);
            }
        } finally {
            writers.shutdownNow();
        }
        if (dryRun) {
            out.println("dry run: nothing was written. Run the same command without --dry-run to import.");
        }
        if (invalid > 0) {
            context.err().println("optout: " + invalid + " invalid row(s) " + (dryRun ? "would be" : "were")
                    + " skipped (listed above with their places). Fix them and import the file again: the rows already in "
                    + "are not changed by a re-run.");
            return OptoutCli.REFUSED;
        }
        return OptoutCli.OK;
    }

    private void report(PrintWriter out, Path file, Format fmt, Importer.Outcome o) {
        out.println((dryRun ? "dry run of " : "imported ") + file + " (" + fmt + ")"
                + (o.resumed ? ", resumed after row " + o.resumedAfter : "") + ": "
                + o.count(Importer.NEW) + (dryRun ? " would be new" : " new") + ", "
                + o.count(Importer.ALREADY) + " already suppressed, "
                + o.count(Importer.CONFLICTING) + " conflicting, "
                + o.count(Importer.INVALID) + " invalid");
        for (Map.Entry<String, List<String>> c : o.lines.entrySet()) {
            boolean list = dryRun || c.getKey().equals(Importer.INVALID) || c.getKey().equals(Importer.CONFLICTING);
            if (!list || c.getValue().isEmpty()) {
                continue;
            }
            out.println("  " + c.getKey() + ":");
            List<String> lines = c.getValue();
            boolean all = c.getKey().equals(Importer.INVALID);
            int shown = all ? lines.size() : Math.min(LISTED, lines.size());
            for (int i = 0; i < shown; i++) {
                out.println("    " + lines.get(i));
            }
            if (shown < lines.size()) {
                out.println("    ... and " + (lines.size() - shown) + " more");
            }
        }
    }

    private static String head(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            char[] buf = new char[64 * 1024];
            int n = r.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n);
        } catch (IOException e) {
            throw new UsageError("cannot read " + file + ": " + e.getMessage());
        }
    }
}
