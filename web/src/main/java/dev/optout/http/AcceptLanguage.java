package dev.optout.http;

import dev.optout.web.Language;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Picks a page language from an {@code Accept-Language} header (RFC 9110 section 12.5.4). */
public final class AcceptLanguage {
    private static final List<String> OFFERED = Arrays.stream(Language.values()).map(Language::code).toList();

    private AcceptLanguage() {
    }

    /**
     * The offered language the browser prefers most (by q-value, then order; {@code q=0} excludes),
     * matched by RFC 4647 lookup ({@code en-GB} falls back to {@code en}), else {@code fallback}: also
     * for a header that only says {@code *} and for one that cannot be parsed.
     */
    public static Language negotiate(String header, Language fallback) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        try {
            String tag = Locale.lookupTag(Locale.LanguageRange.parse(header), OFFERED);
            return tag == null ? fallback : Language.of(tag).orElse(fallback);
        } catch (IllegalArgumentException malformed) {
            return fallback;
        }
    }
}
