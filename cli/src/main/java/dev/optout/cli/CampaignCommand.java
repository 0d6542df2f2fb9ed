package dev.optout.cli;

import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.CampaignStatus;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.SesTags;
import dev.optout.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./optout campaign status|resume ID}: the campaign guard ({@code dev.optout.campaign}) for
 * operators. The id is the campaign id a pipeline gives the check (the {@code optout-campaign}
 * SES tag), normalised by {@link SesTags#value} exactly as the check and the feedback function do.
 */
@Command(name = "campaign", mixinStandardHelpOptions = true,
        description = "The campaign guard: a campaign's counts, rates and pause (status), and letting a paused campaign send again (resume).",
        subcommands = {CampaignCommand.Status.class, CampaignCommand.Resume.class},
        footer = {"", "Run ./optout campaign status --help or ./optout campaign resume --help."})
public final class CampaignCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a campaign command: status or resume");
    }

    /** Counts, rates against the thresholds, paused or not, since when and why, and the log. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "A campaign's counts (sends, hard bounces, complaints), its rates against the guard's thresholds, "
                    + "whether it is paused, since when and why, and every pause and resume.",
            footer = {"", "Exit status: 0 shown (a campaign with nothing counted is shown as such), 1 the table could not be read, "
                    + "2 usage error."})
    public static final class Status extends OperatorCommand {
        @Parameters(paramLabel = "ID", description = "The campaign id, as given to the check (campaignId) or tagged optout-campaign.")
        String id;

        @Option(names = "--json", description = "Machine-readable JSON (times ISO-8601, rates as fractions).")
        boolean json;

        public Status(OptoutCli.Context context) {
            super(context);
        }

        @Override
        protected void checkArguments() {
            requireId(id);
        }

        @Override
        protected int call(Operator operator) {
            GuardThresholds t = operator.guard().thresholds();
            CampaignStatus s = guard(operator).status(id);
            if (json) {
                context.out().println(Json.MAPPER.valueToTree(tree(s, t, id)).toPrettyString());
                return OptoutCli.OK;
            }
            context.out().print(text(s, t, id, operator.guard().origin()));
            return OptoutCli.OK;
        }
    }

    /** The operator lets a paused campaign send again; reason and actor are recorded in its log. */
    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Let a paused campaign send again. The reason and who did it are recorded in the campaign's log; "
                    + "the counts so far become the baseline, so rates are judged afresh on what is sent from now on.",
            footer = {"", "Exit status: 0 resumed, 1 refused (the campaign is not paused: nothing changed) or the table could not be "
                    + "reached, 2 usage error."})
    public static final class Resume extends OperatorCommand {
        @Parameters(paramLabel = "ID", description = "The campaign id, as given to the check (campaignId) or tagged optout-campaign.")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why it may send again (recorded), e.g. 'list cleaned of 2019 sign-ups, ticket 5521'.")
        String reason;

        public Resume(OptoutCli.Context context) {
            super(context);
        }

        @Override
        protected void checkArguments() {
            requireId(id);
            if (reason.isBlank()) {
                throw new UsageError("--reason must say why the campaign may send again (it is recorded in the campaign's log)");
            }
        }

        @Override
        protected int call(Operator operator) {
            CampaignGuard.ResumeOutcome outcome = guard(operator).resume(id, reason, operator.actor());
            CampaignStatus s = outcome.status();
            if (!outcome.resumed()) {
                throw new Refusal("campaign " + named(s.campaign(), id) + " is not paused"
                        + (s.pausedAt() == null ? "" : " (last paused " + s.pausedAt() + ", since resumed)")
                        + ": nothing was changed. See ./optout campaign status " + shellWord(id));
            }
            CampaignStatus.Entry last = s.log().get(s.log().size() - 1);
            context.out().println("resumed campaign " + named(s.campaign(), id) + ": the check no longer answers CAMPAIGN_PAUSED for its recipients");
            context.out().println("  recorded: " + last.at() + ", actor " + last.actor() + ", reason \"" + last.reason() + "\"");
            context.out().println("  rates are judged afresh from now on (" + s.total().sends() + " sends so far are the baseline)");
            context.out().println("  check it: ./optout campaign status " + shellWord(id));
            return OptoutCli.OK;
        }
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new UsageError("name the campaign: its id as given to the check (campaignId), e.g. 2026-11-weekly");
        }
    }

    /** The id as one word for a POSIX shell, for the commands the messages suggest. */
    static String shellWord(String id) {
        return id.matches("[A-Za-z0-9_.,:@%+=/-]+") ? id : "'" + id.replace("'", "'\\''") + "'";
    }

    private static CampaignGuard guard(Operator operator) {
        return new CampaignGuard(operator.dynamo(), operator.tableName(), operator.guard().thresholds(), operator.clock());
    }

    /** The id as typed, and the tag value it is kept under when that differs. */
    private static String named(String tagValue, String id) {
        return tagValue.equals(id) ? tagValue : "'" + id + "' (kept as " + tagValue + ")";
    }

    static String text(CampaignStatus s, GuardThresholds t, String id, String thresholdsOrigin) {
        StringBuilder b = new StringBuilder();
        b.append("campaign ").append(named(s.campaign(), id)).append('\n');
        if (s.total().isZero() && s.log().isEmpty()) {
            b.append("  nothing counted for it: no SES event has named this campaign (check the id: it is the campaignId given to the check)\n");
        }
        if (s.paused()) {
            b.append("  PAUSED since ").append(s.pausedAt()).append(": ").append(why(s.pauseReason(), t));
            lastEntry(s, CampaignGuard.PAUSED).ifPresent(e -> b.append(String.format(Locale.ROOT,
                    "; at the pause %d complaints and %d hard bounces in %d sends", e.counts().complaints(), e.counts().bounces(),
                    e.counts().sends())));
            b.append('\n');
            b.append("  the check answers CAMPAIGN_PAUSED for its marketing recipients; to let it send: ./optout campaign resume ")
                    .append(shellWord(id)).append(" --reason TEXT\n");
        } else {
            b.append("  sending").append(lastResume(s).map(e -> " (resumed " + e.at() + " by " + e.actor() + ")").orElse("")).append('\n');
        }
        CampaignCounts j = s.judged();
        b.append(String.format(Locale.ROOT, "  judged since the last resume: %d sends, %d hard bounces (%s), %d complaints (%s)%n",
                j.sends(), j.bounces(), percent(j.sends(), j.bounceRate()), j.complaints(), percent(j.sends(), j.complaintRate())));
        b.append(String.format(Locale.ROOT, "  counted in all: %d sends, %d hard bounces, %d complaints%n",
                s.total().sends(), s.total().bounces(), s.total().complaints()));
        b.append(String.format(Locale.ROOT, "  thresholds (%s): complaints above %s after %d sends; hard bounces above %s after %d sends%n",
                thresholdsOrigin, percent(1, t.complaintRate()), t.complaintMinSends(), percent(1, t.bounceRate()), t.bounceMinSends()));
        if (!s.log().isEmpty()) {
            b.append("  log:\n");
            for (CampaignStatus.Entry e : s.log()) {
                b.append(String.format(Locale.ROOT, "    %s  %-7s  %s  by %s  (%d sends, %d bounces, %d complaints)%n", e.at(), e.action(),
                        e.reason(), e.actor(), e.counts().sends(), e.counts().bounces(), e.counts().complaints()));
            }
        }
        return b.toString();
    }

    static Map<String, Object> tree(CampaignStatus s, GuardThresholds t, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("campaign", s.campaign());
        m.put("id", id);
        m.put("known", !(s.total().isZero() && s.log().isEmpty()));
        m.put("paused", s.paused());
        m.put("pausedAt", s.paused() ? s.pausedAt().toString() : null);
        m.put("pauseReason", s.pauseReason());
        m.put("resumedAt", lastResume(s).map(e -> e.at().toString()).orElse(null));
        m.put("judged", counts(s.judged()));
        m.put("total", counts(s.total()));
        m.put("thresholds", Map.of("complaintRate", t.complaintRate(), "complaintMinSends", t.complaintMinSends(),
                "bounceRate", t.bounceRate(), "bounceMinSends", t.bounceMinSends()));
        m.put("log", s.log().stream().map(e -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("action", e.action());
            l.put("at", e.at().toString());
            l.put("reason", e.reason());
            l.put("actor", e.actor());
            l.put("counts", counts(e.counts()));
            return l;
        }).toList());
        return m;
    }

    private static Map<String, Object> counts(CampaignCounts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sends", c.sends());
        m.put("bounces", c.bounces());
        m.put("complaints", c.complaints());
        m.put("bounceRate", c.sends() == 0 ? null : c.bounceRate());
        m.put("complaintRate", c.sends() == 0 ? null : c.complaintRate());
        return m;
    }

    private static Optional<CampaignStatus.Entry> lastResume(CampaignStatus s) {
        return lastEntry(s, CampaignGuard.RESUMED);
    }

    private static Optional<CampaignStatus.Entry> lastEntry(CampaignStatus s, String action) {
        List<CampaignStatus.Entry> log = s.log();
        for (int i = log.size() - 1; i >= 0; i--) {
            if (action.equals(log.get(i).action())) {
                return Optional.of(log.get(i));
            }
        }
        return Optional.empty();
    }

    private static String why(String rule, GuardThresholds t) {
        if (CampaignGuard.COMPLAINT_RATE.equals(rule)) {
            return "complaint rate above " + percent(1, t.complaintRate()) + " after " + t.complaintMinSends() + " sends (" + rule + ")";
        }
        if (CampaignGuard.BOUNCE_RATE.equals(rule)) {
            return "hard-bounce rate above " + percent(1, t.bounceRate()) + " after " + t.bounceMinSends() + " sends (" + rule + ")";
        }
        if (CampaignGuard.SENDER_REJECTIONS.equals(rule)) {
            return "more than " + t.senderRejections() + " sender rejections (5.7.x) from one mailbox provider: check DKIM, SPF, "
                    + "DMARC and the sending rate (" + rule + ")";
        }
        return rule;
    }

    private static String percent(long sends, double rate) {
        return sends == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", rate * 100);
    }
}
