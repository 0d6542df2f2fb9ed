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
}
