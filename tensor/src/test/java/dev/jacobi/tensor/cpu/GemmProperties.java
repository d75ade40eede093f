package dev.jacobi.tensor.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * {@link Sgemm}, {@link Dgemm} and {@link NaiveGemm} against a float64 triple loop written here.
 *
 * <p>Tolerance: each element of C = alpha A B + beta C is a sum of k products and one scaled old
 * value, evaluated by the kernels in some order with at most k + 2 roundings on any term (the
 * additions, alpha times each block's sum, beta C), so
 * the classic bound gives |computed - exact| <= (k + 3) u (|alpha| sum_p |a_ip| |b_pj| + |beta| |c_ij|)
 * with the unit roundoff u = 2^-24 (float32) or 2^-53 (float64). The float64 reference's own error is
 * below 2^-40 of that and is ignored. A wrong or missing term exceeds the bound by orders of magnitude.
 *
 * <p>Operand layouts are drawn from a seed that QuickTheories prints on failure: row-major,
 * column-major (a transposed view), padded with a column step of 2 (a sliced view), rows reversed
 * (negative row stride), and for A and B a broadcast row (row stride 0).
 */
class GemmProperties {
    /** The two precisions, with their element access and unit roundoff. */
    private enum Precision {
        FLOAT(4, 0x1p-24), DOUBLE(8, 0x1p-53);

        final int bytes;
        final double unitRoundoff;

        Precision(int bytes, double unitRoundoff) {
            this.bytes = bytes;
            this.unitRoundoff = unitRoundoff;
        }

        double get(MemorySegment s, long i) {
            return this == FLOAT ? s.getAtIndex(ValueLayout.JAVA_FLOAT, i) : s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        }

        void set(MemorySegment s, long i, double v) {
            if (this == FLOAT) {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            } else {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            }
        }
    }

    /** Which kernel runs. */
    private enum Kernel { SIMD, SCALAR, NAIVE }

    private static final int LAYOUTS_FOR_C = 4;
    private static final int LAYOUTS_FOR_OPERANDS = 5;

    /** A rows x cols matrix in a fresh segment, in layout {@code layout}, every value of the segment in [-1, 1). */
    private static StridedMatrix randomMatrix(Arena arena, Precision prec, int rows, int cols, int layout, Random rnd) {
        long rowStride;
        long colStride;
        switch (layout) {
            case 0 -> { rowStride = cols; colStride = 1; }
            case 1 -> { rowStride = 1; colStride = rows; }
            case 2 -> { rowStride = 2L * cols + 3; colStride = 2; }
            case 3 -> { rowStride = -cols; colStride = 1; }
            case 4 -> { rowStride = 0; colStride = 1; }
            default -> throw new IllegalArgumentException("layout " + layout);
        }
        long spanRows = (rows - 1L) * rowStride;
        long spanCols = (cols - 1L) * colStride;
        long lo = Math.min(spanRows, 0) + Math.min(spanCols, 0);
        long hi = Math.max(spanRows, 0) + Math.max(spanCols, 0);
        long lead = 5; // an offset that is not 0 and not a multiple of the vector size
        long size = hi - lo + 1 + lead + 7;
        MemorySegment seg = arena.allocate(size * prec.bytes, 64);
        for (long i = 0; i < size; i++) {
            prec.set(seg, i, rnd.nextDouble() * 2 - 1);
        }
        return new StridedMatrix(seg, lead - lo, rows, cols, rowStride, colStride);
    }

    private static double[] valuesOf(Precision prec, StridedMatrix x) {
        double[] v = new double[x.rows() * x.cols()];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                v[i * x.cols() + j] = prec.get(x.segment(), x.index(i, j));
            }
        }
        return v;
    }

    private static void run(Kernel kernel, Precision prec, double alpha, StridedMatrix a, StridedMatrix b, double beta,
                            StridedMatrix c, int threads) {
        GemmConfig config = GemmConfig.ofThreads(threads);
        switch (kernel) {
            case SIMD, SCALAR -> {
                boolean vector = kernel == Kernel.SIMD && Simd.enabled();
                if (prec == Precision.FLOAT) {
                    Sgemm.gemm((float) alpha, a, b, (float) beta, c, config, vector);
                } else {
                    Dgemm.gemm(alpha, a, b, beta, c, config, vector);
                }
            }
            case NAIVE -> {
                if (prec == Precision.FLOAT) {
                    NaiveGemm.sgemm((float) alpha, a, b, (float) beta, c);
                } else {
                    NaiveGemm.dgemm(alpha, a, b, beta, c);
                }
            }
        }
    }

    /**
     * Runs one product with layouts, alpha, beta and threads drawn from {@code seed}, and checks every
     * element of C against the float64 reference within the bound above, and that no other element of
     * C's segment changed.
     */
    private static void checkProduct(Kernel kernel, Precision prec, int m, int n, int k, long seed) {
        Random rnd = new Random(seed);
        double[] alphas = {1, -0.5, 2.5};
        double[] betas = {0, 1, -1.5};
        double alpha = alphas[rnd.nextInt(alphas.length)];
        double beta = betas[rnd.nextInt(betas.length)];
        int threads = 1 + rnd.nextInt(3);
        try (Arena arena = Arena.ofShared()) {
            StridedMatrix a = randomMatrix(arena, prec, m, k, rnd.nextInt(LAYOUTS_FOR_OPERANDS), rnd);
            StridedMatrix b = randomMatrix(arena, prec, k, n, rnd.nextInt(LAYOUTS_FOR_OPERANDS), rnd);
            StridedMatrix c = randomMatrix(arena, prec, m, n, rnd.nextInt(LAYOUTS_FOR_C), rnd);
            double[] av = valuesOf(prec, a);
            double[] bv = valuesOf(prec, b);
            double[] c0 = valuesOf(prec, c);
            MemorySegment before = Arena.ofAuto().allocate(c.segment().byteSize()).copyFrom(c.segment());

            run(kernel, prec, alpha, a, b, beta, c, threads);

            String context = kernel + " " + prec + " " + m + "x" + n + "x" + k + " alpha " + alpha + " beta " + beta
                    + " threads " + threads + " A " + a + " B " + b + " C " + c;
            double[] got = valuesOf(prec, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = av[i * k + p] * bv[p * n + j];
                        sum += prod;
                        magnitude += Math.abs(prod);
                    }
                    double old = beta == 0 ? 0 : beta * c0[i * n + j];
                    double expected = alpha * sum + old;
                    double tolerance = (k + 3) * prec.unitRoundoff * (Math.abs(alpha) * magnitude + Math.abs(old));
                    double actual = got[i * n + j];
                    if (!(Math.abs(actual - expected) <= tolerance)) {
                        throw new AssertionError(context + ": C[" + i + ", " + j + "] = " + actual + ", expected "
                                + expected + " within " + tolerance);
                    }
                    // Mark C's elements so that the comparison below sees only the others.
                    prec.set(c.segment(), c.index(i, j), 0);
                    prec.set(before, c.index(i, j), 0);
                }
            }
            assertThat(c.segment().mismatch(before)).as(context + ": an element outside C changed").isEqualTo(-1L);
        }
    }

    @Test
    void sgemmMatchesFloat64ReferenceOnOddShapes() {
        qt().withExamples(80)
                .forAll(integers().between(1, 150), integers().between(1, 150), integers().between(1, 150), longs().all())
                .checkAssert((m, n, k, seed) -> checkProduct(Kernel.SIMD, Precision.FLOAT, m, n, k, seed));
    }

    /** Few rows of A: the skinny kernel's shapes (GEMV and a few tokens), with every layout of B it serves. */
    @Test
    void skinnySgemmMatchesFloat64Reference() {
        qt().withExamples(80)
                .forAll(integers().between(1, 40), integers().between(1, 300), integers().between(1, 300), longs().all())
                .checkAssert((m, n, k, seed) -> checkProduct(Kernel.SIMD, Precision.FLOAT, m, n, k, seed));
    }

    /** A GEMV big enough to split its columns across threads, with a ragged last part. */
    @Test
    void skinnySgemmSplitsLargeProductsAcrossThreads() {
        for (long seed = 0; seed < 6; seed++) {
            checkProduct(Kernel.SIMD, Precision.FLOAT, 1 + (int) seed % 3, 1000 + (int) seed * 7, 777, seed);
        }
    }

    @Test
    void dgemmMatchesFloat64ReferenceOnOddShapes() {
        qt().withExamples(60)
                .forAll(integers().between(1, 150), integers().between(1, 150), integers().between(1, 150), longs().all())
                .checkAssert((m, n, k, seed) -> checkProduct(Kernel.SIMD, Precision.DOUBLE, m, n, k, seed));
    }

    /** The scalar micro-kernel (the path without jdk.incubator.vector) runs the same blocked loops. */
    @Test
    void scalarKernelMatchesFloat64Reference() {
        qt().withExamples(30)
                .forAll(integers().between(1, 100), integers().between(1, 100), integers().between(1, 100), longs().all())
                .checkAssert((m, n, k, seed) -> {
                    checkProduct(Kernel.SCALAR, Precision.FLOAT, m, n, k, seed);
                    checkProduct(Kernel.SCALAR, Precision.DOUBLE, m, n, k, seed);
                });
    }

    @Test
    void naiveGemmMatchesFloat64Reference() {
        qt().withExamples(30)
                .forAll(integers().between(1, 40), integers().between(1, 40), integers().between(0, 40), longs().all())
                .checkAssert((m, n, k, seed) -> {
                    checkProduct(Kernel.NAIVE, Precision.FLOAT, m, n, k, seed);
                    checkProduct(Kernel.NAIVE, Precision.DOUBLE, m, n, k, seed);
                });
    }

    /**
     * Shapes that cross every block boundary: m above MC (240 float32, 120 float64), k above KC (768)
     * so C is accumulated over several blocks, n above NC (2048 float32, 1024 float64), a wide C that
     * threads split by columns, and single rows and columns.
     */
    @Test
    void largeShapesCrossEveryBlockBoundary() {
        int[][] shapes = {{257, 129, 300}, {500, 70, 200}, {30, 40, 1700}, {13, 2100, 40}, {12, 3000, 64},
                {1, 700, 300}, {700, 1, 300}, {300, 300, 1}};
        long seed = 20240611;
        for (int[] s : shapes) {
            for (Precision prec : Precision.values()) {
                checkProduct(Kernel.SIMD, prec, s[0], s[1], s[2], seed++);
            }
        }
    }

    /** Both thread counts on one shape big enough to split, layouts fixed to the common row-major case. */
    @Test
    void oneAndTwoThreadsAgreeWithReference() {
        for (int threads = 1; threads <= 2; threads++) {
            try (Arena arena = Arena.ofShared()) {
                Random rnd = new Random(7 + threads);
                int m = 200;
                int n = 190;
                int k = 170;
                StridedMatrix a = randomMatrix(arena, Precision.FLOAT, m, k, 0, rnd);
                StridedMatrix b = randomMatrix(arena, Precision.FLOAT, k, n, 0, rnd);
                StridedMatrix c = randomMatrix(arena, Precision.FLOAT, m, n, 0, rnd);
                StridedMatrix ref = randomMatrix(arena, Precision.FLOAT, m, n, 0, rnd);
                Sgemm.gemm(1, a, b, 0, c, GemmConfig.ofThreads(threads));
                NaiveGemm.sgemm(1, a, b, 0, ref);
                double[] got = valuesOf(Precision.FLOAT, c);
                double[] want = valuesOf(Precision.FLOAT, ref);
                for (int i = 0; i < got.length; i++) {
                    // Both are float32 sums of k = 170 products of values below 1 in size.
                    assertThat(got[i]).as("threads %d element %d", threads, i).isCloseTo(want[i],
                            org.assertj.core.data.Offset.offset(2 * (k + 3) * 0x1p-24 * k));
                }
            }
        }
    }

    /** Memory of a confined arena can only be touched by its owner thread: such products run on it. */
    @Test
    void confinedMemoryRunsOnTheCallingThread() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(11);
            StridedMatrix a = randomMatrix(arena, Precision.DOUBLE, 200, 150, 0, rnd);
            StridedMatrix b = randomMatrix(arena, Precision.DOUBLE, 150, 130, 0, rnd);
            StridedMatrix c = randomMatrix(arena, Precision.DOUBLE, 200, 130, 0, rnd);
            StridedMatrix ref = randomMatrix(arena, Precision.DOUBLE, 200, 130, 0, rnd);
            Dgemm.gemm(1, a, b, 0, c, GemmConfig.ofThreads(2));
            NaiveGemm.dgemm(1, a, b, 0, ref);
            double[] got = valuesOf(Precision.DOUBLE, c);
            double[] want = valuesOf(Precision.DOUBLE, ref);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).isCloseTo(want[i], org.assertj.core.data.Offset.offset(2 * 153 * 0x1p-53 * 150));
            }
        }
    }

    /** As BLAS specifies, beta = 0 writes C without reading it: NaN in C does not survive. */
    @Test
    void betaZeroOverwritesNaNInC() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(3);
            for (Precision prec : Precision.values()) {
                StridedMatrix a = randomMatrix(arena, prec, 40, 30, 0, rnd);
                StridedMatrix b = randomMatrix(arena, prec, 30, 50, 0, rnd);
                StridedMatrix c = randomMatrix(arena, prec, 40, 50, 0, rnd);
                for (int i = 0; i < 40; i++) {
                    for (int j = 0; j < 50; j++) {
                        prec.set(c.segment(), c.index(i, j), Double.NaN);
                    }
                }
                run(Kernel.SIMD, prec, 1, a, b, 0, c, 1);
                assertThat(valuesOf(prec, c)).as(prec.name()).doesNotContain(Double.NaN);
            }
        }
    }

    /** alpha = 0 and k = 0 leave C = beta C without reading A or B (here full of NaN). */
    @Test
    void alphaZeroOrEmptyInnerDimensionOnlyScalesC() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(4);
            for (Precision prec : Precision.values()) {
                for (int k : new int[] {0, 30}) {
                    StridedMatrix a = randomMatrix(arena, prec, 40, k, 0, rnd);
                    StridedMatrix b = randomMatrix(arena, prec, k, 50, 0, rnd);
                    for (int p = 0; p < k; p++) {
                        prec.set(a.segment(), a.index(0, p), Double.NaN);
                        prec.set(b.segment(), b.index(p, 0), Double.NaN);
                    }
                    StridedMatrix c = randomMatrix(arena, prec, 40, 50, 0, rnd);
                    double[] c0 = valuesOf(prec, c);
                    run(Kernel.SIMD, prec, k == 0 ? 1 : 0, a, b, -2, c, 2);
                    double[] got = valuesOf(prec, c);
                    for (int i = 0; i < got.length; i++) {
                        assertThat(got[i]).isEqualTo(-2 * c0[i]); // exact: scaling by 2 is exact
                    }
                }
            }
        }
    }

    @Test
    void mismatchedShapesAreRejectedWithBothShapes() {
        MemorySegment seg = Arena.ofAuto().allocate(4096);
        StridedMatrix a = StridedMatrix.rowMajor(seg, 0, 3, 4);
        StridedMatrix b = StridedMatrix.rowMajor(seg, 0, 5, 2);
        StridedMatrix c = StridedMatrix.rowMajor(seg, 0, 3, 2);
        assertThatThrownBy(() -> Sgemm.gemm(1, a, b, 0, c, GemmConfig.singleThreaded()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sgemm: inner dimensions differ: [3, 4] x [5, 2]");
        StridedMatrix b4 = StridedMatrix.rowMajor(seg, 0, 4, 2);
        StridedMatrix wrongC = StridedMatrix.rowMajor(seg, 0, 2, 2);
        assertThatThrownBy(() -> Dgemm.gemm(1, a, b4, 0, wrongC, GemmConfig.singleThreaded()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dgemm: C is [2, 2] but [3, 4] x [4, 2] is [3, 2]");
    }

    @Test
    void operandsOutsideTheirSegmentAreRejectedBeforeWriting() {
        MemorySegment small = Arena.ofAuto().allocate(4L * 10);
        MemorySegment big = Arena.ofAuto().allocate(4L * 1000);
        StridedMatrix a = StridedMatrix.rowMajor(big, 0, 3, 4);
        StridedMatrix b = StridedMatrix.rowMajor(small, 0, 4, 3); // needs 12 floats, has 10
        StridedMatrix c = StridedMatrix.rowMajor(big, 500, 3, 3);
        assertThatThrownBy(() -> Sgemm.gemm(1, a, b, 0, c, GemmConfig.singleThreaded()))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageStartingWith("sgemm: B [4, 3]");
        StridedMatrix negative = new StridedMatrix(big, 0, 3, 4, -4, 1);
        assertThatThrownBy(() -> Sgemm.gemm(1, negative, StridedMatrix.rowMajor(big, 0, 4, 3), 0, c, GemmConfig.singleThreaded()))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageStartingWith("sgemm: A [3, 4]");
    }

    @Test
    void blockSizesAreBalancedMultiplesOfTheUnit() {
        assertThat(GemmDriver.balanced(300, 256, 1)).isEqualTo(150);
        assertThat(GemmDriver.balanced(256, 256, 1)).isEqualTo(256);
        assertThat(GemmDriver.balanced(500, 480, 12)).isEqualTo(252);
        assertThat(GemmDriver.balanced(5, 480, 12)).isEqualTo(12);
    }
}
