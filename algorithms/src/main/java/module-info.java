/** Jacobi algorithms: one package per paper, built on the tensor and nn modules. */
module dev.jacobi.algorithms {
    requires transitive dev.jacobi.nn;
    requires java.desktop;

    // Packages are exported as the issues that fill them land.
    exports dev.jacobi.algorithms.compress;
    exports dev.jacobi.algorithms.flow;
    exports dev.jacobi.algorithms.quality;
    exports dev.jacobi.algorithms.wavelet;
}
