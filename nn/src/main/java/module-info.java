/** Jacobi neural-network layers, attention, losses, optimizers, data and training. */
module dev.jacobi.nn {
    requires transitive dev.jacobi.tensor;
    requires me.tongfei.progressbar;
    // The SIMD kernels (attention, fused optimizer steps) use the Vector API only when
    // dev.jacobi.tensor.cpu.Simd says it is present.
    requires static jdk.incubator.vector;

    exports dev.jacobi.nn;
    exports dev.jacobi.nn.attention;
    exports dev.jacobi.nn.data;
    exports dev.jacobi.nn.layers;
    exports dev.jacobi.nn.loss;
    exports dev.jacobi.nn.models;
    exports dev.jacobi.nn.optim;
    exports dev.jacobi.nn.train;
}
