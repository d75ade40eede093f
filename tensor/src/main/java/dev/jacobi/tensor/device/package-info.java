/**
 * Devices other than the CPU: the {@link dev.jacobi.tensor.device.DeviceBackend} a device implements
 * (a short list of low-level ops) and {@link dev.jacobi.tensor.device.Devices}, where the op classes of
 * {@code dev.jacobi.tensor.ops} hand device tensors over to it. {@link dev.jacobi.tensor.Tensor} and its
 * autograd rules are the same on every device.
 */
package dev.jacobi.tensor.device;
