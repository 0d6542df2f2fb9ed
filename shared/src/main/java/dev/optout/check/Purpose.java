package dev.optout.check;

import java.util.Locale;

/**
 * What kind of mail the pipeline is about to send. Part of the check's contract
 * ({@code "purpose": "marketing" | "transactional"}).
 *
 * <ul>
 *   <li>{@code MARKETING} (the default): every opt-out, topic choice, complaint and bounce blocks;
 *   allowed results carry List-Unsubscribe headers and SES tags.</li>
 *   <li>{@code TRANSACTIONAL} (receipts, password resets, service notices the person asked for):
 *   only what makes mail undeliverable blocks (hard bounce, soft-bounce suppression); a complaint
 *   is reported without blocking; marketing opt-outs do not apply (CAN-SPAM 16 CFR 316.3 and the
 *   Gmail/Yahoo bulk-sender rules concern commercial mail); no unsubscribe headers.</li>
 * </ul>
 */
public enum Purpose {
    MARKETING,
    TRANSACTIONAL;

    /** The wire name, e.g. {@code "marketing"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code null} means the default, marketing; anything else unknown is a request error. */
    public static Purpose parse(String text) {
        if (text == null) {
            return MARKETING;
        }
        for (Purpose p : values()) {
            if (p.wireName().equals(text)) {
                return p;
            }
        }
        throw new InvalidCheckRequestException("\"purpose\" must be \"marketing\" or \"transactional\", got \""
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"");
    }
}
