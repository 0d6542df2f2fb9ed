package dev.optout.cli.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What each provider's list becomes, row by row, before anything is written: the mark, the row's
 * own time, the provider facts kept as evidence, and for a row that cannot be imported, the line
 * and why. No store involved (the writing is ImportIT's).
 */
class ListFormatsTest {
    /** The catalog of these tests: one topic, newsletter. */
    private static final Format.TopicCheck TOPICS = t -> t.equals("newsletter") ? null : "topic '" + t + "' is not in the catalog";

    private static List<Row> rows(Format format, ListKind kind, String content) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (Format.RowReader reader = format.open(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), kind, TOPICS)) {
            Row r;
            while ((r = reader.next()) != null) {
                rows.add(r);
            }
            assertThat(reader.next()).as("the end stays the end").isNull();
        }
        return rows;
    }

    private static Row only(Format format, ListKind kind, String content) throws IOException {
        List<Row> rows = rows(format, kind, content);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    void sesBouncesAndComplaintsKeepTheirTimeAndSesReasonAndOtherReasonsAreRefusedWithTheirLine() throws IOException {
        List<Row> rows = rows(Format.ses, null, """
                {"NextToken": null, "Other": {"a": [1, 2]},
                 "SuppressedDestinationSummaries": [
                  {"EmailAddress": "b@example.com", "Reason": "BOUNCE", "LastUpdateTime": "2025-06-03T10:15:30+00:00"},
                  {"EmailAddress": "c@example.com", "Reason": "COMPLAINT", "LastUpdateTime": "2025-07-01T08:00:00+02:00"},
                  {"EmailAddress": "x@example.com", "Reason": "OTHER"}
                ]}""");
        assertThat(rows).extracting(Row::email, Row::kind, Row::at, Row::invalid).containsExactly(
                org.assertj.core.groups.Tuple.tuple("b@example.com", Row.Kind.HARD_BOUNCE, Instant.parse("2025-06-03T10:15:30Z"), null),
                org.assertj.core.groups.Tuple.tuple("c@example.com", Row.Kind.COMPLAINT, Instant.parse("2025-07-01T06:00:00Z"), null),
                org.assertj.core.groups.Tuple.tuple(null, null, null, "Reason is 'OTHER', not BOUNCE or COMPLAINT"));
        assertThat(rows.get(0).evidence()).isEqualTo(Map.of("sesReason", "BOUNCE"));
        assertThat(rows).extracting(Row::line).containsExactly(3, 4, 5);
    }

    @Test
    void postmarkReasonsBecomeBounceComplaintOrUnsubscribeWithTheirOrigin() throws IOException {
        List<Row> rows = rows(Format.postmark, null, """
                {"Suppressions": [
                 {"EmailAddress": "h@example.com", "SuppressionReason": "HardBounce", "Origin": "Recipient", "CreatedAt": "2024-12-10T08:58:33-05:00"},
                 {"EmailAddress": "s@example.com", "SuppressionReason": "SpamComplaint", "Origin": null},
                 {"EmailAddress": "m@example.com", "SuppressionReason": "ManualSuppression", "Origin": "Customer"},
                 {"EmailAddress": "o@example.com", "SuppressionReason": "Unknown"}
                ]}""");
        assertThat(rows).extracting(Row::kind).containsExactly(Row.Kind.HARD_BOUNCE, Row.Kind.COMPLAINT, Row.Kind.UNSUBSCRIBE, null);
        assertThat(rows.get(0).at()).isEqualTo(Instant.parse("2024-12-10T13:58:33Z"));
        assertThat(rows.get(0).evidence()).isEqualTo(Map.of("postmarkReason", "HardBounce", "postmarkOrigin", "Recipient"));
        assertThat(rows.get(1).evidence()).isEqualTo(Map.of("postmarkReason", "SpamComplaint"));
        assertThat(rows.get(1).at()).isNull();
        assertThat(rows.get(3).invalid()).isEqualTo("SuppressionReason is 'Unknown', not HardBounce, SpamComplaint or ManualSuppression");
    }

    @Test
    void sendgridRowsAreWhatReasonSaysTheListIsWithStatusAndDiagnosticKept() throws IOException {
        List<Row> rows = rows(Format.sendgrid, ListKind.COMPLAINT, """
                [
                 {"created": 1443651125, "email": "a@example.com", "reason": "550 5.1.1 unknown", "status": "5.1.1"},
                 {"email": "b@example.com", "created": null, "status": null},
                 "not an object",
                 {"created": 1443651125},
                 {"created": 99999999999999999999, "email": "far@example.com"}
                ]""");
        assertThat(rows.get(0).kind()).isEqualTo(Row.Kind.COMPLAINT);
        assertThat(rows.get(0).at()).isEqualTo(Instant.ofEpochSecond(1443651125));
        assertThat(rows.get(0).evidence()).isEqualTo(Map.of("status", "5.1.1", "diagnosticCode", "550 5.1.1 unknown"));
        assertThat(rows.get(1).at()).isNull();
        assertThat(rows.get(1).evidence()).isEmpty();
        assertThat(rows.get(1).invalid()).isNull();
        assertThat(rows.get(2).invalid()).isEqualTo("not an object");
        assertThat(rows.get(2).line()).isEqualTo(4);
        assertThat(rows.get(3).invalid()).isEqualTo("no address");
        assertThat(rows.get(4).invalid()).as("beyond any date: reported with its line, not the end of the import")
                .isEqualTo("time '99999999999999999999' is not a date or time this tool reads");
    }

    @Test
    void mailgunRowsKeepTheSmtpCodeAndAnErrorOnlyWhenItSaysSomething() throws IOException {
        List<Row> rows = rows(Format.mailgun, ListKind.BOUNCE, """
                {"paging": {"next": "https://api.mailgun.net/v3/x/bounces?page=next"},
                 "items": [
                  {"address": "a@example.com", "code": "550", "error": "No such mailbox", "created_at": "Mon, 07 Nov 2022 09:30:00 UTC"},
                  {"address": "b@example.com", "code": null, "error": "", "created_at": "Mon, 07 Nov 2022 09:30:00 GMT"},
                  {"address": "c@example.com", "created_at": "yesterday-ish"}
                 ]}""");
        assertThat(rows.get(0).kind()).isEqualTo(Row.Kind.HARD_BOUNCE);
        assertThat(rows.get(0).at()).isEqualTo(Instant.parse("2022-11-07T09:30:00Z"));
        assertThat(rows.get(0).evidence()).isEqualTo(Map.of("code", "550", "error", "No such mailbox"));
        assertThat(rows.get(1).evidence()).isEmpty();
        assertThat(rows.get(2).invalid()).isEqualTo("time 'yesterday-ish' is not a date or time this tool reads");
        assertThat(rows.get(2).email()).as("named, so the operator can find it").isEqualTo("c@example.com");
    }

    @Test
    void mailchimpUnsubscribedMembersAreOptOutsCleanedOnesBouncesAndSubscribedOnesAreNotImported() throws IOException {
        List<Row> rows = rows(Format.mailchimp, null, """
                "Email Address",UNSUB_TIME,UNSUB_REASON,CLEAN_TIME
                u@example.com,"2024-02-14 07:30:00","too many emails",
                v@example.com,"2024-02-15 08:00:00", ,
                c@example.com,,,"2024-03-01 12:00"
                s@example.com,,,
                """);
        assertThat(rows).extracting(Row::kind).containsExactly(Row.Kind.UNSUBSCRIBE, Row.Kind.UNSUBSCRIBE, Row.Kind.HARD_BOUNCE, null);
        assertThat(rows.get(0).at()).isEqualTo(Instant.parse("2024-02-14T07:30:00Z"));
        assertThat(rows.get(0).evidence()).isEqualTo(Map.of("note", "too many emails"));
        assertThat(rows.get(1).evidence()).isEmpty();
        assertThat(rows.get(2).at()).isEqualTo(Instant.parse("2024-03-01T12:00:00Z"));
        assertThat(rows.get(2).evidence()).isEqualTo(Map.of("mailchimp", "cleaned"));
        assertThat(rows.get(3).invalid()).startsWith("neither UNSUB_TIME nor CLEAN_TIME");
        assertThat(rows.get(3).line()).isEqualTo(5);
    }

    @Test
    void mailchimpExportsWithoutTheOtherListsColumnAreRead() throws IOException {
        assertThat(only(Format.mailchimp, null, "\"Email Address\",CLEAN_TIME\nc@example.com,2024-03-01\n").kind())
                .isEqualTo(Row.Kind.HARD_BOUNCE);
        assertThat(only(Format.mailchimp, null, "\"Email Address\",UNSUB_TIME\nu@example.com,2024-03-01\n").kind())
                .isEqualTo(Row.Kind.UNSUBSCRIBE);
    }

    @Test
    void csvRowsTakeTheirReasonTopicAndTimeAndTheHeaderIsMatchedWhateverItsCase() throws IOException {
        List<Row> rows = rows(Format.csv, null, """
                \uFEFF Email , Reason ,TOPIC,At
                a@example.com,bounce,,2025-01-02T03:04:05Z
                b@example.com,SOFT_BOUNCE,,
                c@example.com,complaint,,
                d@example.com,unsubscribe, newsletter ,2025-01-03
                e@example.com,,,
                """);
        assertThat(rows).extracting(Row::kind).containsExactly(Row.Kind.HARD_BOUNCE, Row.Kind.SOFT_BOUNCE, Row.Kind.COMPLAINT,
                Row.Kind.TOPIC_UNSUBSCRIBE, Row.Kind.UNSUBSCRIBE);
        assertThat(rows.get(0).at()).isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
        assertThat(rows.get(0).email()).isEqualTo("a@example.com");
        assertThat(rows.get(1).at()).isNull();
        assertThat(rows.get(3).topic()).isEqualTo("newsletter");
        assertThat(rows.get(3).at()).isEqualTo(Instant.parse("2025-01-03T00:00:00Z"));
        assertThat(rows.get(4).topic()).isNull();
    }

    @Test
    void csvRowsWithoutAReasonAreWhatReasonSaysElseOptOutsOfAllMail() throws IOException {
        assertThat(only(Format.csv, ListKind.BOUNCE, "email\na@example.com\n").kind()).isEqualTo(Row.Kind.HARD_BOUNCE);
        assertThat(only(Format.csv, null, "email\na@example.com\n").kind()).isEqualTo(Row.Kind.UNSUBSCRIBE);
        assertThat(only(Format.csv, ListKind.BOUNCE, "email,reason\na@example.com,complaint\n").kind())
                .as("the row's own reason wins").isEqualTo(Row.Kind.COMPLAINT);
    }

    @Test
    void csvRowsThatCannotBeImportedSayWhy() throws IOException {
        List<Row> rows = rows(Format.csv, null, """
                email,reason,topic
                a@example.com,moved-away,
                b@example.com,bounce,newsletter
                c@example.com,unsubscribe,no-such-topic
                d@example.com,unsubscribe,,extra
                ,bounce,
                """);
        assertThat(rows).extracting(Row::invalid).containsExactly(
                "reason 'moved-away' is not hard_bounce (or bounce), soft_bounce, complaint or unsubscribe",
                "a topic goes only with reason unsubscribe",
                "topic 'no-such-topic' is not in the catalog",
                "4 fields, but the header names 3",
                "no address");
        assertThat(rows).extracting(Row::line).containsExactly(2, 3, 4, 5, 6);
        assertThat(rows).extracting(Row::kind).containsOnlyNulls();
    }

    @Test
    void aCsvRowShorterThanItsHeaderIsRead() throws IOException {
        Row r = only(Format.csv, null, "email,reason,topic,at\na@example.com,bounce\n");
        assertThat(r.kind()).isEqualTo(Row.Kind.HARD_BOUNCE);
        assertThat(r.invalid()).isNull();
    }

    @Test
    void aFileThatIsNotTheFormatItWasTakenForIsRefusedAsAWhole() {
        assertThatThrownBy(() -> rows(Format.csv, null, "")).isInstanceOf(IOException.class).hasMessageContaining("header row");
        assertThatThrownBy(() -> rows(Format.sendgrid, ListKind.BOUNCE, "{\"items\": []}"))
                .isInstanceOf(IOException.class).hasMessageContaining("JSON array");
        assertThatThrownBy(() -> rows(Format.ses, null, "[]"))
                .isInstanceOf(IOException.class).hasMessageContaining("\"SuppressedDestinationSummaries\"");
        assertThatThrownBy(() -> rows(Format.mailgun, ListKind.BOUNCE, "{\"paging\": {}, \"count\": 3}"))
                .isInstanceOf(IOException.class).hasMessage("no \"items\" array in the file");
        assertThatThrownBy(() -> rows(Format.mailgun, ListKind.BOUNCE, "{\"items\": {\"address\": \"a@example.com\"}}"))
                .as("items that is not an array").isInstanceOf(IOException.class).hasMessage("no \"items\" array in the file");
    }

    @Test
    void anEmptyListHasNoRows() throws IOException {
        assertThat(rows(Format.sendgrid, ListKind.BOUNCE, "[]")).isEmpty();
        assertThat(rows(Format.ses, null, "{\"SuppressedDestinationSummaries\": []}")).isEmpty();
        assertThat(rows(Format.csv, null, "email,reason\n")).isEmpty();
    }

    @Test
    void formatsAreToldApartEvenAfterAByteOrderMarkOrBlankLines() {
        assertThat(Format.detect("\uFEFFemail,reason\n")).isEqualTo(Format.csv);
        assertThat(Format.detect("\uFEFF\n  {\"Suppressions\": []}")).isEqualTo(Format.postmark);
        assertThat(Format.detect("\n\n  [ ]")).isEqualTo(Format.sendgrid);
        assertThat(Format.detect("name, \"Email\" ,at\n")).isEqualTo(Format.csv);
        assertThat(Format.detect("emails,reason\n")).isNull();
        assertThat(Format.detect("name\nemail\n")).as("only the header row names the columns").isNull();
    }

    @Test
    void onlySendgridAndMailgunListsNeedToBeToldWhatTheyList() {
        for (Format f : Format.values()) {
            assertThat(f.needsListKind()).as(f.toString()).isEqualTo(f == Format.sendgrid || f == Format.mailgun);
        }
        assertThat(Format.mailchimp).hasToString("mailchimp");
    }

    @Test
    void theReasonOptionAcceptsEachProvidersNameForItsLists() {
        for (String s : List.of("bounce", "Bounces", "hard-bounce", "HARD_BOUNCE", "hardbounce", "cleaned")) {
            assertThat(ListKind.parse(s)).as(s).isEqualTo(ListKind.BOUNCE);
        }
        for (String s : List.of("soft_bounce", "soft-bounce", "softbounce")) {
            assertThat(ListKind.parse(s)).as(s).isEqualTo(ListKind.SOFT_BOUNCE);
        }
        for (String s : List.of("complaint", "complaints", "spam", "spam_report", "spam-reports", "SpamComplaint")) {
            assertThat(ListKind.parse(s)).as(s).isEqualTo(ListKind.COMPLAINT);
        }
        for (String s : List.of(" unsubscribe ", "unsubscribes", "unsubscribed", "optout", "opt-out")) {
            assertThat(ListKind.parse(s)).as(s).isEqualTo(ListKind.UNSUBSCRIBE);
        }
        assertThat(ListKind.parse("moved-away")).isNull();
        assertThat(ListKind.parse(null)).isNull();
        assertThat(ListKind.values()).extracting(k -> k.kind)
                .containsExactly(Row.Kind.HARD_BOUNCE, Row.Kind.SOFT_BOUNCE, Row.Kind.COMPLAINT, Row.Kind.UNSUBSCRIBE);
    }
}
