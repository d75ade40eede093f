/** Jacobi neural-network layers, losses, optimizers and serialization. */
module dev.jacobi.nn {
    requires transitive dev.jacobi.tensor;
    requires me.tongfei.progressbar;

    exports dev.jacobi.nn;
    exports dev.jacobi.nn.data;
    exports dev.jacobi.nn.layers;

    // Packages are exported as the issues that fill them land.
}
