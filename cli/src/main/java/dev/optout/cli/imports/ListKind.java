package dev.optout.cli.imports;

import dev.optout.cli.ReasonNames;

/** What a list is, where the file does not say it (SendGrid, Mailgun, CSV rows without a reason): {@code --reason}. */
public enum ListKind {
    BOUNCE(Row.Kind.HARD_BOUNCE), SOFT_BOUNCE(Row.Kind.SOFT_BOUNCE), COMPLAINT(Row.Kind.COMPLAINT), UNSUBSCRIBE(Row.Kind.UNSUBSCRIBE);

    final Row.Kind kind;

    ListKind(Row.Kind kind) {
        this.kind = kind;
    }

    /** A reason as {@link ReasonNames#canonical} reads it (bounce or hard_bounce, soft_bounce, complaint, unsubscribe); else {@code null}. */
    public static ListKind parse(String text) {
        String name = ReasonNames.canonical(text);
        if (name == null) {
            return null;
        }
        return switch (name) {
            case ReasonNames.HARD_BOUNCE -> BOUNCE;
            case ReasonNames.SOFT_BOUNCE -> SOFT_BOUNCE;
            case ReasonNames.COMPLAINT -> COMPLAINT;
            default -> UNSUBSCRIBE;
        };
    }
}
