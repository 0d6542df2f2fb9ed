package dev.optout.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Lines are written by
 * Commons CSV. Records are read here, because an import names the line each record began on in
 * its errors and Commons CSV counts only the lines read so far.
 */
public final class Csv {
    private final Reader in;
    private int line = 1;
    private int recordLine;
    private int peeked = -2;

    public Csv(Reader in) {
        this.in = in;
    }

    /** The next record, or {@code null} at the end. */
    public List<String> next() throws IOException {
        int c = read();
        while (c == '\r' || c == '\n') { // blank lines between records
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new IOException("line " + recordLine + ": a quoted field is never closed");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r' || c == -1) {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        peeked = n;
                    }
                }
                fields.add(field.toString());
                return fields;
            } else {
                field.append((char) c);
            }
            c = read();
        }
    }

    /** The line on which the last record began (1-based). */
    public int recordLine() {
        return recordLine;
    }

    private int read() throws IOException {
        int c;
        if (peeked != -2) {
            c = peeked;
            peeked = -2;
        } else {
            c = in.read();
        }
        if (c == '\n') {
            line++;
        }
        return c;
    }

    /**
     * A cell a spreadsheet will not run as a formula (OWASP, CSV Injection): a cell that begins
     * with {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return, or with apostrophes
     * followed by one of these, gets one more apostrophe in front, which spreadsheets take as
     * "text". {@link #restore} undoes exactly this, so an export imports back unchanged.
     */
    public static String neutralise(String cell) {
        return cell != null && formulaLike(cell) ? "'" + cell : cell;
    }

    /** The cell {@link #neutralise} was given. */
    public static String restore(String cell) {
        return cell != null && cell.startsWith("'") && formulaLike(cell) ? cell.substring(1) : cell;
    }

    private static boolean formulaLike(String cell) {
        int i = 0;
        while (i < cell.length() && cell.charAt(i) == '\'') {
            i++;
        }
        return i < cell.length() && "=+-@\t\r".indexOf(cell.charAt(i)) >= 0;
    }

    /**
     * RFC 4180 with LF line ends, quoting only where needed (Commons CSV's minimal quoting also
     * quotes a field that begins with a space or a character sorting before {@code #}, which
     * readers take unchanged).
     */
    private static final CSVFormat WRITTEN = CSVFormat.RFC4180.builder().setRecordSeparator('\n').setQuoteMode(QuoteMode.MINIMAL).get();

    /** One CSV line, fields quoted where needed. */
    public static String line(String... fields) {
        StringBuilder b = new StringBuilder();
        try {
            WRITTEN.printRecord(b, (Object[]) fields);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringBuilder does not fail
        }
        return b.toString();
    }
}
