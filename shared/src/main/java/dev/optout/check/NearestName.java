package dev.optout.check;

import java.util.List;
import java.util.Locale;

/**
 * The known name a mistyped one most likely meant: the same name in another case
 * ({@code campaignID} for {@code campaignId}), else the closest within two edits, else none.
 */
final class NearestName {
    private static final int MAX_EDITS = 2;

    private NearestName() {
    }

    /** The suggestion, or {@code null} when nothing is close. */
    static String of(String given, List<String> known) {
        String best = null;
        int bestDistance = MAX_EDITS + 1;
        for (String k : known) {
            if (k.toLowerCase(Locale.ROOT).equals(given.toLowerCase(Locale.ROOT))) {
                return k;
            }
            int d = distance(given, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, case-insensitive. */
    private static int distance(String a, String b) {
        String s = a.toLowerCase(Locale.ROOT);
        String t = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[t.length() + 1];
        int[] current = new int[t.length() + 1];
        for (int j = 0; j <= t.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= s.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= t.length(); j++) {
                int substitution = previous[j - 1] + (s.charAt(i - 1) == t.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[t.length()];
    }
}
