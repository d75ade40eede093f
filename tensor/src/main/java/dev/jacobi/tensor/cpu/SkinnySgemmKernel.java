package dev.jacobi.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * float32 products with few rows of A (a GEMV, a handful of tokens through a linear layer), where
 * {@link Sgemm}'s packing of B would cost as much as the product: B is read once, as it lies, and A
 * (a few rows) stays in L1. Two layouts of B are served, the two that linear layers produce:
 * <ul>
 *   <li><b>dot</b> ({@code B} column-contiguous, e.g. {@code x W^T} with W row-major {@code [n, k]}):
 *   each element of C is a dot product of a row of A with a contiguous column of B, four columns
 *   at a time so that each vector of A feeds four fused multiply-adds;</li>
 *   <li><b>axpy</b> ({@code B} row-contiguous, {@code [k, n]} row-major): a row of C is the sum of
 *   the rows of B weighted by a row of A, accumulated four vectors wide in registers.</li>
 * </ul>
 * A must have unit column stride and C unit column stride. Only loaded when {@link Simd#enabled()}.
 */
final class SkinnySgemmKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private SkinnySgemmKernel() {
    }

    /** Columns [j0, j1) of C = alpha A B + beta C, B with unit row stride. */
    static void dotColumns(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c, int j0, int j1) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        int m = c.rows();
        int k = a.cols();
        int kv = k - k % L;
        float[] lanes = new float[L];
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
            long b0 = b.index(0, j) * 4;
            long b1 = b.index(0, j + 1) * 4;
            long b2 = b.index(0, j + 2) * 4;
            long b3 = b.index(0, j + 3) * 4;
            for (int i = 0; i < m; i++) {
                long ai = a.index(i, 0) * 4;
                FloatVector s0 = FloatVector.zero(SPECIES);
                FloatVector s1 = FloatVector.zero(SPECIES);
                FloatVector s2 = FloatVector.zero(SPECIES);
                FloatVector s3 = FloatVector.zero(SPECIES);
                for (int p = 0; p < kv; p += L) {
                    long step = 4L * p;
                    FloatVector x = FloatVector.fromMemorySegment(SPECIES, as, ai + step, ORDER);
                    s0 = FloatVector.fromMemorySegment(SPECIES, bs, b0 + step, ORDER).fma(x, s0);
                    s1 = FloatVector.fromMemorySegment(SPECIES, bs, b1 + step, ORDER).fma(x, s1);
                    s2 = FloatVector.fromMemorySegment(SPECIES, bs, b2 + step, ORDER).fma(x, s2);
                    s3 = FloatVector.fromMemorySegment(SPECIES, bs, b3 + step, ORDER).fma(x, s3);
                }
                float r0 = sum(s0, lanes);
                float r1 = sum(s1, lanes);
                float r2 = sum(s2, lanes);
                float r3 = sum(s3, lanes);
                for (int p = kv; p < k; p++) {
                    float x = as.get(F32, ai + 4L * p);
                    r0 += x * bs.get(F32, b0 + 4L * p);
                    r1 += x * bs.get(F32, b1 + 4L * p);
                    r2 += x * bs.get(F32, b2 + 4L * p);
                    r3 += x * bs.get(F32, b3 + 4L * p);
                }
                store(c, i, j, alpha, beta, r0);
                store(c, i, j + 1, alpha, beta, r1);
                store(c, i, j + 2, alpha, beta, r2);
                store(c, i, j + 3, alpha, beta, r3);
            }
        }
        for (; j < j1; j++) {
            long bj = b.index(0, j) * 4;
            for (int i = 0; i < m; i++) {
                long ai = a.index(i, 0) * 4;
                FloatVector s = FloatVector.zero(SPECIES);
                for (int p = 0; p < kv; p += L) {
                    long step = 4L * p;
                    s = FloatVector.fromMemorySegment(SPECIES, bs, bj + step, ORDER)
                            .fma(FloatVector.fromMemorySegment(SPECIES, as, ai + step, ORDER), s);
                }
                float r = sum(s, lanes);
                for (int p = kv; p < k; p++) {
                    r += as.get(F32, ai + 4L * p) * bs.get(F32, bj + 4L * p);
                }
                store(c, i, j, alpha, beta, r);
            }
        }
    }

    /** Columns [j0, j1) of C = alpha A B + beta C, B with unit column stride. */
    static void axpyColumns(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c, int j0, int j1) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment cs = c.segment();
        int m = c.rows();
        int k = a.cols();
        int wide = 4 * L;
        for (int i = 0; i < m; i++) {
            long ai = a.index(i, 0) * 4;
            int j = j0;
            for (; j + wide <= j1; j += wide) {
                FloatVector s0 = FloatVector.zero(SPECIES);
                FloatVector s1 = FloatVector.zero(SPECIES);
                FloatVector s2 = FloatVector.zero(SPECIES);
                FloatVector s3 = FloatVector.zero(SPECIES);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(SPECIES, as.get(F32, ai + 4L * p));
                    long bp = b.index(p, j) * 4;
                    s0 = FloatVector.fromMemorySegment(SPECIES, bs, bp, ORDER).fma(x, s0);
                    s1 = FloatVector.fromMemorySegment(SPECIES, bs, bp + 4L * L, ORDER).fma(x, s1);
                    s2 = FloatVector.fromMemorySegment(SPECIES, bs, bp + 8L * L, ORDER).fma(x, s2);
                    s3 = FloatVector.fromMemorySegment(SPECIES, bs, bp + 12L * L, ORDER).fma(x, s3);
                }
                long ci = c.index(i, j) * 4;
                storeVector(cs, ci, alpha, beta, s0);
                storeVector(cs, ci + 4L * L, alpha, beta, s1);
                storeVector(cs, ci + 8L * L, alpha, beta, s2);
                storeVector(cs, ci + 12L * L, alpha, beta, s3);
            }
            for (; j + L <= j1; j += L) {
                FloatVector s = FloatVector.zero(SPECIES);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(SPECIES, as.get(F32, ai + 4L * p));
                    s = FloatVector.fromMemorySegment(SPECIES, bs, b.index(p, j) * 4, ORDER).fma(x, s);
                }
                storeVector(cs, c.index(i, j) * 4, alpha, beta, s);
            }
            for (; j < j1; j++) {
                float r = 0;
                for (int p = 0; p < k; p++) {
                    r += as.get(F32, ai + 4L * p) * bs.get(F32, b.index(p, j) * 4);
                }
                store(c, i, j, alpha, beta, r);
            }
        }
    }

    /**
     * The lanes of {@code v} added in a fixed order. Not {@code reduceLanes(ADD)}: its order is
     * unspecified and differs between the interpreted and the compiled kernel, so a product computed
     * before and after the JIT would differ in the last bit, and training runs would not repeat.
     */
    private static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float total = 0;
        for (float x : lanes) {
            total += x;
        }
        return total;
    }

    private static void storeVector(MemorySegment cs, long byteOffset, float alpha, float beta, FloatVector sum) {
        FloatVector out = sum.mul(alpha);
        if (beta != 0) {
            out = FloatVector.fromMemorySegment(SPECIES, cs, byteOffset, ORDER).fma(FloatVector.broadcast(SPECIES, beta), out);
        }
        out.intoMemorySegment(cs, byteOffset, ORDER);
    }

    private static void store(StridedMatrix c, int i, int j, float alpha, float beta, float sum) {
        long idx = c.index(i, j);
        MemorySegment cs = c.segment();
        float scaled = alpha * sum;
        cs.setAtIndex(F32, idx, beta == 0 ? scaled : beta * cs.getAtIndex(F32, idx) + scaled);
    }
}
