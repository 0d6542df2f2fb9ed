package dev.optout.suppression;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's request about their own data, served: for the report, which counts them and holds the
 * time each took against UU PDP's 3×24 hours. Kept in the table without the address or its key
 * ({@link SuppressionStore#recordDataRequest}), so it survives the erasure it may record and names
 * no one:
 *
 * <pre>
 * pk = DR#&lt;UTC day served&gt;   sk = &lt;served at, ISO-8601&gt;#&lt;kind&gt;
 *      request (ACCESS | ERASURE), src (PREFERENCE_CENTER, OPERATOR), requestedAt, at (served at)
 * </pre>
 *
 * @param kind        what was asked for
 * @param source      where it was served (the preference page, the command line)
 * @param requestedAt when the person asked (the page: the request's arrival; the command line: as the operator says)
 * @param servedAt    when it was done
 */
public record DataRequest(Kind kind, Source source, Instant requestedAt, Instant servedAt) {
    public static final String PREFIX = "DR#";

    public enum Kind {
        /** "Download my data" (GDPR Art. 15 and 20, UU PDP Pasal 32). */
        ACCESS,
        /** "Erase me", {@code ./optout forget} (GDPR Art. 17, UU PDP). */
        ERASURE
    }

    public DataRequest {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(source);
        Objects.requireNonNull(requestedAt);
        Objects.requireNonNull(servedAt);
        if (servedAt.isBefore(requestedAt)) {
            throw new IllegalArgumentException("served (" + servedAt + ") before it was asked for (" + requestedAt + ")");
        }
    }

    /** How long serving it took. */
    public Duration took() {
        return Duration.between(requestedAt, servedAt);
    }
}
