package dev.optout.http;

import dev.optout.web.Language;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Picks a page language from an {@code Accept-Language} header (RFC 9110 section 12.5.4). */
public final class AcceptLanguage {
    private AcceptLanguage() {
    }

    /** The offered language the browser prefers most (by q-value, then order), else {@code fallback}. */
    public static Language negotiate(String header, Language fallback) {
        if (header == null || header.isBlank()) {
            return fallback;
        }
        record Ranged(String tag, double q, int order) {
        }
        List<Ranged> ranges = new ArrayList<>();
        String[] parts = header.split(",");
        for (int i = 0; i < parts.length && i < 32; i++) {
            String[] bits = parts[i].strip().split(";");
            double q = 1.0;
            for (int j = 1; j < bits.length; j++) {
                String b = bits[j].strip();
                if (b.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(b.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0 && !bits[0].isBlank()) {
                ranges.add(new Ranged(bits[0].strip(), q, i));
            }
        }
        ranges.sort(Comparator.comparingDouble(Ranged::q).reversed().thenComparingInt(Ranged::order));
        for (Ranged r : ranges) {
            Optional<Language> l = Language.of(r.tag());
            if (l.isPresent()) {
                return l.get();
            }
        }
        return fallback;
    }
}
