package dev.optout.cli;

import dev.optout.report.ComplianceDeadline;
import dev.optout.report.ComplianceReport;
import dev.optout.report.ComplianceReports;
import dev.optout.report.HolidayCalendars;
import dev.optout.report.ReportHtml;
import dev.optout.report.ReportJson;
import dev.optout.report.ReportText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The compliance report of a period ({@code dev.optout.report}): opt-outs by source and day,
 * bounces and complaints by campaign with the guard's rates, every message sent while suppressed,
 * and the compliance clock against Gmail's, Yahoo's, UU PDP's and CAN-SPAM's deadlines. Text by
 * default, {@code --json}, or {@code --html FILE}. The table is streamed by a parallel Scan (it
 * reads, and is billed for, every item); progress goes to standard error.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"The compliance report of a period: opt-outs, bounces, complaints, mail sent while suppressed, the clock.",
                "Opt-outs by source and day; bounces and complaints by campaign with the guard's rates; every message sent "
                        + "while suppressed; the longest opt-out-to-send delay against each rule's deadline (Gmail, Yahoo, UU PDP, "
                        + "CAN-SPAM, Spam Act, CASL, GDPR, PECR), each with its source. Scans the whole table (DynamoDB bills every item read): run it for reports, not in a loop."},
        footer = {"", "Rates are held against the campaign guard's thresholds: a stack's parameters (--stack), else the defaults.",
                "Exit status: 0 report written, 1 the table could not be read or FILE written, 2 usage error."})
public final class ReportCommand extends OperatorCommand {
    static final String DEFAULT_SINCE = "30d";
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([wdh])");
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = DEFAULT_SINCE,
            description = "How far back: 7d, 24h, 2w, ISO-8601 (P30D, PT12H), or a start date (2026-11-01[T08:00:00Z]). Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--json", description = "Machine-readable JSON (times ISO-8601, durations in seconds, rates as fractions).")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write one self-contained HTML page with charts to FILE (and say where; with --json, the JSON still goes to standard output).")
    Path html;

    @Option(names = "--laws", paramLabel = "LIST",
            description = "The rules the compliance clock judges, comma-separated: GMAIL, YAHOO, UU_PDP, CAN_SPAM, AU_SPAM_ACT, "
                    + "CASL, GDPR, UK_PECR, or all (default: all, each judged).")
    String laws;

    @Option(names = "--holidays", paramLabel = "DIR",
            description = "A directory of public-holiday files (US.txt, AU.txt, CA.txt ...: one YYYY-MM-DD a line) whose dates are "
                    + "added to the calendars in the repository, for rules counted in business days.")
    Path holidays;

    @Option(names = "--segments", paramLabel = "N", defaultValue = "4", description = "Parallel scan segments, 1..64 (default: ${DEFAULT-VALUE}).")
    int segments;

    public ReportCommand(OptoutCli.Context context) {
        super(context);
    }

    @Override
    protected void checkArguments() {
        if (segments < 1 || segments > 64) {
            throw new UsageError("--segments is between 1 and 64");
        }
        start(since, Instant.now()); // a usage error (exit 2) before anything is read
        rules();
    }

    /** The compliance clock's rules from --laws and --holidays; a usage error naming what is wrong. */
    ComplianceReports.Rules rules() {
        try {
            HolidayCalendars calendars = holidays == null ? HolidayCalendars.bundled() : HolidayCalendars.bundled().withDirectory(holidays);
            return new ComplianceReports.Rules(ComplianceDeadline.parse(laws), calendars);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new UsageError((holidays != null && !(e.getMessage() != null && e.getMessage().startsWith("unknown rule"))
                    ? "--holidays: " : "--laws: ") + e.getMessage());
        }
    }

    /**
     * The start of the period {@code text} names, counted back from {@code now}; a usage error
     * naming the accepted forms when it names none, or a start in the future.
     */
    static Instant start(String text, Instant now) {
        String t = text == null ? "" : text.strip();
        Instant at = null;
        Matcher m = SHORT.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            at = now.minus(switch (m.group(2)) {
                case "w" -> Duration.ofDays(7 * n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofHours(n);
            });
        } else if (t.toUpperCase(java.util.Locale.ROOT).startsWith("P")) {
            try {
                Duration d = Duration.parse(t);
                at = d.isNegative() ? null : now.minus(d);
            } catch (DateTimeException | ArithmeticException e) { // unparseable, or reaching back beyond Instant's range
                at = null;
            }
        } else if (t.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
            at = Times.parse(t);
        }
        if (at == null) {
            throw new UsageError("--since takes a duration back from now: 7d, 24h, 2w, or ISO-8601 such as P30D or PT12H; "
                    + "or a start date such as 2026-11-01 or 2026-11-01T08:00:00Z (got '" + text + "')");
        }
        if (at.isAfter(now)) {
            throw new UsageError("--since " + text + " is in the future: give a period that has begun");
        }
        return at;
    }

    @Override
    protected int call(Operator operator) {
        Instant began = Instant.now();
        Instant periodStart = start(since, began.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        context.err().println("optout: scanning " + operator.description() + " for the report since " + periodStart
                + " (" + segments + " segments; a Scan reads every item) ...");
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "optout-report-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> context.err().println("optout: still scanning ("
                        + Duration.between(began, Instant.now()).toSeconds() + " s)"),
                PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ComplianceReport report;
        try {
            report = ComplianceReports.build(operator.dynamo(), operator.tableName(), periodStart, operator.clock(),
                    operator.guard().thresholds(), segments, rules());
        } finally {
            ticker.shutdownNow();
        }
        context.err().println("optout: " + report.itemsScanned() + " items scanned in "
                + Duration.between(began, Instant.now()).toMillis() + " ms; campaign thresholds from " + operator.guard().origin());
        if (html != null) {
            Path file = html.toAbsolutePath();
            try {
                Files.writeString(file, ReportHtml.render(report), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new Refusal("cannot write " + file + ": " + e.getMessage() + "; give another --html FILE");
            }
            (json ? context.err() : context.out()).println("wrote the report to " + file + " (one self-contained page: open it in a browser)");
        }
        if (json) {
            context.out().println(ReportJson.render(report));
        } else if (html == null) {
            context.out().print(ReportText.render(report));
        }
        return OptoutCli.OK;
    }
}
