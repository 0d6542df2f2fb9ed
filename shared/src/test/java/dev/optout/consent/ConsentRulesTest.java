package dev.optout.consent;

import static org.junit.jupiter.api.Assertions.*;

import dev.optout.consent.Slot.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The authority table a compliance officer reads (docs/rules/consent-model.md) is the one the code applies. */
class ConsentRulesTest {
    @Test
    void theDocumentedAuthorityTableIsTheCodes() throws IOException {
        Path doc = dev.optout.localaws.ProjectRoot.find().resolve("docs/rules/consent-model.md");
        String text = Files.readString(doc);
        String table = text.substring(text.indexOf("<!-- authority-table"), text.indexOf("<!-- end authority-table"));
        List<String> rows = table.lines().filter(l -> l.startsWith("| `")).toList();
        assertEquals(Kind.values().length, rows.size(), "one row per slot kind");
        for (String row : rows) {
            String[] cells = Arrays.stream(row.split("\\|")).map(String::strip).filter(c -> !c.isEmpty()).toArray(String[]::new);
            Kind kind = Kind.valueOf(cells[0].replace("`", ""));
            assertEquals(ConsentRules.whoMay(kind, Value.STOP), authorities(cells[1]), kind + " STOP");
            assertEquals(ConsentRules.whoMay(kind, Value.GO), authorities(cells[2]), kind + " GO");
        }
    }

    private static Set<Authority> authorities(String cell) {
        if (cell.equals("nobody")) {
            return EnumSet.noneOf(Authority.class);
        }
        return Arrays.stream(cell.split(",")).map(String::strip).map(Authority::valueOf)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(Authority.class)));
    }

    private static final java.time.Instant T = java.time.Instant.parse("2026-12-01T10:00:00Z");

    private static dev.optout.suppression.Provenance system(java.time.Instant at) {
        return new dev.optout.suppression.Provenance(dev.optout.suppression.Source.SYSTEM, at, null, null, java.util.Map.of(), "crm", null);
    }

    @Test
    void anotherSystemReportsThePersonsOwnActItsOptInNeverOverridesANewerOptOutAndLiftsNoComplaint() {
        assertEquals(Authority.SYSTEM, Authority.of(system(T)));
        assertTrue(ConsentRules.may(Authority.SYSTEM, Kind.PERSON_CHOICE, Value.STOP));
        assertTrue(ConsentRules.may(Authority.SYSTEM, Kind.PERSON_CHOICE, Value.GO));
        for (Kind kind : List.of(Kind.OPERATOR_HOLD, Kind.COMPLAINT, Kind.HARD_BOUNCE, Kind.SOFT_BOUNCE_STOP, Kind.FORGOTTEN, Kind.FREQUENCY)) {
            assertFalse(ConsentRules.may(Authority.SYSTEM, kind, Value.GO), kind + " GO");
        }

        // the system's opt-out stops mail like the person's own
        ConsentState out = ConsentModel.apply(ConsentState.EMPTY, dev.optout.suppression.Change.unsubscribeAll(system(T))).state();
        assertTrue(out.stops(Slot.all(Kind.PERSON_CHOICE)));
        // the person opts out by one-click at T+60; the CRM reports an opt-in made at T+30: recorded, not applied
        ConsentState person = ConsentModel.apply(ConsentState.EMPTY, dev.optout.suppression.Change.unsubscribeAll(
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.ONE_CLICK, T.plusSeconds(60)))).state();
        Outcome older = ConsentModel.apply(person, dev.optout.suppression.Change.resubscribeAll(system(T.plusSeconds(30))));
        assertTrue(older.stale());
        assertTrue(older.state().stops(Slot.all(Kind.PERSON_CHOICE)));
        // an opt-in the person made later than their opt-out, reported by the system, applies
        Outcome newer = ConsentModel.apply(person, dev.optout.suppression.Change.resubscribeAll(system(T.plusSeconds(90))));
        assertFalse(newer.state().stops(Slot.all(Kind.PERSON_CHOICE)));
        // a complaint stays whatever the system reports
        ConsentState complained = ConsentModel.apply(ConsentState.EMPTY, dev.optout.suppression.Change.of(dev.optout.suppression.Action.COMPLAINT,
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.SES_COMPLAINT, T))).state();
        assertTrue(ConsentModel.apply(complained, dev.optout.suppression.Change.resubscribeAll(system(T.plusSeconds(90))))
                .state().stops(Slot.all(Kind.COMPLAINT)));
    }

    @Test
    void aComplaintIsLiftedByTheConfirmedMailRoundTripNeverByALinkAlone() {
        ConsentState complained = ConsentModel.apply(ConsentState.EMPTY, dev.optout.suppression.Change.of(dev.optout.suppression.Action.COMPLAINT,
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.SES_COMPLAINT, T))).state();
        dev.optout.suppression.Change byLink = dev.optout.suppression.Change.resubscribeAll(
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.UNSUBSCRIBE_PAGE, T.plusSeconds(60)));
        assertEquals(ConsentRules.Lock.COMPLAINT_LOCKED, ConsentRules.lockAgainst(complained, byLink));
        assertTrue(ConsentModel.apply(complained, byLink).state().stops(Slot.all(Kind.COMPLAINT)), "a link alone lifts nothing");

        dev.optout.suppression.Change confirmed = dev.optout.suppression.Change.resubscribeAll(
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.CONFIRMED_OPT_IN, T.plusSeconds(120)));
        assertEquals(Authority.PERSON_CONFIRMED, Authority.of(confirmed.provenance()));
        assertNull(ConsentRules.lockAgainst(complained, confirmed));
        Outcome lifted = ConsentModel.apply(complained, confirmed);
        assertFalse(lifted.state().stops(Slot.all(Kind.COMPLAINT)));
        Effect complaint = lifted.effects().stream().filter(e -> e.slot().kind() == Kind.COMPLAINT).findFirst().orElseThrow();
        assertEquals(Effect.Result.APPLIED, complaint.result());
        assertTrue(complaint.why().contains("confirmed it from the mail sent to the address"), complaint.why());
        assertTrue(ConsentModel.decide(lifted.state(), new dev.optout.topic.Topic("news", true, java.util.Map.of("en", "News"),
                java.util.Map.of())).allowed());

        // a confirmed topic opt-in does not lift the complaint: the confirmation for a topic is no request for mail again
        dev.optout.suppression.Change topic = dev.optout.suppression.Change.subscribeTopic("events",
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.CONFIRMED_OPT_IN, T.plusSeconds(120)));
        assertEquals(ConsentRules.Lock.COMPLAINT_LOCKED, ConsentRules.lockAgainst(complained, topic));
        assertTrue(ConsentModel.apply(complained, topic).state().stops(Slot.all(Kind.COMPLAINT)));
        // a bounce stays: the round-trip says what the person wants, not that the mailbox works again
        ConsentState bounced = ConsentModel.apply(ConsentState.EMPTY, dev.optout.suppression.Change.of(dev.optout.suppression.Action.HARD_BOUNCE,
                dev.optout.suppression.Provenance.of(dev.optout.suppression.Source.SES_BOUNCE, T))).state();
        assertEquals(ConsentRules.Lock.BOUNCE_LOCKED, ConsentRules.lockAgainst(bounced, confirmed));
        assertTrue(ConsentModel.apply(bounced, confirmed).state().stops(Slot.all(Kind.HARD_BOUNCE)));
    }
}
