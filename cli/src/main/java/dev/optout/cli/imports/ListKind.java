package dev.optout.cli.imports;

import java.util.Locale;

/** What a list is, where the file does not say it (SendGrid, Mailgun, CSV rows without a reason): {@code --reason}. */
public enum ListKind {
    BOUNCE(Row.Kind.HARD_BOUNCE), SOFT_BOUNCE(Row.Kind.SOFT_BOUNCE), COMPLAINT(Row.Kind.COMPLAINT), UNSUBSCRIBE(Row.Kind.UNSUBSCRIBE);

    final Row.Kind kind;

    ListKind(Row.Kind kind) {
        this.kind = kind;
    }

    /** bounce(s), hard_bounce, soft_bounce, complaint(s), spam_report(s), unsubscribe(s); else {@code null}. */
    public static ListKind parse(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "bounce", "bounces", "hard_bounce", "hardbounce", "cleaned" -> BOUNCE;
            case "soft_bounce", "softbounce" -> SOFT_BOUNCE;
            case "complaint", "complaints", "spam", "spam_report", "spam_reports", "spamcomplaint" -> COMPLAINT;
            case "unsubscribe", "unsubscribes", "unsubscribed", "optout", "opt_out" -> UNSUBSCRIBE;
            default -> null;
        };
    }
}
