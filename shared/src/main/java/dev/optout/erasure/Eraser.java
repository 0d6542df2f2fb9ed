package dev.optout.erasure;

import dev.optout.address.EmailAddress;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SuppressionStore;
import java.util.List;

/**
 * Erases an address. {@link AddressErasure} is the whole erasure (the table, the SES account
 * suppression list, the queues named); {@link #tableOnly} is its table part alone. This interface
 * names no SES or SQS type, so code that only may erase (the preference center, which
 * PendingChangesFunction also loads without the SES v2 client in its jar) never loads one.
 */
@FunctionalInterface
public interface Eraser {
    AddressErasure.Result forget(EmailAddress address, Provenance provenance);

    /**
     * The table part: the address in clear and evidence naming it leave the table when it is
     * there, the key, marks and actions stay ({@link SuppressionStore#forget}); nothing beyond.
     */
    static Eraser tableOnly(SuppressionStore store) {
        return (address, provenance) -> {
            AddressState before = store.read(address);
            if (!before.exists()) {
                return new AddressErasure.Result(null, before, AddressErasure.SesResult.NOT_MIRRORED, null, List.of());
            }
            int scrubbed = store.forget(address, provenance);
            return new AddressErasure.Result(scrubbed, store.read(address), AddressErasure.SesResult.NOT_MIRRORED, null, List.of());
        };
    }
}
