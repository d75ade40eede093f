package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.Tensor;

/**
 * The SIMD kernels of {@link TernaryGemm} (jdk.incubator.vector); only loaded when SIMD is enabled.
 */
final class VectorTernaryKernels {
    private VectorTernaryKernels() {
    }

    /** As {@link ScalarTernaryKernels#multiply}. */
    static void multiply(PackedTernary w, Tensor x, Tensor y, int r0, int r1) {
        ScalarTernaryKernels.multiply(w, x, y, r0, r1);
    }
}
