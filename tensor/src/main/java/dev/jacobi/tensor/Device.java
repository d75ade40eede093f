package dev.jacobi.tensor;

/**
 * Where a tensor's memory lives and where its ops run: the {@link #CPU}, or an {@link Accelerator}
 * (an OpenCL device, say) that another module provides.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(gen, 64, 64).to(device);   // device from OpenCl.device(), for example
 * Tensor y = x.matmul(x).relu().toCpu();
 * }</pre>
 *
 * <p>An op runs on the device of its operands. Operands on different devices are an error, except
 * 0-d CPU tensors (scalars), which follow the other operands.
 */
public sealed interface Device permits Device.Cpu, Accelerator {
    /** The host: off-heap memory and the SIMD kernels of {@code dev.jacobi.tensor.cpu}. */
    Device CPU = new Cpu();

    /** A short name for messages, such as {@code cpu} or {@code opencl:NVIDIA H100}. */
    String name();

    /** The host device; use {@link Device#CPU}. */
    record Cpu() implements Device {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
