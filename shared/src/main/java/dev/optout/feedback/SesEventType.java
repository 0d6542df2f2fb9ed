package dev.optout.feedback;

import java.util.Locale;

/**
 * The SES event kinds: {@code notificationType} of identity notifications (Bounce, Complaint,
 * Delivery) and {@code eventType} of configuration-set event publishing (all of them).
 */
public enum SesEventType {
    BOUNCE("Bounce"),
    COMPLAINT("Complaint"),
    DELIVERY("Delivery"),
    SEND("Send"),
    REJECT("Reject"),
    DELIVERY_DELAY("DeliveryDelay"),
    SUBSCRIPTION("Subscription"),
    OPEN("Open"),
    CLICK("Click"),
    RENDERING_FAILURE("Rendering Failure"),
    /** A type SES may add later: acknowledged, never acted on. */
    UNKNOWN("Unknown");

    private final String wireName;

    SesEventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name SES uses, e.g. {@code "Rendering Failure"}. */
    public String wireName() {
        return wireName;
    }

    static SesEventType fromWire(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        for (SesEventType t : values()) {
            if (t.wireName.toLowerCase(Locale.ROOT).replace(" ", "").equals(n)) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
