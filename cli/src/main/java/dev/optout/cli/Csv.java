package dev.optout.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
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

    /** One CSV line, fields quoted where needed. */
    public static String line(String... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            String f = fields[i] == null ? "" : fields[i];
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                b.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                b.append(f);
            }
        }
        return b.append('\n').toString();
    }
}
