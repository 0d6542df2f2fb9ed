package dev.optout.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Names a command the command line does not have, with the ones it is likely to mean
 * ({@code ./optout lokup} -> "Did you mean: lookup?"). picocli's own answer for a word where a
 * subcommand belongs is "Unmatched argument", which does not say that the word was taken for a
 * command, and its suggestions rank every subcommand however far it is from what was typed.
 */
final class UnknownCommand {
    /** Typos this far apart (insertions, deletions, substitutions, swaps) are suggested. */
    private static final int MAX_DISTANCE = 2;

    private UnknownCommand() {
    }

    /**
     * The message for {@code e} when it is a word where only a subcommand may stand (a command
     * with subcommands and no positional parameters); {@code null} for anything else, which
     * picocli's own message describes well (unknown options, surplus arguments).
     */
    static String message(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.isUnknownOption()) {
            return null;
        }
        CommandLine.Model.CommandSpec spec = e.getCommandLine().getCommandSpec();
        List<String> unmatched = u.getUnmatched();
        if (spec.subcommands().isEmpty() || !spec.positionalParameters().isEmpty() || unmatched.isEmpty()) {
            return null;
        }
        String word = unmatched.get(0);
        if (word.startsWith("-")) {
            return null;
        }
        String parent = spec.parent() == null ? "" : spec.qualifiedName(" ").substring(spec.root().name().length()).strip() + " ";
        List<String> commands = new ArrayList<>(spec.subcommands().keySet());
        List<String> candidates = new ArrayList<>(commands);
        if (spec.parent() == null) {
            candidates.add("local"); // served by the ./optout script, not by this jar
        }
        List<String> near = new ArrayList<>();
        for (String c : candidates) {
            if (distance(word.toLowerCase(Locale.ROOT), c) <= MAX_DISTANCE) {
                near.add(parent + c);
            }
        }
        StringBuilder m = new StringBuilder("unknown command '").append(parent).append(word).append("'.");
        if (!near.isEmpty()) {
            m.append(" Did you mean: ").append(String.join(" or ", near)).append('?');
        }
        m.append("\n  Commands: ").append(String.join(", ", commands));
        if (spec.parent() == null) {
            m.append("; and ./optout local, which runs optout on this machine");
        }
        return m.toString();
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of neighbours, the commonest typo. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
