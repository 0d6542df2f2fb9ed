package dev.optout.token;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What a mailto: unsubscribe address stands for, once opened by {@link MailtoSealer}: whose
 * opt-out (the address's table key, not the address), which topic, and the day it was issued.
 *
 * <p>It carries the table key rather than the address because a mail's local part holds at most
 * 64 octets and an address alone can take 254; the key is all the suppression table needs to
 * record the opt-out (see {@link MailtoSealer} for the layout and why).
 *
 * @param addressKey the address's table key, as {@link dev.optout.address.AddressKeys#keyOf} gives it
 * @param topic      the topic the mail was about, or {@code null}: all marketing mail
 * @param issuedOn   the UTC day the address was handed out
 */
public record MailtoToken(String addressKey, String topic, LocalDate issuedOn) {
    public MailtoToken {
        Objects.requireNonNull(addressKey, "addressKey");
        Objects.requireNonNull(issuedOn, "issuedOn");
    }

    /** Whether it covers all marketing mail rather than one topic. */
    public boolean allMarketingMail() {
        return topic == null;
    }
}
