package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;
import dev.jacobi.tensor.cpu.WorkerThreads;

/**
 * Products of a packed ternary weight matrix W [out, in] with int8 activations X [batch, in], exact in
 * int32: {@code Y[b, o] = sum_i W[o, i] X[b, i]} (BitNet b1.58's {@code X̃ W̃ᵀ} before the per-row
 * scale γ / s). No product can overflow int32 for in below 2^24 (each term is at most 128 in size).
 *
 * <p>One batch row runs a GEMV kernel, more rows a GEMM kernel; both split the output rows over
 * {@link WorkerThreads}. With {@link Simd#enabled()} the kernels are {@link VectorTernaryKernels};
 * otherwise {@link ScalarTernaryKernels}, the plain reference they are tested against.
 */
public final class TernaryGemm {
    /** Products with fewer multiply-adds run on the calling thread alone: a hand-off costs about as much. */
    static final long PARALLEL_MIN_WORK = 1L << 18;

    private TernaryGemm() {
    }

    /**
     * The exact product of {@code w} with {@code x}.
     *
     * @param w the packed weights [out, in]
     * @param x INT8 activations [batch, in], or [in] for a matrix-vector product
     * @return INT32 [batch, out], or [out] when x is 1-D
     * @throws IllegalArgumentException when x is not INT8 of rank 1 or 2 or its last dimension is not in
     */
    public static Tensor multiply(PackedTernary w, Tensor x) {
        return multiply(w, x, Simd.enabled());
    }

    /** As {@link #multiply(PackedTernary, Tensor)} with the vector kernels ({@code vector}) or the scalar ones. */
    static Tensor multiply(PackedTernary w, Tensor x, boolean vector) {
        if (x.dtype() != DType.INT8 || x.rank() < 1 || x.rank() > 2 || x.shape()[x.rank() - 1] != w.cols()) {
            throw new IllegalArgumentException("TernaryGemm.multiply: activations must be int8 [batch, " + w.cols()
                    + "] or [" + w.cols() + "] for weights [" + w.rows() + ", " + w.cols() + "], got " + x.dtype() + " "
                    + Shapes.format(x.shape()));
        }
        boolean vectorInput = x.rank() == 1;
        Tensor xs = (vectorInput ? x.reshape(1, w.cols()) : x).contiguous();
        int batch = xs.shape()[0];
        Tensor y = Tensor.empty(DType.INT32, batch, w.rows());
        if (batch > 0 && w.rows() > 0) {
            run(w, xs, y, vector);
        }
        return vectorInput ? y.reshape(w.rows()) : y;
    }

    /** Splits the output rows into one part per thread (in whole row groups) and runs the kernel on each. */
    private static void run(PackedTernary w, Tensor x, Tensor y, boolean vector) {
        int rows = w.rows();
        int batch = x.shape()[0];
        long work = (long) rows * w.cols() * batch;
        int unit = PackedTernary.TL1.ROW_GROUP;
        int units = (rows + unit - 1) / unit;
        int parts = work < PARALLEL_MIN_WORK ? 1 : Math.min(WorkerThreads.count(), units);
        Runnable[] tasks = new Runnable[parts];
        for (int t = 0; t < parts; t++) {
            int r0 = Math.min(rows, (int) ((long) units * t / parts) * unit);
            int r1 = Math.min(rows, (int) ((long) units * (t + 1) / parts) * unit);
            tasks[t] = () -> {
                if (vector) {
                    VectorTernaryKernels.multiply(w, x, y, r0, r1);
                } else {
                    ScalarTernaryKernels.multiply(w, x, y, r0, r1);
                }
            };
        }
        WorkerThreads.runAll(tasks);
    }
}
