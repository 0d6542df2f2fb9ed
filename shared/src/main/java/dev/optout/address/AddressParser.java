package dev.optout.address;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The one canonicalization of email addresses used on every path.
 *
 * <p>Accepts a bare address ({@code jane@example.com}), a name-addr with a display name
 * ({@code Jane Doe <Jane@Example.COM>}, {@code "Doe, Jane" <jane@example.com>}) and surrounding
 * white space. The canonical form is:
 * <ul>
 *   <li>the local part in lowercase (Unicode NFC, then lowercased in the root locale). RFC 5321 §2.4
 *   allows a server to treat the local part as case-sensitive, but no mainstream mailbox provider
 *   does, and two spellings of one mailbox must never count as two people: lowercasing can at worst
 *   merge two mailboxes (more suppression), never let an opt-out miss (less suppression);</li>
 *   <li>the domain lowercased, IDN labels in their ASCII (punycode, UTS #46 style via
 *   {@link IDN#toASCII}) form, a trailing root dot removed.</li>
 * </ul>
 * No provider-specific folding (Gmail dots, "+tag" subaddresses): {@code a.b+x@gmail.com} stays
 * itself. Quoted local parts, domain literals and comments are rejected: senders do not mail them.
 */
public final class AddressParser {
    /** The longest local part, in UTF-16 units after NFC (RFC 5321 §4.5.3.1.1 counts 64 octets; we count characters). */
    public static final int MAX_LOCAL_PART_CHARS = 64;
    private static final int MAX_LOCAL = MAX_LOCAL_PART_CHARS;
    private static final int MAX_DOMAIN = 253; // RFC 1035, without the root dot
    /** The longest canonical address, in UTF-16 units: RFC 5321's path limit less the angle brackets. */
    public static final int MAX_CHARS = 254;
    private static final int MAX_TOTAL = MAX_CHARS;
    /**
     * The longest canonical address in UTF-8 bytes: a local part of 64 UTF-16 units of at most 3
     * bytes each (a surrogate pair is 4 bytes for 2 units), '@', and an ASCII domain taking the rest
     * of the 254 characters: 64 x 3 + 1 + 189 = 382.
     */
    public static final int MAX_UTF8_BYTES = MAX_LOCAL * 3 + 1 + (MAX_TOTAL - MAX_LOCAL - 1);

    private AddressParser() {
    }

    /** Canonicalizes {@code raw} or throws with a readable reason. */
    public static EmailAddress parse(String raw) throws InvalidAddressException {
        if (raw == null) {
            throw new InvalidAddressException("no address given");
        }
        String addrSpec = extractAddrSpec(raw.strip());
        int at = addrSpec.lastIndexOf('@');
        if (at < 0) {
            throw new InvalidAddressException("missing '@'");
        }
        if (addrSpec.indexOf('@') != at) {
            throw new InvalidAddressException("more than one '@'");
        }
        String local = canonicalLocalPart(addrSpec.substring(0, at));
        String domain = canonicalDomain(addrSpec.substring(at + 1));
        if (local.length() + 1 + domain.length() > MAX_TOTAL) {
            throw new InvalidAddressException("address is longer than " + MAX_TOTAL + " characters");
        }
        return new EmailAddress(local, domain);
    }

    /** Like {@link #parse} but answers {@code null} for an invalid address. */
    public static EmailAddress parseOrNull(String raw) {
        try {
            return parse(raw);
        } catch (InvalidAddressException e) {
            return null;
        }
    }

    private static String extractAddrSpec(String s) throws InvalidAddressException {
        if (s.isEmpty()) {
            throw new InvalidAddressException("empty address");
        }
        if (s.endsWith(">")) {
            int open = lastUnquotedIndexOf(s, '<');
            if (open < 0) {
                throw new InvalidAddressException("'>' without '<'");
            }
            checkDisplayName(s.substring(0, open).strip());
            String inner = s.substring(open + 1, s.length() - 1).strip();
            if (inner.indexOf('<') >= 0 || inner.indexOf('>') >= 0) {
                throw new InvalidAddressException("nested angle brackets");
            }
            return inner;
        }
        if (s.indexOf('<') >= 0 || s.indexOf('>') >= 0) {
            throw new InvalidAddressException("unbalanced angle brackets");
        }
        return s;
    }

    private static int lastUnquotedIndexOf(String s, char c) {
        boolean quoted = false;
        int found = -1;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && quoted) {
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (ch == c && !quoted) {
                found = i;
            }
        }
        return quoted ? -1 : found;
    }

    private static void checkDisplayName(String name) throws InvalidAddressException {
        if (name.isEmpty()) {
            return;
        }
        if (name.startsWith("\"")) {
            if (name.length() < 2 || !name.endsWith("\"")) {
                throw new InvalidAddressException("unterminated quoted display name");
            }
            return;
        }
        // An unquoted display name is a phrase: it may not hold specials that would make the
        // header a list of addresses or a group (RFC 5322 §3.4).
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == ',' || ch == ';' || ch == '@' || ch == ':') {
                throw new InvalidAddressException("display name must be quoted when it contains '" + ch + "'");
            }
        }
    }

    private static String canonicalLocalPart(String local) throws InvalidAddressException {
        if (local.isEmpty()) {
            throw new InvalidAddressException("nothing before '@'");
        }
        if (local.startsWith("\"")) {
            throw new InvalidAddressException("quoted local parts are not accepted");
        }
        String normalized = Normalizer.normalize(local, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        if (normalized.length() > MAX_LOCAL) {
            throw new InvalidAddressException("part before '@' is longer than " + MAX_LOCAL + " characters");
        }
        if (normalized.startsWith(".") || normalized.endsWith(".") || normalized.contains("..")) {
            throw new InvalidAddressException("misplaced '.' before '@'");
        }
        for (int i = 0; i < normalized.length(); i++) {
            char ch = normalized.charAt(i);
            if (!isAtext(ch) && ch != '.') {
                throw new InvalidAddressException("character '" + printable(ch) + "' is not allowed before '@'");
            }
        }
        return normalized;
    }

    /** RFC 5322 atext, extended with non-ASCII letters and digits (RFC 6532). */
    private static boolean isAtext(char ch) {
        if (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
            return true;
        }
        if ("!#$%&'*+-/=?^_`{|}~".indexOf(ch) >= 0) {
            return true;
        }
        return ch > 127 && (Character.isLetterOrDigit(ch) || Character.isSurrogate(ch) || Character.getType(ch) == Character.NON_SPACING_MARK);
    }

    private static String canonicalDomain(String domain) throws InvalidAddressException {
        if (domain.isEmpty()) {
            throw new InvalidAddressException("nothing after '@'");
        }
        if (domain.startsWith("[")) {
            throw new InvalidAddressException("address literals are not accepted");
        }
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        String ascii;
        try {
            ascii = IDN.toASCII(Normalizer.normalize(domain, Normalizer.Form.NFC), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new InvalidAddressException("domain is not a valid internationalized domain name");
        }
        if (ascii.length() > MAX_DOMAIN) {
            throw new InvalidAddressException("domain is longer than " + MAX_DOMAIN + " characters");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            throw new InvalidAddressException("domain has no '.'");
        }
        for (String label : labels) {
            checkLabel(label);
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new InvalidAddressException("domain does not end in a name");
        }
        return ascii;
    }

    private static void checkLabel(String label) throws InvalidAddressException {
        if (label.isEmpty()) {
            throw new InvalidAddressException("empty label in domain");
        }
        if (label.length() > 63) {
            throw new InvalidAddressException("domain label is longer than 63 characters");
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw new InvalidAddressException("domain label starts or ends with '-'");
        }
        for (int i = 0; i < label.length(); i++) {
            char ch = label.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-')) {
                throw new InvalidAddressException("character '" + printable(ch) + "' is not allowed in the domain");
            }
        }
    }

    private static String printable(char ch) {
        return Character.isISOControl(ch) || Character.isWhitespace(ch) ? String.format("U+%04X", (int) ch) : String.valueOf(ch);
    }
}
