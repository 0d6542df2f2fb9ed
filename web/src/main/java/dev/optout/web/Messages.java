package dev.optout.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Page texts in every {@link Language}: UTF-8 properties files on the classpath,
 * {@code <base>_en.properties} and {@code <base>_id.properties}, on top of the shared
 * {@code dev/optout/web/common_*.properties} (layout texts). Loading checks that every language
 * has every key, so a missing translation fails the build's tests, not a person's page.
 *
 * <p>Placeholders are {@code {0}}, {@code {1}}, ... replaced as plain text; the page templates
 * escape the result when they write it (jte, content type HTML).
 */
public final class Messages {
    private static final String COMMON = "dev/optout/web/common";

    private final Map<Language, Map<String, String>> texts;

    private Messages(Map<Language, Map<String, String>> texts) {
        this.texts = texts;
    }

    /** The common texts plus {@code baseName}'s (a classpath path without language suffix). */
    public static Messages load(String baseName) {
        Map<Language, Map<String, String>> texts = new EnumMap<>(Language.class);
        for (Language l : Language.values()) {
            Map<String, String> m = new HashMap<>(read(COMMON, l));
            if (baseName != null && !baseName.equals(COMMON)) {
                m.putAll(read(baseName, l));
            }
            texts.put(l, Map.copyOf(m));
        }
        Set<String> all = new TreeSet<>();
        texts.values().forEach(m -> all.addAll(m.keySet()));
        for (Language l : Language.values()) {
            Set<String> missing = new TreeSet<>(all);
            missing.removeAll(texts.get(l).keySet());
            if (!missing.isEmpty()) {
                throw new IllegalStateException(baseName + ": no " + l.code() + " text for " + missing);
            }
        }
        return new Messages(texts);
    }

    /** Only the common texts. */
    public static Messages common() {
        return load(null);
    }

    /** The text for {@code key} in {@code language}, placeholders replaced (plain text, not escaped). */
    public String text(Language language, String key, Object... args) {
        String t = texts.get(language).get(key);
        if (t == null) {
            throw new IllegalArgumentException("no text '" + key + "'");
        }
        for (int i = 0; i < args.length; i++) {
            t = t.replace("{" + i + "}", String.valueOf(args[i]));
        }
        return t;
    }

    public Set<String> keys(Language language) {
        return texts.get(language).keySet();
    }

    private static Map<String, String> read(String baseName, Language l) {
        String path = baseName + "_" + l.code() + ".properties";
        try (InputStream in = Messages.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing message bundle " + path);
            }
            Properties p = new Properties();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> m = new HashMap<>();
            p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
            return m;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read message bundle " + path, e);
        }
    }
}
