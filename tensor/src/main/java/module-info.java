/**
 * Jacobi tensors: n-dimensional strided tensors over off-heap storage, their operations,
 * SIMD CPU kernels and NumPy / safetensors I/O.
 */
module dev.jacobi.tensor {
    requires static jdk.incubator.vector;

    exports dev.jacobi.tensor;
    exports dev.jacobi.tensor.io;
    exports dev.jacobi.tensor.cpu;
    exports dev.jacobi.tensor.ops;
    exports dev.jacobi.tensor.autograd;
    exports dev.jacobi.tensor.device;
}
