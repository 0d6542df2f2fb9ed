package dev.optout.token;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Link keys for another kind of link, derived from the link keys ({@link LinkKeys#derive}): a
 * token sealed under them opens only with them, so a confirmation link is never an unsubscribe
 * or preference link, and the other way round. No new secret is deployed; rotating the link keys
 * rotates these (the same key ids, the same one active).
 */
public final class PurposeKeys implements LinkKeySource {
    private final LinkKeySource base;
    private final byte[] label;
    private volatile Derived derived;

    private record Derived(LinkKeys from, LinkKeys keys) {
    }

    /** @param label what the keys are for, e.g. {@code "optout confirm token key v1"} (never reused for another purpose) */
    public PurposeKeys(LinkKeySource base, String label) {
        this.base = Objects.requireNonNull(base);
        this.label = label.getBytes(StandardCharsets.US_ASCII);
        this.derived = derive(base.current());
    }

    private Derived derive(LinkKeys from) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String id : from.ids()) {
            keys.put(id, from.derive(id, label));
        }
        return new Derived(from, new LinkKeys(from.activeId(), keys));
    }

    @Override
    public LinkKeys current() {
        return follow(base.current());
    }

    @Override
    public LinkKeys afterUnknownKey(String keyId) {
        return follow(base.afterUnknownKey(keyId));
    }

    private LinkKeys follow(LinkKeys now) {
        Derived d = derived;
        if (d.from() != now) {
            d = derive(now);
            derived = d;
        }
        return d.keys();
    }
}
