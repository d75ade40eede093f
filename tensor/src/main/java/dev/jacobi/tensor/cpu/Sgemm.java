package dev.jacobi.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * float32 matrix product {@code C = alpha A B + beta C} (BLAS sgemm) over strided matrices in memory
 * segments, blocked for the caches and register-blocked for SIMD as GotoBLAS and BLIS do (see
 * {@link GemmDriver}). Operands may have any strides, so transposed and sliced views need no copy;
 * packing reads them as they are. {@link NaiveGemm} is the plain reference it is tested against.
 *
 * <p>With {@link Simd#enabled()} the micro-kernel is {@link SgemmMicroKernel} (12 x 32 on AVX-512);
 * otherwise a scalar micro-kernel runs the same blocked loops.
 *
 * <p>C must not overlap A or B. When beta is 0, C is only written (NaN or infinity in it do not
 * propagate), as BLAS specifies; when alpha is 0 or the inner dimension is 0, A and B are not read.
 */
public final class Sgemm {
    /**
     * Depth of the packed blocks, and the row stride of packed A. Every block of the inner dimension
     * adds the product into C once more, so C (16 MiB at n = 2048, far beyond L2) streams through
     * memory k / kc times; a deep block halves or thirds that traffic, while the kc x 32 panel of B
     * that each micro-kernel call streams (96 KiB at 768) still comes from L2 fast enough. Measured
     * on an AVX-512 Zen 5 core at n = 2048: about 165 GFLOP/s at 256, 180 at 512, 190 at 768;
     * 1024 was slower.
     */
    static final int KC = 768;
    /**
     * Rows of a packed block of A: mc x KC floats = 720 KiB, which a 1 MiB L2 cache keeps while every
     * panel of B passes it (240 measured better than 120 and 360). A multiple of the micro-kernel heights.
     */
    static final int MC = 240;
    /**
     * Columns of a packed panel of B: kc x nc floats, at most 6 MiB, which L3 keeps while every block
     * of A passes it. A multiple of the micro-kernel widths.
     */
    static final int NC = 2048;

    /** Scalar micro-kernel height and width when SIMD is off: 32 accumulators in a tile that L1 holds. */
    private static final int SCALAR_MR = 4;
    private static final int SCALAR_NR = 8;

    /**
     * Products of at most this many multiply-adds (16^3) run {@link NaiveGemm}: packing costs more
     * than it saves below it.
     */
    static final long SMALL_WORK = 1L << 12;

    /** Rows up to which {@link SkinnySgemmKernel} runs whatever the size (a GEMV or a few tokens). */
    static final int SKINNY_ROWS = 8;
    /** Work (m n k) below which the skinny kernel also runs products of up to 4 x {@link #SKINNY_ROWS} rows. */
    static final long SKINNY_SMALL_WORK = 1L << 18;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Sgemm() {
    }

    /** C = A B on every core. */
    public static void multiply(StridedMatrix a, StridedMatrix b, StridedMatrix c) {
        gemm(1, a, b, 0, c, GemmConfig.allCores());
    }

    /**
     * C = alpha A B + beta C.
     *
     * @param a      m x k
     * @param b      k x n
     * @param c      m x n, written in place; not read when beta is 0
     * @param config how many threads may run
     * @throws IllegalArgumentException  when the shapes do not fit together
     * @throws IndexOutOfBoundsException when some element lies outside its segment
     */
    public static void gemm(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c, GemmConfig config) {
        gemm(alpha, a, b, beta, c, config, Simd.enabled());
    }

    /** As the public {@code gemm}, with the SIMD micro-kernel ({@code vector}) or the scalar one. */
    static void gemm(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c, GemmConfig config,
                     boolean vector) {
        GemmDriver.checkOperands("sgemm", a, b, c, 4);
        int m = c.rows();
        int n = c.cols();
        int k = a.cols();
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(c, beta);
            return;
        }
        if (c.colStride() != 1 && c.rowStride() == 1) {
            // Column-major C: compute C^T = B^T A^T so the micro-kernel writes contiguous rows.
            StridedMatrix at = a.transpose();
            a = b.transpose();
            b = at;
            c = c.transpose();
            m = c.rows();
            n = c.cols();
        }
        if (vector && skinny(m, n, k, a, b, c)) {
            skinnyProduct(alpha, a, b, beta, c, config);
            return;
        }
        if ((long) m * n * k <= SMALL_WORK) {
            NaiveGemm.sgemm(alpha, a, b, beta, c);
            return;
        }
        GemmDriver.Blocking blocking = vector
                ? new GemmDriver.Blocking(SgemmMicroKernel.MR, SgemmMicroKernel.NR, MC, KC, NC)
                : new GemmDriver.Blocking(SCALAR_MR, SCALAR_NR, MC, KC, NC);
        StridedMatrix fa = a;
        StridedMatrix fb = b;
        StridedMatrix fc = c;
        GemmDriver.run(m, n, k, fa, fb, fc, blocking, config, () -> new Worker(alpha, fa, fb, beta, fc, blocking, vector));
    }

    /**
     * Whether {@link SkinnySgemmKernel} runs the product: few rows (a GEMV, a few tokens), operands
     * it can stream as they lie (unit column stride in A and C, one unit stride in B). Up to
     * {@link #SKINNY_ROWS} rows it always wins over packing; up to 4x that, while the product is small.
     */
    private static boolean skinny(int m, int n, int k, StridedMatrix a, StridedMatrix b, StridedMatrix c) {
        boolean layout = a.colStride() == 1 && c.colStride() == 1 && (b.rowStride() == 1 || b.colStride() == 1);
        return layout && (m <= SKINNY_ROWS || (m <= 4 * SKINNY_ROWS && (long) m * n * k <= SKINNY_SMALL_WORK));
    }

    /** The skinny product, its columns split across threads when it is big enough to pay for them. */
    private static void skinnyProduct(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c,
                                      GemmConfig config) {
        int n = c.cols();
        long work = (long) c.rows() * n * a.cols();
        int unit = 64; // column ranges in whole 4-vector blocks, so only the last part has a tail
        int parts = work < GemmConfig.PARALLEL_MIN_WORK / 4 ? 1 : Math.min(config.threads(), Math.max(1, n / unit));
        boolean dot = b.rowStride() == 1;
        if (parts == 1) {
            run(dot, alpha, a, b, beta, c, 0, n);
            return;
        }
        int chunk = Math.ceilDiv(Math.ceilDiv(n, parts), unit) * unit;
        Runnable[] tasks = new Runnable[Math.ceilDiv(n, chunk)];
        for (int t = 0; t < tasks.length; t++) {
            int j0 = t * chunk;
            int j1 = Math.min(n, j0 + chunk);
            tasks[t] = () -> run(dot, alpha, a, b, beta, c, j0, j1);
        }
        WorkerThreads.runAll(tasks);
    }

    private static void run(boolean dot, float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c,
                            int j0, int j1) {
        if (dot) {
            SkinnySgemmKernel.dotColumns(alpha, a, b, beta, c, j0, j1);
        } else {
            SkinnySgemmKernel.axpyColumns(alpha, a, b, beta, c, j0, j1);
        }
    }

    /** C = beta C, writing zeros without reading when beta is 0. */
    private static void scale(StridedMatrix c, float beta) {
        if (beta == 1) {
            return;
        }
        MemorySegment seg = c.segment();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                long idx = c.index(i, j);
                seg.setAtIndex(F32, idx, beta == 0 ? 0f : beta * seg.getAtIndex(F32, idx));
            }
        }
    }

    /** One thread's pack buffers, kept between calls; grown when a call needs more. */
    private static final class Buffers {
        float[] aPack = new float[0];
        float[] bPack = new float[0];
        float[] lines = new float[0];
        final float[] tile = new float[Math.max(SCALAR_MR * SCALAR_NR, Simd.enabled() ? SgemmMicroKernel.MR * SgemmMicroKernel.NR : 0)];

        static float[] atLeast(float[] buf, int size) {
            return buf.length >= size ? buf : new float[size];
        }
    }

    /** One thread's share: packs into its thread's buffers and runs the micro-kernel. */
    private static final class Worker implements GemmDriver.Worker {
        private final float alpha;
        private final float beta;
        private final StridedMatrix a;
        private final StridedMatrix b;
        private final StridedMatrix c;
        private final MemorySegment aSeg;
        private final MemorySegment bSeg;
        private final MemorySegment cSeg;
        private final int mr;
        private final int nr;
        private final boolean vector;
        private final float[] aPack;
        private final float[] bPack;
        private final float[] tile;
        private final float[] lines;

        Worker(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c,
               GemmDriver.Blocking blk, boolean vector) {
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c = c;
            this.aSeg = a.segment();
            this.bSeg = b.segment();
            this.cSeg = c.segment();
            this.mr = blk.mr();
            this.nr = blk.nr();
            this.vector = vector;
            int kc = Math.min(KC, a.cols());
            int mc = Math.min(blk.mc(), roundUp(a.rows(), mr));
            int nc = Math.min(blk.nc(), roundUp(b.cols(), nr));
            Buffers buf = BUFFERS.get();
            buf.aPack = Buffers.atLeast(buf.aPack, mc * KC);
            buf.bPack = Buffers.atLeast(buf.bPack, nc * kc);
            buf.lines = Buffers.atLeast(buf.lines, Math.max(mc, nr) * kc);
            this.aPack = buf.aPack;
            this.bPack = buf.bPack;
            this.lines = buf.lines;
            this.tile = buf.tile;
        }

        private static int roundUp(int x, int unit) {
            return (x + unit - 1) / unit * unit;
        }

        /** Packs B's panel [p0, p0 + kc) x [j0 + j, j0 + j + nr) as element (p, jj) at {@code j * kc + p * nr + jj}, zero-padded to nr. */
        @Override
        public void packB(int p0, int kc, int j0, int nc) {
            for (int j = 0; j < nc; j += nr) {
                int cols = Math.min(nr, nc - j);
                int base = j * kc;
                if (vector && cols == nr && b.colStride() == 1) {
                    SgemmMicroKernel.packRows(bSeg, b.index(p0, j0 + j), b.rowStride(), kc, bPack, base);
                    continue;
                }
                if (b.rowStride() == 1) {
                    // Columns of B are contiguous (a transposed view): copy each to the heap in bulk,
                    // then interleave there, where accesses carry no segment checks.
                    for (int jj = 0; jj < cols; jj++) {
                        MemorySegment.copy(bSeg, F32, b.index(p0, j0 + j + jj) * 4, lines, jj * kc, kc);
                    }
                    interleave(lines, cols, kc, bPack, base, nr);
                } else {
                    for (int jj = 0; jj < cols; jj++) {
                        long src = b.index(p0, j0 + j + jj);
                        for (int p = 0; p < kc; p++) {
                            bPack[base + p * nr + jj] = bSeg.getAtIndex(F32, src + p * b.rowStride());
                        }
                    }
                }
                for (int p = 0; p < kc && cols < nr; p++) {
                    Arrays.fill(bPack, base + p * nr + cols, base + (p + 1) * nr, 0f);
                }
            }
        }

        /**
         * Packs A's block [i0, i0 + mc) x [p0, p0 + kc) as element (i, p) at {@code i * KC + p}: the
         * block's rows with a fixed stride, which the micro-kernel reads mr rows at a time. Rows past
         * mc up to the next multiple of mr are zeros.
         */
        @Override
        public void packA(int i0, int mc, int p0, int kc) {
            if (a.colStride() == 1) {
                for (int i = 0; i < mc; i++) {
                    MemorySegment.copy(aSeg, F32, a.index(i0 + i, p0) * 4, aPack, i * KC, kc);
                }
            } else if (a.rowStride() == 1) {
                // Columns of A are contiguous (a transposed view): copy each, then interleave.
                for (int p = 0; p < kc; p++) {
                    MemorySegment.copy(aSeg, F32, a.index(i0, p0 + p) * 4, lines, p * mc, mc);
                }
                interleave(lines, kc, mc, aPack, 0, KC);
            } else {
                for (int i = 0; i < mc; i++) {
                    long src = a.index(i0 + i, p0);
                    for (int p = 0; p < kc; p++) {
                        aPack[i * KC + p] = aSeg.getAtIndex(F32, src + p * a.colStride());
                    }
                }
            }
            for (int i = mc; i % mr != 0; i++) {
                Arrays.fill(aPack, i * KC, i * KC + kc, 0f);
            }
        }

        /**
         * dst[base + l + q * width] = lines[l * length + q] for l < count, q < length: turns count
         * contiguous lines into the columns of a block. Reading each line in order and writing with
         * a stride measured 1.7 times faster than the other loop order.
         */
        private static void interleave(float[] lines, int count, int length, float[] dst, int base, int width) {
            // In blocks of 16 positions: the 16 destination lines being filled stay in L1 while every
            // source line passes through (unblocked, each write touched a new cache line: a transposed
            // operand made a GEMM 2.5 times slower).
            for (int q0 = 0; q0 < length; q0 += INTERLEAVE_BLOCK) {
                int q1 = Math.min(length, q0 + INTERLEAVE_BLOCK);
                for (int l = 0; l < count; l++) {
                    int d = base + l + q0 * width;
                    int src = l * length;
                    for (int q = q0; q < q1; q++, d += width) {
                        dst[d] = lines[src + q];
                    }
                }
            }
        }

        private static final int INTERLEAVE_BLOCK = 16;

        @Override
        public void multiply(int i0, int mc, int j0, int nc, int kc, boolean first) {
            float b0 = first ? beta : 1f;
            boolean rowsContiguous = c.colStride() == 1;
            for (int j = 0; j < nc; j += nr) {
                int cols = Math.min(nr, nc - j);
                for (int i = 0; i < mc; i += mr) {
                    int rows = Math.min(mr, mc - i);
                    if (vector) {
                        SgemmMicroKernel.multiply(kc, aPack, i * KC, bPack, j * kc, tile);
                        if (rows == mr && cols == nr && rowsContiguous) {
                            SgemmMicroKernel.mergeTile(tile, cSeg, c.index(i0 + i, j0 + j) * 4, c.rowStride() * 4, alpha, b0);
                            continue;
                        }
                    } else {
                        scalarKernel(kc, i * KC, j * kc);
                    }
                    mergeTile(i0 + i, rows, j0 + j, cols, b0);
                }
            }
        }

        /** tile = packed A panel x packed B panel, one multiply-add at a time. */
        private void scalarKernel(int kc, int aOff, int bOff) {
            Arrays.fill(tile, 0, mr * nr, 0f);
            for (int p = 0; p < kc; p++) {
                int bp = bOff + p * nr;
                for (int r = 0; r < mr; r++) {
                    float x = aPack[aOff + r * KC + p];
                    for (int j = 0; j < nr; j++) {
                        tile[r * nr + j] += x * bPack[bp + j];
                    }
                }
            }
        }

        /** C[i0 : i0+rows, j0 : j0+cols] = alpha tile + beta C, not reading C when beta is 0. */
        private void mergeTile(int i0, int rows, int j0, int cols, float beta) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    long idx = c.index(i0 + r, j0 + j);
                    float t = alpha * tile[r * nr + j];
                    cSeg.setAtIndex(F32, idx, beta == 0 ? t : beta * cSeg.getAtIndex(F32, idx) + t);
                }
            }
        }
    }
}
