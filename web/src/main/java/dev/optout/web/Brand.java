package dev.optout.web;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who is asking: the sender as every page and mail shows them. Configured by the sender
 * ({@code SENDER_NAME}, {@code BRAND_LOGO_URL}, {@code BRAND_COLOR}, {@code BRAND_POSTAL_ADDRESS},
 * {@code BRAND_PRIVACY_URL}); each may be left out.
 *
 * @param name          the sender's name, e.g. "Toko Contoh"
 * @param logoUrl       an https URL of the logo image (shown with the name as its text alternative)
 * @param color         the colour of links and buttons, {@code #rrggbb}: at least 4.5:1 against white
 *                      (WCAG 2.1 AA for text; white button text on it too), else refused at start
 * @param postalAddress the sender's postal address (CAN-SPAM asks for one in marketing mail)
 * @param privacyUrl    an https URL of the privacy policy
 */
public record Brand(String name, String logoUrl, String color, String postalAddress, String privacyUrl) {
    /** WCAG 2.1 AA contrast for normal text. */
    public static final double MIN_CONTRAST = 4.5;
    private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");
    /** No brand: the pages as they were ("Email preferences", optout's blue). */
    public static final Brand NONE = new Brand(null, null, null, null, null);

    public Brand {
        name = blankToNull(name);
        logoUrl = url(blankToNull(logoUrl), Settings.BRAND_LOGO_URL);
        privacyUrl = url(blankToNull(privacyUrl), Settings.BRAND_PRIVACY_URL);
        postalAddress = blankToNull(postalAddress);
        color = blankToNull(color);
        if (color != null) {
            if (!HEX.matcher(color).matches()) {
                throw new ConfigurationException(Settings.BRAND_COLOR + " must be a colour like #0b5394, got '" + color + "'");
            }
            color = color.toLowerCase(Locale.ROOT);
            double ratio = contrastWithWhite(color);
            if (ratio < MIN_CONTRAST) {
                throw new ConfigurationException(String.format(Locale.ROOT, "%s %s has a contrast of %.2f:1 with white; links and "
                        + "buttons need at least %.1f:1 (WCAG 2.1 AA): choose a darker colour", Settings.BRAND_COLOR, color, ratio,
                        MIN_CONTRAST));
            }
        }
    }

    public static Brand fromSettings(Settings s) {
        return new Brand(s.optional(Settings.SENDER_NAME).orElse(null), s.optional(Settings.BRAND_LOGO_URL).orElse(null),
                s.optional(Settings.BRAND_COLOR).orElse(null), s.optional(Settings.BRAND_POSTAL_ADDRESS).orElse(null),
                s.optional(Settings.BRAND_PRIVACY_URL).orElse(null));
    }

    /** WCAG 2.1 contrast ratio of {@code #rrggbb} against white. */
    public static double contrastWithWhite(String hex) {
        double l = luminance(hex);
        return 1.05 / (l + 0.05);
    }

    private static double luminance(String hex) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            c[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    /** The style that puts the brand colour on links and buttons ({@code ""} without one). */
    public String css() {
        if (color == null) {
            return "";
        }
        return "a{color:" + color + "}a:hover{color:" + color + "}button{border-color:" + color + ";background:" + color + "}"
                + "button:hover{border-color:" + color + ";background:" + color + ";text-decoration:underline}"
                + "button.secondary{background:#fff;color:" + color + "}";
    }

    /** The logo's origin for the Content-Security-Policy's {@code img-src}, or null without a logo. */
    public String logoOrigin() {
        if (logoUrl == null) {
            return null;
        }
        URI u = URI.create(logoUrl);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static String url(String value, String setting) {
        if (value == null) {
            return null;
        }
        URI u;
        try {
            u = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(setting + " is not a URL: '" + value + "'");
        }
        boolean local = "http".equals(u.getScheme()) && ("127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost()));
        if (!("https".equals(u.getScheme()) || local) || u.getRawAuthority() == null) {
            throw new ConfigurationException(setting + " must be an https URL, got '" + value + "'");
        }
        return value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
