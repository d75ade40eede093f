package dev.jacobi.tensor.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The SIMD kernels of {@link ReductionKernels} against the scalar semantics of {@link Reducer}
 * ({@code term} / {@code combine} folded in float64, written out here), on runs of random length
 * (0 to 300, so every tail length occurs) at random, unaligned offsets, with occasional NaN and
 * infinities. Tolerance: sums may err by {@code 2 * 22 * 2^-24 * sum|term|} in float32 (the blocked
 * accumulation bound) or {@code 1e-13 * sum|term|} in float64, and float32 e^x by 2 ulp per term;
 * maxima, minima and indices are exact.
 */
class ReductionKernelProperties {
    private static final Reducer[] VECTOR = java.util.Arrays.stream(Reducer.values())
            .filter(Reducer::hasVectorForm).toArray(Reducer[]::new);

    @Test
    void rowAndColumnKernelsFoldLikeTheReference() {
        qt().withExamples(300).withFixedSeed(77L).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int n = rnd.nextInt(301);
            int off = rnd.nextInt(18);
            boolean specials = rnd.nextInt(4) == 0;
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextInt(5) == 0 ? rnd.nextInt(7) - 3 : rnd.nextGaussian() * 4;
                if (specials && rnd.nextInt(40) == 0) {
                    x[i] = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[rnd.nextInt(3)];
                }
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment f = arena.allocate(4L * (n + off + 1), 64);
                MemorySegment d = arena.allocate(8L * (n + off + 1), 64);
                for (int i = 0; i < n; i++) {
                    x[i] = (float) x[i];
                    f.setAtIndex(ValueLayout.JAVA_FLOAT, off + i, (float) x[i]);
                    d.setAtIndex(ValueLayout.JAVA_DOUBLE, off + i, x[i]);
                }
                float shift = (float) (rnd.nextGaussian() + (n > 0 ? x[0] : 0));
                for (Reducer r : VECTOR) {
                    String what = "seed " + seed + ", " + r + ", n " + n + ", offset " + off;
                    double expected = r.identity();
                    double sumAbs = 0;
                    double expTol = 0;
                    for (int i = 0; i < n; i++) {
                        double term = r.term(x[i], shift, 0);
                        expected = r.combine(expected, term);
                        sumAbs += Math.abs(term);
                        // float32 e^(x - s): x - s rounds (relative error 2^-24 of |x - s| in the result), e^ adds 2 ulp.
                        expTol += term == 0 ? 0 : term * (Math.abs(x[i] - shift) + 4) * 0x1p-24;
                    }
                    double tol32 = r.isAdditive() ? 2 * 22 * 0x1p-24 * sumAbs + (r == Reducer.SUM_EXP ? expTol : 0) : 0;
                    double tol64 = r.isAdditive() ? 1e-13 * sumAbs : 0;
                    assertClose(what + " float32", ReductionKernels.reduceFloat(r, f, off, n, shift), expected, tol32);
                    assertClose(what + " float64", ReductionKernels.reduceDouble(r, d, off, n, shift), expected, tol64);

                    // Columns: two rows folded into per-column accumulators.
                    double[] acc32 = new double[n + 3];
                    double[] acc64 = new double[n + 3];
                    java.util.Arrays.fill(acc32, r.identity());
                    java.util.Arrays.fill(acc64, r.identity());
                    double[] shifts = new double[n + 5];
                    for (int j = 0; j < shifts.length; j++) {
                        shifts[j] = rnd.nextGaussian();
                    }
                    for (int rep = 0; rep < 2; rep++) {
                        ReductionKernels.reduceColumnsFloat(r, f, off, n, acc32, 3, shifts, 5);
                        ReductionKernels.reduceColumnsDouble(r, d, off, n, acc64, 3, shifts, 5);
                    }
                    for (int j = 0; j < n; j++) {
                        double term = r.term(x[j], shifts[5 + j], 0);
                        double e = r.combine(r.combine(r.identity(), term), term);
                        double tol = r.isAdditive() ? 1e-14 * Math.abs(e) : 0;
                        assertClose(what + " columns float32 [" + j + "]", acc32[3 + j], e, tol);
                        assertClose(what + " columns float64 [" + j + "]", acc64[3 + j], e, tol);
                    }
                }
                // Four rows at once, rows n + 3 elements apart, against four single-row calls' reference.
                MemorySegment rows = arena.allocate(4L * (4 * (n + 3) + 1), 64);
                double[][] xs = new double[4][n];
                double[] rowShift = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
                for (int k = 0; k < 4; k++) {
                    for (int i = 0; i < n; i++) {
                        xs[k][i] = (float) (rnd.nextGaussian() * 3);
                        rows.setAtIndex(ValueLayout.JAVA_FLOAT, 1 + k * (n + 3L) + i, (float) xs[k][i]);
                    }
                }
                for (Reducer r : VECTOR) {
                    double[] got = new double[5];
                    ReductionKernels.reduceFloat4(r, rows, 1, n + 3, n, rowShift, 0, got, 1);
                    for (int k = 0; k < 4; k++) {
                        double shiftK = (float) rowShift[k];
                        double expected = r.identity();
                        double tol = 0;
                        for (int i = 0; i < n; i++) {
                            double term = r.term(xs[k][i], shiftK, 0);
                            expected = r.combine(expected, term);
                            tol += r.isAdditive() ? Math.abs(term) * (2 * 22 + (Math.abs(xs[k][i] - shiftK) + 4)) * 0x1p-24 : 0;
                        }
                        assertClose("seed " + seed + ", four rows, " + r + ", row " + k + ", n " + n, got[1 + k], expected, tol);
                    }
                    // The same four rows folded into per-column float64 accumulators.
                    double[] cols = new double[n + 2];
                    java.util.Arrays.fill(cols, r.identity());
                    double[] colShift = new double[n + 1];
                    for (int j = 0; j <= n; j++) {
                        colShift[j] = rnd.nextGaussian();
                    }
                    ReductionKernels.reduceColumnsFloat4(r, rows, 1, n + 3, n, cols, 2, colShift, 1);
                    for (int j = 0; j < n; j++) {
                        double e = r.identity();
                        for (int k = 0; k < 4; k++) {
                            e = r.combine(e, r.term(xs[k][j], colShift[1 + j], 0));
                        }
                        assertClose("seed " + seed + ", four-row columns, " + r + " [" + j + "]", cols[2 + j], e,
                                r.isAdditive() ? 1e-14 * (Math.abs(e) + 1) * 4 : 0);
                    }
                }
                if (n > 0) {
                    double probe = rnd.nextBoolean() ? x[rnd.nextInt(n)] : Double.NaN;
                    int first = -1;
                    for (int i = 0; i < n && first < 0; i++) {
                        first = (Double.isNaN(probe) ? Double.isNaN(x[i]) : x[i] == probe) ? i : -1;
                    }
                    assertThat(ReductionKernels.indexOfFloat(f, off, n, (float) probe)).as("indexOf seed " + seed).isEqualTo(first);
                    assertThat(ReductionKernels.indexOfDouble(d, off, n, probe)).as("indexOf seed " + seed).isEqualTo(first);
                }
            }
        });
    }

    private static void assertClose(String what, double got, double expected, double tol) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertThat(Double.compare(got, expected)).as(what + ": got " + got + ", expected " + expected).isZero();
        } else {
            assertThat(Math.abs(got - expected)).as(what + ": got " + got + ", expected " + expected + " within " + tol)
                    .isLessThanOrEqualTo(tol);
        }
    }
}
