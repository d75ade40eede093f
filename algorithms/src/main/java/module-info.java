/** Jacobi algorithms: one package per paper, built on the tensor and nn modules. */
module dev.jacobi.algorithms {
    requires transitive dev.jacobi.nn;
    // javax.imageio: the JPEG codec, PNG sizes of latent mosaics, bundled photographs.
    requires java.desktop;
    // SIMD kernels (ternary GEMM, EP relaxation, wavelet packets) use the Vector API only when
    // dev.jacobi.tensor.cpu.Simd says it is present.
    requires static jdk.incubator.vector;

    // Packages are exported as the issues that fill them land.
    exports dev.jacobi.algorithms.bitnet;
    exports dev.jacobi.algorithms.bitnet.kernels;
    exports dev.jacobi.algorithms.compress;
    exports dev.jacobi.algorithms.ep;
    exports dev.jacobi.algorithms.flow;
    exports dev.jacobi.algorithms.quality;
    exports dev.jacobi.algorithms.wavelet;
}
