package dev.optout.address;

import java.util.Objects;

/**
 * A canonical email address: the one form under which optout knows a person on every path
 * (check, unsubscribe, preferences, SES feedback). Build it with {@link AddressParser#parse}.
 */
public final class EmailAddress {
    private final String localPart;
    private final String domain;
    private final String value;

    EmailAddress(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
        this.value = localPart + "@" + domain;
    }

    /** Canonical form, e.g. {@code jane@xn--bcher-kva.example}. */
    public String value() {
        return value;
    }

    public String localPart() {
        return localPart;
    }

    /** Domain in lowercase ASCII (IDN labels in punycode). */
    public String domain() {
        return domain;
    }

    /**
     * A form safe to show to the person or an operator without disclosing the whole address:
     * {@code j***e@example.com}. Used on pages; logs use the address key instead.
     */
    public String masked() {
        String l = localPart;
        String shown = l.length() <= 3 ? l.substring(0, 1) + "***" : l.charAt(0) + "***" + l.charAt(l.length() - 1);
        return shown + "@" + domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmailAddress && ((EmailAddress) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
