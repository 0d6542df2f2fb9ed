package dev.optout.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB bills it (Developer Guide, "Item sizes and formats"): each attribute
 * name's UTF-8 bytes plus its value: strings their UTF-8 bytes, numbers about one byte per two
 * significant digits plus one, binary its bytes, null and booleans one byte, lists and maps three
 * bytes plus one byte per element plus their elements, sets the sum of their members. Read and
 * write request units follow from it ({@link #readUnits}, {@link #writeUnits}).
 */
final class ItemSize {
    private ItemSize() {
    }

    static long of(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8(e.getKey()) + value(e.getValue());
        }
        return size;
    }

    private static long value(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return number(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArray().length;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            long size = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                size += 1 + utf8(e.getKey()) + value(e.getValue());
            }
            return size;
        }
        if (v.hasL()) {
            long size = 3;
            for (AttributeValue e : v.l()) {
                size += 1 + value(e);
            }
            return size;
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(ItemSize::utf8).sum();
        }
        if (v.hasNs()) {
            return v.ns().stream().mapToLong(ItemSize::number).sum();
        }
        if (v.hasBs()) {
            return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        }
        throw new IllegalArgumentException("unknown attribute value type: " + v);
    }

    /** Significant digits, two to a byte, plus one byte (leading and trailing zeros do not count). */
    private static long number(String n) {
        String digits = n.replace("-", "").replace(".", "").replaceFirst("[eE].*", "");
        digits = digits.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return (Math.max(1, digits.length()) + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Read request units of reading an item of this size: one per 4 KB, rounded up, strongly
     * consistent; half for an eventually consistent read; at least one unit (or half) even when the
     * item does not exist. BatchGetItem bills each item as its own GetItem.
     */
    static double readUnits(long bytes, boolean stronglyConsistent) {
        long units = Math.max(1, (bytes + 4095) / 4096);
        return stronglyConsistent ? units : units / 2.0;
    }

    /**
     * Write request units of writing an item of this size: one per 1 KB, rounded up (of the larger
     * of the item before and after an update); twice that inside a transaction.
     */
    static double writeUnits(long bytes, boolean transactional) {
        long units = Math.max(1, (bytes + 1023) / 1024);
        return transactional ? 2.0 * units : units;
    }
}
