package dev.optout.cli;

import java.util.Locale;

/**
 * The names {@code --reason} takes on {@code import} and {@code export}, one list for both: the
 * export writes {@code hard_bounce} in its rows, while providers and operators say {@code bounce},
 * so each command accepts either spelling (and the plurals and provider words below) and means the
 * same mark by it.
 */
public final class ReasonNames {
    public static final String HARD_BOUNCE = "hard_bounce";
    public static final String SOFT_BOUNCE = "soft_bounce";
    public static final String COMPLAINT = "complaint";
    public static final String UNSUBSCRIBE = "unsubscribe";

    /** How help and usage errors name the accepted values, the same on both commands. */
    public static final String ACCEPTED = "hard_bounce (or bounce), soft_bounce, complaint or unsubscribe";

    private ReasonNames() {
    }

    /**
     * The canonical name ({@link #HARD_BOUNCE}, {@link #SOFT_BOUNCE}, {@link #COMPLAINT},
     * {@link #UNSUBSCRIBE}) of a reason as written, in any case, with {@code -} or {@code _};
     * {@code null} when it names none.
     */
    public static String canonical(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "bounce", "bounces", "hard_bounce", "hard_bounces", "hardbounce", "cleaned" -> HARD_BOUNCE;
            case "soft_bounce", "soft_bounces", "softbounce" -> SOFT_BOUNCE;
            case "complaint", "complaints", "spam", "spam_report", "spam_reports", "spamcomplaint" -> COMPLAINT;
            case "unsubscribe", "unsubscribes", "unsubscribed", "optout", "opt_out" -> UNSUBSCRIBE;
            default -> null;
        };
    }
}
