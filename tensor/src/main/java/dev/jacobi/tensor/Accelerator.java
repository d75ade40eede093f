package dev.jacobi.tensor;

import dev.jacobi.tensor.device.DeviceBackend;

/**
 * A device other than the CPU. Modules such as {@code dev.jacobi.cl} implement it; the tensor engine
 * reaches the device only through its {@link #backend()}, a short list of low-level ops.
 *
 * <p>Implementations compare by identity: one instance per physical device (and context).
 */
public non-sealed interface Accelerator extends Device {
    /** The ops of this device. */
    DeviceBackend backend();
}
