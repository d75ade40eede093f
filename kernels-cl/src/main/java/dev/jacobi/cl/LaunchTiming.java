package dev.jacobi.cl;

/**
 * The device time of one kernel launch, from its OpenCL profiling event.
 *
 * @param kernel      the kernel's name
 * @param queuedNanos from enqueue to the start of execution (launch overhead and waiting)
 * @param runNanos    from the start to the end of execution on the device
 */
public record LaunchTiming(String kernel, long queuedNanos, long runNanos) {
}
