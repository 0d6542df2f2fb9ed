package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.cli.imports.Format;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text forms the importer reads: times, CSV records, and telling the formats apart. */
class ParsingTest {
    @Test
    void timesInEveryFormTheProvidersWrite() {
        Instant t = Instant.parse("2022-10-21T11:02:55Z");
        assertThat(Times.parse("2022-10-21T11:02:55Z")).isEqualTo(t);
        assertThat(Times.parse("2022-10-21T13:02:55+02:00")).isEqualTo(t);
        assertThat(Times.parse("2022-10-21T11:02:55.000000+00:00")).isEqualTo(t);
        assertThat(Times.parse("2022-10-21 11:02:55")).isEqualTo(t);
        assertThat(Times.parse("1666350175")).isEqualTo(t);
        assertThat(Times.parse("Fri, 21 Oct 2022 11:02:55 UTC")).isEqualTo(t);
        assertThat(Times.parse("Fri, 21 Oct 2022 11:02:55 +0000")).isEqualTo(t);
        assertThat(Times.parse("2022-10-21")).isEqualTo(Instant.parse("2022-10-21T00:00:00Z"));
        assertThat(Times.parse("last tuesday")).isNull();
    }

    @Test
    void csvRecordsWithQuotesCommasAndLineBreaksKeepTheirStartingLine() throws Exception {
        Csv csv = new Csv(new StringReader("email,note\r\na@example.com,\"one, two\"\r\n\"b@example.com\",\"say \"\"hi\"\"\nthere\"\nc@example.com,x\n"));
        assertThat(csv.next()).containsExactly("email", "note");
        assertThat(csv.next()).containsExactly("a@example.com", "one, two");
        assertThat(csv.recordLine()).isEqualTo(2);
        assertThat(csv.next()).containsExactly("b@example.com", "say \"hi\"\nthere");
        assertThat(csv.recordLine()).isEqualTo(3);
        assertThat(csv.next()).containsExactly("c@example.com", "x");
        assertThat(csv.recordLine()).isEqualTo(5);
        assertThat(csv.next()).isNull();
        assertThat(Csv.line("a", "b,c", "d\"e")).isEqualTo("a,\"b,c\",\"d\"\"e\"\n");
    }

    @Test
    void formatsAreToldApartByTheirStructure() {
        assertThat(Format.detect("{\n \"SuppressedDestinationSummaries\": []}")).isEqualTo(Format.ses);
        assertThat(Format.detect("{\"TotalCount\":0,\"Suppressions\": []}")).isEqualTo(Format.postmark);
        assertThat(Format.detect("[{\"created\":1,\"email\":\"a@b.co\"}]")).isEqualTo(Format.sendgrid);
        assertThat(Format.detect("{\"items\":[],\"paging\":{}}")).isEqualTo(Format.mailgun);
        assertThat(Format.detect("\"Email Address\",\"First Name\",UNSUB_TIME\n")).isEqualTo(Format.mailchimp);
        assertThat(Format.detect("Email,Reason\n")).isEqualTo(Format.csv);
        for (String other : List.of("{\"data\":[]}", "address;reason\n", "")) {
            assertThat(Format.detect(other)).isNull();
        }
    }

    @Test
    void aReportPeriodIsADurationBackFromNowOrAStartDate() {
        Instant now = Instant.parse("2026-11-29T09:00:00Z");
        assertThat(ReportCommand.start("30d", now)).isEqualTo(Instant.parse("2026-10-30T09:00:00Z"));
        assertThat(ReportCommand.start("24h", now)).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
        assertThat(ReportCommand.start("2w", now)).isEqualTo(Instant.parse("2026-11-15T09:00:00Z"));
        assertThat(ReportCommand.start("P30D", now)).isEqualTo(Instant.parse("2026-10-30T09:00:00Z"));
        assertThat(ReportCommand.start("pt12h", now)).isEqualTo(Instant.parse("2026-11-28T21:00:00Z"));
        assertThat(ReportCommand.start("2026-11-01", now)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        for (String bad : List.of("", "30", "7 days", "-7d", "P-1D", "P1M", "2026-13-01", "2026-12-01")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportCommand.start(bad, now)).as(bad)
                    .isInstanceOf(UsageError.class).hasMessageContaining("--since");
        }
    }

    @Test
    void timesWithoutAZoneAreUtcAndFractionsOfEpochSecondsAreKept() {
        Instant t = Instant.parse("2022-10-21T11:02:55Z");
        assertThat(Times.parse("2022-10-21T11:02:55")).isEqualTo(t);
        assertThat(Times.parse("2022-10-21 11:02")).isEqualTo(t.minusSeconds(55));
        assertThat(Times.parse("1666350175.25")).isEqualTo(t.plusMillis(250));
        assertThat(Times.parse("Fri, 21 Oct 2022 11:02:55 UT")).isEqualTo(t);
        assertThat(Times.parse("  2022-10-21\t")).isEqualTo(Instant.parse("2022-10-21T00:00:00Z"));
    }

    @Test
    void textThatIsNoTimeIsNoneRatherThanAnError() {
        for (String none : java.util.Arrays.asList(null, "", "  ", "2022-13-01", "2022-10-21T25:00:00", "2022-10-21 25:00",
                "Fri, 32 Oct 2022 11:02:55 UTC", "99999999999999999999", "99999999999999999")) {
            assertThat(Times.parse(none)).as(String.valueOf(none)).isNull();
        }
    }

    @Test
    void csvRecordsEndAtABareCarriageReturnToo() throws Exception {
        Csv csv = new Csv(new StringReader("email\rx@example.com\r\n\n\ny@example.com"));
        assertThat(csv.next()).containsExactly("email");
        assertThat(csv.next()).containsExactly("x@example.com");
        assertThat(csv.next()).containsExactly("y@example.com");
        assertThat(csv.recordLine()).as("blank lines are skipped, and counted").isEqualTo(4);
        assertThat(csv.next()).isNull();
    }

    @Test
    void csvFieldsMayBeEmptyAndAQuoteInsideAnUnquotedFieldIsKept() throws Exception {
        Csv csv = new Csv(new StringReader(",,\nsay \"hi\",\"\"\n\"a\"b,c\n"));
        assertThat(csv.next()).containsExactly("", "", "");
        assertThat(csv.next()).containsExactly("say \"hi\"", "");
        assertThat(csv.next()).containsExactly("ab", "c");
    }

    @Test
    void anUnclosedQuoteIsAnErrorNamingTheLineItBegan() {
        Csv csv = new Csv(new StringReader("email\n\"a@example.com,\nb@example.com\n"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            csv.next();
            csv.next();
        }).isInstanceOf(java.io.IOException.class).hasMessage("line 2: a quoted field is never closed");
    }

    @Test
    void whatExportWritesAsCsvReadsBackFieldForField() throws Exception {
        String[] fields = {",leading comma", "\"leading quote", "\nleading newline", "\rleading return", "plain", "", "a\"b"};
        Csv csv = new Csv(new StringReader(Csv.line(fields) + Csv.line("x", null)));
        assertThat(csv.next()).containsExactly(fields);
        assertThat(csv.next()).containsExactly("x", "");
        assertThat(Csv.line("plain", "")).isEqualTo("plain,\n");
    }

    @Test
    void aReportPeriodMayBeginNowButNotLater() {
        Instant now = Instant.parse("2026-11-29T09:00:00Z");
        assertThat(ReportCommand.start("0d", now)).isEqualTo(now);
        assertThat(ReportCommand.start("P0D", now)).isEqualTo(now);
        assertThat(ReportCommand.start("2026-11-29T09:00:00Z", now)).isEqualTo(now);
        assertThat(ReportCommand.start(" 7D ", now)).isEqualTo(Instant.parse("2026-11-22T09:00:00Z"));
        assertThat(ReportCommand.start("999999h", now)).isEqualTo(now.minus(java.time.Duration.ofHours(999_999)));
        for (String bad : List.of("2026-11-29T09:00:01Z", "1000000d", "PT9223372036854775807S", "P1Y")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportCommand.start(bad, now)).as(bad)
                    .isInstanceOf(UsageError.class).hasMessageContaining(bad);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportCommand.start(null, now)).isInstanceOf(UsageError.class);
    }

    @Test
    void campaignIdsInSuggestedCommandsAreOneShellWord() {
        assertThat(CampaignCommand.shellWord("2026-11-weekly")).isEqualTo("2026-11-weekly");
        assertThat(CampaignCommand.shellWord("Spring sale!")).isEqualTo("'Spring sale!'");
        assertThat(CampaignCommand.shellWord("it's")).isEqualTo("'it'\\''s'");
    }
}
