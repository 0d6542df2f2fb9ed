package dev.optout.report;

import java.util.List;

/**
 * The mailbox provider behind a receiving domain, as the report groups bounces, complaints and
 * sender rejections: the three that set bulk-sender rules, then everyone else.
 */
public final class MailboxProvider {
    public static final String GMAIL = dev.optout.campaign.ReceivingProvider.GMAIL;
    public static final String OUTLOOK = dev.optout.campaign.ReceivingProvider.OUTLOOK;
    public static final String YAHOO = dev.optout.campaign.ReceivingProvider.YAHOO;
    public static final String OTHER = dev.optout.campaign.ReceivingProvider.OTHER;
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
        return dev.optout.campaign.ReceivingProvider.of(domain);
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
