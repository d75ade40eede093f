package dev.jacobi.cl;

import java.util.ArrayList;
import java.util.List;

/**
 * Optional per-launch timing with OpenCL events. While enabled, every launch through
 * {@link ClContext#launch} waits for its kernel to finish and records a {@link LaunchTiming}, which
 * serialises the queue: enable it to measure, not in production runs.
 */
public final class ClProfiler {
    private volatile boolean enabled;
    private final List<LaunchTiming> timings = new ArrayList<>();

    ClProfiler() {
    }

    /** Starts recording launches. */
    public void enable() {
        enabled = true;
    }

    /** Stops recording launches (the recorded ones stay). */
    public void disable() {
        enabled = false;
    }

    /** True while launches are recorded. */
    public boolean isEnabled() {
        return enabled;
    }

    /** The launches recorded so far, oldest first. */
    public synchronized List<LaunchTiming> timings() {
        return List.copyOf(timings);
    }

    /** Sum of the device run times recorded, in nanoseconds. */
    public synchronized long totalRunNanos() {
        return timings.stream().mapToLong(LaunchTiming::runNanos).sum();
    }

    /** Forgets the recorded launches. */
    public synchronized void clear() {
        timings.clear();
    }

    synchronized void record(LaunchTiming timing) {
        timings.add(timing);
    }
}
