package dev.optout.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Public holidays per jurisdiction, for deadlines counted in business days. The repository holds
 * one file per jurisdiction ({@code dev/optout/report/holidays/US.txt}, {@code AU.txt},
 * {@code CA.txt}: one {@code YYYY-MM-DD [name]} a line, {@code #} comments); operators extend them
 * with a directory of their own ({@link #withDirectory}, {@code ./optout report --holidays DIR}):
 * {@code DIR/US.txt} adds its dates to the United States' calendar, {@code DIR/XX.txt} starts a new one.
 *
 * <p>A holiday missing from a calendar only makes a business-day deadline earlier (stricter), never
 * later: the bundled files keep only holidays every region of the country keeps.
 */
public final class HolidayCalendars {
    /** The jurisdictions the repository carries a calendar for. */
    public static final List<String> BUNDLED = List.of("US", "AU", "CA");
    private static final Pattern CODE = Pattern.compile("[A-Z]{2,3}");
    private static final HolidayCalendars BUNDLED_CALENDARS = loadBundled();

    private final Map<String, Set<LocalDate>> holidays;

    private HolidayCalendars(Map<String, Set<LocalDate>> holidays) {
        Map<String, Set<LocalDate>> copy = new HashMap<>();
        holidays.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
        this.holidays = Collections.unmodifiableMap(copy);
    }

    /** The calendars in the repository. */
    public static HolidayCalendars bundled() {
        return BUNDLED_CALENDARS;
    }

    /**
     * These calendars with the dates of every {@code CODE.txt} in {@code dir} added (an operator's
     * regional holidays, next year's dates before a release carries them).
     *
     * @throws IllegalArgumentException naming the file and line of a date that cannot be read
     */
    public HolidayCalendars withDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory of holiday files (CODE.txt, e.g. US.txt)");
        }
        Map<String, Set<LocalDate>> next = new HashMap<>();
        holidays.forEach((k, v) -> next.put(k, new TreeSet<>(v)));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.txt")) {
            for (Path f : files) {
                Path name = f.getFileName();
                if (name == null) {
                    continue;
                }
                String code = name.toString().replaceFirst("\\.txt$", "").toUpperCase(java.util.Locale.ROOT);
                if (!CODE.matcher(code).matches()) {
                    throw new IllegalArgumentException(f + ": a holiday file is named by its jurisdiction's code, e.g. US.txt");
                }
                try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    next.computeIfAbsent(code, c -> new TreeSet<>()).addAll(parse(r, f.toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return new HolidayCalendars(next);
    }

    /** Whether {@code date} is a public holiday in {@code jurisdiction}. */
    public boolean isHoliday(String jurisdiction, LocalDate date) {
        return holidays.getOrDefault(jurisdiction, Set.of()).contains(date);
    }

    /** Not a Saturday, a Sunday or a public holiday of {@code jurisdiction}. */
    public boolean isBusinessDay(String jurisdiction, LocalDate date) {
        return date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY
                && !isHoliday(jurisdiction, date);
    }

    /** The last holiday listed for {@code jurisdiction} (later dates count as working days), or null. */
    public LocalDate lastListed(String jurisdiction) {
        Set<LocalDate> dates = holidays.get(jurisdiction);
        return dates == null || dates.isEmpty() ? null : new TreeSet<>(dates).last();
    }

    /** The holidays of {@code jurisdiction}, oldest first. */
    public Set<LocalDate> holidays(String jurisdiction) {
        return holidays.getOrDefault(jurisdiction, Set.of());
    }

    static Set<LocalDate> parse(BufferedReader r, String where) throws IOException {
        Set<LocalDate> dates = new TreeSet<>();
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            String t = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
            t = t.strip();
            if (t.isEmpty()) {
                continue;
            }
            String date = t.split("\\s+", 2)[0];
            try {
                dates.add(LocalDate.parse(date));
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(where + " line " + n + ": '" + date + "' is not a date (YYYY-MM-DD)");
            }
        }
        return dates;
    }

    private static HolidayCalendars loadBundled() {
        Map<String, Set<LocalDate>> m = new HashMap<>();
        for (String code : BUNDLED) {
            String resource = "holidays/" + code + ".txt";
            try (InputStream in = HolidayCalendars.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource dev/optout/report/" + resource);
                }
                m.put(code, parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), resource));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new HolidayCalendars(m);
    }
}
