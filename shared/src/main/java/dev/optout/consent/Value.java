package dev.optout.consent;

/** What a slot says: stop mail (opted out, suppressed, bounced) or let it go (opted in, lifted). */
public enum Value {
    STOP,
    GO
}
