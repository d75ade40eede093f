package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The plain kernels of {@link TernaryGemm}: decode each weight from its packed bits and add it times
 * the activation, in int. The reference for {@link VectorTernaryKernels} and the path when SIMD is off.
 */
final class ScalarTernaryKernels {
    private ScalarTernaryKernels() {
    }

    /** y[b, o] = sum_i w[o, i] x[b, i] for output rows r0 <= o < r1; x INT8 and y INT32 contiguous. */
    static void multiply(PackedTernary w, Tensor x, Tensor y, int r0, int r1) {
        MemorySegment xs = x.storage().segment();
        MemorySegment ys = y.storage().segment();
        MemorySegment ws = w.data().storage().segment();
        long wo = w.data().offset();
        int batch = x.shape()[0];
        int cols = w.cols();
        int rows = w.rows();
        int[] xr = new int[cols];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < cols; i++) {
                xr[i] = xs.get(ValueLayout.JAVA_BYTE, x.offset() + (long) b * cols + i);
            }
            long yo = y.offset() + (long) b * rows;
            switch (w) {
                case PackedTernary.I2S p -> {
                    int rowBytes = cols / 4;
                    for (int o = r0; o < r1; o++) {
                        int acc = 0;
                        long base = wo + (long) o * rowBytes;
                        for (int blk = 0; blk < cols; blk += PackedTernary.I2S.BLOCK) {
                            for (int j = 0; j < 32; j++) {
                                int v = ws.get(ValueLayout.JAVA_BYTE, base + blk / 4 + j);
                                acc += (((v >>> 6) & 3) - 1) * xr[blk + j] + (((v >>> 4) & 3) - 1) * xr[blk + j + 32]
                                        + (((v >>> 2) & 3) - 1) * xr[blk + j + 64] + ((v & 3) - 1) * xr[blk + j + 96];
                            }
                        }
                        ys.setAtIndex(ValueLayout.JAVA_INT, yo + o, acc);
                    }
                }
                case PackedTernary.TL1 p -> {
                    int quads = cols / 4;
                    int group = PackedTernary.TL1.ROW_GROUP;
                    for (int o = r0; o < r1; o++) {
                        int acc = 0;
                        long base = wo + (long) (o / group) * quads * group + o % group;
                        for (int q = 0; q < quads; q++) {
                            int v = ws.get(ValueLayout.JAVA_BYTE, base + (long) q * group);
                            int lo = v & 15;
                            int hi = (v >>> 4) & 15;
                            acc += (lo / 3 - 1) * xr[4 * q] + (lo % 3 - 1) * xr[4 * q + 1]
                                    + (hi / 3 - 1) * xr[4 * q + 2] + (hi % 3 - 1) * xr[4 * q + 3];
                        }
                        ys.setAtIndex(ValueLayout.JAVA_INT, yo + o, acc);
                    }
                }
            }
        }
    }
}
