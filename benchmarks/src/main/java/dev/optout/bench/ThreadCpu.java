package dev.optout.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and allocation of this JVM's Java threads, from the per-thread counters
 * ({@link com.sun.management.ThreadMXBean}): our code, the SDK and its HTTP client on whatever
 * thread they ran, and none of the time spent waiting. Not counted: the JIT compiler's threads and
 * the garbage collector (not Java threads), so a warmed-up run measures the steady state.
 */
final class ThreadCpu {
    private static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Map<Long, long[]> start = snapshot();

    /** Nanoseconds of CPU used since this was made, by every Java thread (threads started since count from zero). */
    long cpuNanos() {
        return delta(0);
    }

    /** Bytes allocated since this was made, by every Java thread. */
    long allocatedBytes() {
        return delta(1);
    }

    private long delta(int which) {
        long sum = 0;
        for (Map.Entry<Long, long[]> e : snapshot().entrySet()) {
            long[] before = start.get(e.getKey());
            long now = e.getValue()[which];
            if (now >= 0) {
                sum += now - (before == null || before[which] < 0 ? 0 : before[which]);
            }
        }
        return sum;
    }

    private static Map<Long, long[]> snapshot() {
        Map<Long, long[]> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("CompilerThread")) {
                continue;
            }
            long id = t.getId();
            m.put(id, new long[] {MX.getThreadCpuTime(id), MX.getThreadAllocatedBytes(id)});
        }
        return m;
    }
}
