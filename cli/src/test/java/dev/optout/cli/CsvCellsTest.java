package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Export's spreadsheet-safe cells (OWASP, CSV Injection) and how import reads them back. */
class CsvCellsTest {
    @Test
    void aCellThatASpreadsheetWouldRunGetsALeadingApostrophe() {
        for (String cell : new String[] {"=1+2@example.com", "+x@example.com", "-x@example.com", "@SUM(A1)", "\tx", "\rx"}) {
            assertThat(Csv.neutralise(cell)).as(cell).isEqualTo("'" + cell);
        }
    }

    @Test
    void anyOtherCellIsWrittenAsItIs() {
        for (String cell : new String[] {"ana@example.com", "'quoted@example.com", "", "2026-11-01T10:00:00Z", "x=y"}) {
            assertThat(Csv.neutralise(cell)).as(cell).isEqualTo(cell);
        }
        assertThat(Csv.neutralise(null)).isNull();
    }

    @Test
    void importReadsEveryExportedCellBackAsItWasStored() {
        for (String cell : new String[] {"=1+2@example.com", "'=1@example.com", "''+x@example.com", "'plain@example.com",
                "plain@example.com", "-", "'"}) {
            assertThat(Csv.restore(Csv.neutralise(cell))).as(cell).isEqualTo(cell);
        }
    }
}
