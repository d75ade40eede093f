package dev.jacobi.tensor.device;

import dev.jacobi.tensor.Accelerator;

/**
 * The memory of a device {@link dev.jacobi.tensor.Storage}: a handle owned by the device's backend, which
 * alone knows what is behind it (an OpenCL buffer, say).
 */
public interface DeviceMemory {
    /** The device that holds the memory. */
    Accelerator device();

    /** True until the memory has been released. */
    boolean isAlive();
}
