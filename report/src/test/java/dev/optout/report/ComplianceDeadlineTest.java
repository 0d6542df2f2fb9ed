package dev.optout.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule's deadline, business days skipping the public holidays of the rule's country. */
class ComplianceDeadlineTest {
    private static Instant at(String t) {
        return Instant.parse(t);
    }

    @Test
    void canSpamSkipsThanksgiving() {
        // Fri 20 Nov 2026; Thu 26 Nov is Thanksgiving: the 10th business day is Mon 7 Dec, not Fri 4 Dec
        assertThat(ComplianceDeadline.CAN_SPAM.deadline(at("2026-11-20T08:00:00Z"))).isEqualTo(at("2026-12-07T08:00:00Z"));
    }

    @Test
    void theSpamActSkipsEaster() {
        // Thu 2 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are holidays everywhere in Australia
        assertThat(ComplianceDeadline.AU_SPAM_ACT.deadline(at("2026-04-02T08:00:00Z"))).isEqualTo(at("2026-04-13T08:00:00Z"));
    }

    @Test
    void caslSkipsCanadaDay() {
        // Tue 30 Jun 2026; Wed 1 Jul is Canada Day
        assertThat(ComplianceDeadline.CASL.deadline(at("2026-06-30T08:00:00Z"))).isEqualTo(at("2026-07-15T08:00:00Z"));
    }

    @Test
    void gdprIsTheSameDayAndPecrTwoDays() {
        assertThat(ComplianceDeadline.GDPR.deadline(at("2026-11-20T08:00:00Z"))).isEqualTo(at("2026-11-20T23:59:59.999999999Z"));
        assertThat(ComplianceDeadline.UK_PECR.deadline(at("2026-11-20T08:00:00Z"))).isEqualTo(at("2026-11-22T08:00:00Z"));
        assertThat(ComplianceDeadline.GDPR.note()).contains("same UTC day");
        assertThat(ComplianceDeadline.UK_PECR.note()).contains("no day count");
    }

    @Test
    void everyRuleCarriesItsSourceAndTheFacilityDaysWhereTheLawSetsThem() {
        for (ComplianceDeadline d : ComplianceDeadline.values()) {
            assertThat(d.rule()).as(d.name()).isNotBlank();
            assertThat(d.url()).as(d.name()).startsWith("https://");
        }
        assertThat(ComplianceDeadline.CASL.facilityDays()).isEqualTo(60);
        assertThat(ComplianceDeadline.AU_SPAM_ACT.facilityDays()).isEqualTo(30);
    }

    @Test
    void anOperatorsHolidayFileAddsDates(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("US.txt"), "# our office\n2026-11-23 closed\n\n2026-11-24\n");
        HolidayCalendars calendars = HolidayCalendars.bundled().withDirectory(dir);
        assertThat(calendars.isHoliday("US", LocalDate.parse("2026-11-26"))).as("the bundled ones stay").isTrue();
        assertThat(ComplianceDeadline.CAN_SPAM.deadline(at("2026-11-20T08:00:00Z"), calendars)).isEqualTo(at("2026-12-09T08:00:00Z"));

        Files.writeString(dir.resolve("US.txt"), "2026-13-01\n");
        assertThatThrownBy(() -> HolidayCalendars.bundled().withDirectory(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("US.txt line 1").hasMessageContaining("2026-13-01");
    }

    @Test
    void theBundledCalendarsAreReadFromTheRepository() {
        for (String code : HolidayCalendars.BUNDLED) {
            assertThat(HolidayCalendars.bundled().lastListed(code)).as(code).isAfterOrEqualTo(LocalDate.parse("2027-03-01"));
        }
        assertThat(HolidayCalendars.bundled().isHoliday("US", LocalDate.parse("2026-07-03"))).as("4 July 2026 observed").isTrue();
    }

    @Test
    void configurationChoosesTheRules() {
        assertThat(ComplianceDeadline.parse(null)).isEqualTo(EnumSet.allOf(ComplianceDeadline.class));
        assertThat(ComplianceDeadline.parse("all")).hasSize(ComplianceDeadline.values().length);
        assertThat(ComplianceDeadline.parse(" gmail, casl ,uk-pecr")).containsExactly(ComplianceDeadline.GMAIL,
                ComplianceDeadline.CASL, ComplianceDeadline.UK_PECR);
        assertThatThrownBy(() -> ComplianceDeadline.parse("GMAIL,HIPAA")).hasMessageContaining("unknown rule 'HIPAA'")
                .hasMessageContaining("AU_SPAM_ACT");
    }
}
