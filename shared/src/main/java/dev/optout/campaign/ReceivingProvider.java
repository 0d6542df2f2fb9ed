package dev.optout.campaign;

import java.util.List;
import java.util.Locale;

/**
 * The mailbox provider behind a receiving domain: the three that set bulk-sender rules and reject
 * with 5.7.x when a sender breaks them, then everyone else. Few groups on purpose: the campaign
 * guard keeps one counter per group in each counter item, which must stay small whatever the list.
 */
public final class ReceivingProvider {
    public static final String GMAIL = "gmail.com";
    public static final String OUTLOOK = "outlook.com";
    public static final String YAHOO = "yahoo.com";
    public static final String OTHER = "other";
    /** In the order reports show them. */
    public static final List<String> ALL = List.of(GMAIL, OUTLOOK, YAHOO, OTHER);

    private ReceivingProvider() {
    }

    /** The provider of {@code domain} (any case); {@link #OTHER} for anything not known, null included. */
    public static String of(String domain) {
        if (domain == null || domain.isBlank()) {
            return OTHER;
        }
        String d = domain.strip().toLowerCase(Locale.ROOT);
        if (d.equals("gmail.com") || d.equals("googlemail.com")) {
            return GMAIL;
        }
        String first = d.contains(".") ? d.substring(0, d.indexOf('.')) : d;
        if (first.equals("outlook") || first.equals("hotmail") || first.equals("live") || first.equals("msn")) {
            return OUTLOOK;
        }
        // AOL's mail is Yahoo's since 2017 (same servers and sender rules)
        if (first.equals("yahoo") || first.equals("ymail") || first.equals("rocketmail") || d.equals("aol.com")) {
            return YAHOO;
        }
        return OTHER;
    }
}
