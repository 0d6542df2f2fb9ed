package dev.optout.report;

import java.util.List;
import java.util.Locale;

/**
 * The mailbox provider behind a receiving domain, as the report groups bounces, complaints and
 * sender rejections: the three that set bulk-sender rules, then everyone else.
 */
public final class MailboxProvider {
    public static final String GMAIL = "gmail.com";
    public static final String OUTLOOK = "outlook.com";
    public static final String YAHOO = "yahoo.com";
    public static final String OTHER = "other";
    /** The address was erased, so its domain is no longer known. */
    public static final String UNKNOWN = "unknown";
    /** In the order the report shows them. */
    public static final List<String> ALL = List.of(GMAIL, OUTLOOK, YAHOO, OTHER, UNKNOWN);

    private MailboxProvider() {
    }

    /** The provider of {@code domain} (any case); {@link #UNKNOWN} for null. */
    public static String of(String domain) {
        if (domain == null || domain.isBlank()) {
            return UNKNOWN;
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

    /** How the report labels a provider. */
    public static String label(String provider) {
        return switch (provider) {
            case GMAIL -> "Gmail (gmail.com)";
            case OUTLOOK -> "Microsoft (outlook.com, hotmail, live)";
            case YAHOO -> "Yahoo (yahoo.com, aol.com)";
            case OTHER -> "others";
            default -> "unknown (address erased)";
        };
    }
}
