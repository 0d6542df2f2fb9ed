package dev.optout.suppression;

import dev.optout.address.EmailAddress;
import java.net.IDN;
import java.util.Locale;

/**
 * What erasure looks for: a text "mentions" an address when it holds the canonical address, its
 * domain in Unicode form, or its local part followed by '@', in any letter case. Such text is
 * dropped from the table when the address is forgotten (and never written once it is).
 */
public final class Erasure {
    private Erasure() {
    }

    public static boolean mentions(String text, EmailAddress address) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        String t = text.toLowerCase(Locale.ROOT);
        if (t.contains(address.value()) || t.contains(address.localPart() + "@")) {
            return true;
        }
        String unicode = address.localPart() + "@" + IDN.toUnicode(address.domain()).toLowerCase(Locale.ROOT);
        return t.contains(unicode);
    }
}
