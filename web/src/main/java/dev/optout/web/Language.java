package dev.optout.web;

import dev.optout.config.ConfigurationException;
import dev.optout.config.Settings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** The languages the pages speak. */
public enum Language {
    EN("en", "English", Locale.ENGLISH, "d MMMM yyyy, HH:mm 'UTC'"),
    ID("id", "Bahasa Indonesia", Locale.forLanguageTag("id"), "d MMMM yyyy, HH.mm 'UTC'");

    private final String code;
    private final String nativeName;
    private final DateTimeFormatter dateTime;

    Language(String code, String nativeName, Locale locale, String dateTimePattern) {
        this.code = code;
        this.nativeName = nativeName;
        this.dateTime = DateTimeFormatter.ofPattern(dateTimePattern, locale).withZone(ZoneOffset.UTC);
    }

    /** BCP 47 code, as used in {@code lang} attributes and {@code ?lang=}. */
    public String code() {
        return code;
    }

    /** The language's name in itself, for the language switch. */
    public String nativeName() {
        return nativeName;
    }

    /** A time as people read it in this language, in UTC: "1 November 2026, 10:00 UTC". */
    public String formatDateTime(Instant at) {
        return dateTime.format(at);
    }

    /** The language for a code ({@code en}, {@code id}; also the legacy {@code in} for Indonesian). */
    public static Optional<Language> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        String c = code.strip().toLowerCase(Locale.ROOT);
        int dash = c.indexOf('-');
        String primary = dash < 0 ? c : c.substring(0, dash);
        return switch (primary) {
            case "en" -> Optional.of(EN);
            case "id", "in" -> Optional.of(ID);
            default -> Optional.empty();
        };
    }

    /** {@code DEFAULT_LANGUAGE} (en or id), English when unset. */
    public static Language fromSettings(Settings settings) {
        Optional<String> v = settings.optional(Settings.DEFAULT_LANGUAGE);
        if (v.isEmpty()) {
            return EN;
        }
        return of(v.get()).orElseThrow(() -> new ConfigurationException(
                Settings.DEFAULT_LANGUAGE + " must be en or id, got '" + v.get() + "'"));
    }
}
