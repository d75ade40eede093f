/** Jacobi neural-network layers, losses, optimizers and serialization. */
module dev.jacobi.nn {
    requires transitive dev.jacobi.tensor;
    // The attention kernels use the Vector API only when dev.jacobi.tensor.cpu.Simd says it is present.
    requires static jdk.incubator.vector;

    // Packages are exported as the issues that fill them land.
    exports dev.jacobi.nn.attention;
}
