package dev.optout.snapstart;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random bytes that are never shared between execution environments restored from one SnapStart
 * snapshot. Each thread draws from its own DRBG; {@link #renew()}, called from the functions'
 * {@code org.crac} {@code afterRestore} hook, makes every thread instantiate a new DRBG on its next
 * draw. A DRBG instantiated after the restore takes its seed from the operating system's entropy
 * source at that moment (Lambda renews the kernel's entropy on restore), so it holds nothing of the
 * state frozen in the snapshot. Without SnapStart {@code renew()} is simply never called.
 *
 * <p>This matters most for AES-GCM nonces ({@code TokenSealer}): two environments drawing the
 * same nonce sequence under one key would give away the GHASH key (NIST SP 800-38D §8).
 */
public final class RenewableRandom {
    private final AtomicInteger generation = new AtomicInteger();
    private final ThreadLocal<Drawn> local = new ThreadLocal<>();

    private record Drawn(int generation, SecureRandom random) {
    }

    /** Fills {@code bytes} with random bytes from this thread's current-generation DRBG. */
    public void nextBytes(byte[] bytes) {
        current().nextBytes(bytes);
    }

    /** A random number in [0, bound). */
    public long nextLong(long bound) {
        return Math.floorMod(current().nextLong(), bound);
    }

    /** Discards every thread's generator: each draws from a newly seeded one from now on. */
    public void renew() {
        generation.incrementAndGet();
    }

    private SecureRandom current() {
        int g = generation.get();
        Drawn d = local.get();
        if (d == null || d.generation() != g) {
            d = new Drawn(g, newRandom());
            local.set(d);
        }
        return d.random();
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    }
}
