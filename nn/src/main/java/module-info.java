/** Jacobi neural-network layers, losses, optimizers and serialization. */
module dev.jacobi.nn {
    requires transitive dev.jacobi.tensor;
    requires me.tongfei.progressbar;
    requires static jdk.incubator.vector;

    exports dev.jacobi.nn;
    exports dev.jacobi.nn.data;
    exports dev.jacobi.nn.layers;
    exports dev.jacobi.nn.loss;
    exports dev.jacobi.nn.optim;

    // Packages are exported as the issues that fill them land.
}
