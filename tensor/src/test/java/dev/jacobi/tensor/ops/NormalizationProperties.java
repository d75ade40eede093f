package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Softmax, log-softmax and layer norm against plain float64 loops written here, on random shapes, axes,
 * layouts and real dtypes, with the SIMD row kernels and with the scalar path.
 *
 * <p>Tolerances, per element, for float32: softmax {@code 8 ulp + |x - max| * 2^-24} relative (x - max
 * rounds in float32, e^ and the sum add a few ulp); log-softmax the same in absolute terms plus 4 ulp of
 * the result; layer norm {@code 1e-5 * (1 + |w|)(1 + |y|)} (a float32 mean and variance of inputs of size
 * about 3). Float64 uses 1e-12 instead; half types add one rounding to their 8 or 11 bits.
 */
class NormalizationProperties {
    private static final DType[] REAL = {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16, DType.INT32,
            DType.INT8, DType.BOOL};

    @Test
    void softmaxLogSoftmaxAndLayerNormMatchFloat64Reference() {
        qt().withExamples(250).withFixedSeed(99L).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            DType dt = REAL[rnd.nextInt(REAL.length)];
            int[] shape = RandomViews.shape(rnd, 4, 6);
            if (shape.length == 0) {
                shape = new int[] {1 + rnd.nextInt(40)};
            }
            if (rnd.nextInt(4) == 0 && shape.length <= 2) {
                shape[shape.length - 1] = 1 + rnd.nextInt(100); // long rows reach the vector loops
            }
            RandomViews.Layout layout = RandomViews.Layout.values()[rnd.nextInt(RandomViews.Layout.values().length)];
            Tensor t = RandomViews.of(rnd, dt, shape, layout);
            int axis = rnd.nextInt(shape.length) - (rnd.nextBoolean() ? shape.length : 0);
            int n = shape[shape.length - 1];
            Tensor w = rnd.nextBoolean() ? null : RandomViews.of(rnd, DType.FLOAT32, new int[] {n}, RandomViews.Layout.STEPPED);
            Tensor b = rnd.nextBoolean() ? null : RandomViews.of(rnd, DType.FLOAT64, new int[] {n}, RandomViews.Layout.CONTIGUOUS);
            for (boolean vector : new boolean[] {true, false}) {
                String what = "seed " + seed + ", " + dt + " " + Arrays.toString(shape) + " " + layout + ", axis " + axis
                        + ", vector " + vector;
                check(what, t, axis, w, b, vector);
            }
        });
    }

    private static void check(String what, Tensor t, int axis, Tensor w, Tensor b, boolean vector) {
        DType out = t.dtype().isInexact() ? t.dtype() : DType.FLOAT32;
        double ulp = ReductionProperties.rounding(out);
        double work = t.dtype() == DType.FLOAT32 || !t.dtype().isInexact() ? 0x1p-24 : 0x1p-50;
        int ax = axis < 0 ? axis + t.rank() : axis;
        boolean[] one = new boolean[t.rank()];
        one[ax] = true;
        NaiveReductions rows = new NaiveReductions(t, one);
        Tensor sm = Normalization.softmax(t, axis, vector);
        Tensor lsm = Normalization.logSoftmax(t, axis, vector);
        assertThat(sm.dtype()).as(what).isEqualTo(out);
        assertThat(lsm.dtype()).as(what).isEqualTo(out);
        assertThat(sm.shape()).as(what).isEqualTo(t.shape());
        // Gather the results row by row, in the same order NaiveReductions groups the input.
        double[][] smRows = new NaiveReductions(sm, one).re;
        double[][] lsmRows = new NaiveReductions(lsm, one).re;
        for (int r = 0; r < rows.outputs(); r++) {
            double[] x = rows.re[r];
            double max = NaiveReductions.max(x);
            double sum = 0;
            for (double v : x) {
                sum += Math.exp(v - max);
            }
            double total = 0;
            for (int i = 0; i < x.length; i++) {
                double e = Math.exp(x[i] - max) / sum;
                double tol = (8 * work + Math.abs(x[i] - max) * work + ulp) * e + tiny(out);
                ReductionProperties.assertClose(what + " softmax row " + r + " [" + i + "]", smRows[r][i], e, tol);
                double l = x[i] - max - Math.log(sum);
                double ltol = (8 + Math.abs(x[i] - max) + Math.abs(max)) * work + ulp * Math.abs(l) + tiny(out);
                ReductionProperties.assertClose(what + " logSoftmax row " + r + " [" + i + "]", lsmRows[r][i], l, ltol);
                total += smRows[r][i];
            }
            // Non-empty rows sum to 1 (each element within its tolerance, so the sum within n of them).
            assertThat(x.length == 0 ? 1 : total).as(what + " softmax row " + r + " sum").isCloseTo(1.0, within(x.length * (12 * work + ulp) + 1e-12));
        }
        if (ax != t.rank() - 1) {
            return;
        }
        Tensor ln = Normalization.layerNorm(t, w, b, 1e-5, vector);
        assertThat(ln.dtype()).as(what).isEqualTo(out);
        double[][] lnRows = new NaiveReductions(ln, one).re;
        double[] wv = w == null ? null : w.toDoubleArray();
        double[] bv = b == null ? null : b.toDoubleArray();
        for (int r = 0; r < rows.outputs(); r++) {
            double[] x = rows.re[r];
            double mean = NaiveReductions.sum(x) / x.length;
            double var = NaiveReductions.var(x, new double[x.length], 0);
            for (int i = 0; i < x.length; i++) {
                double y = (x[i] - mean) / Math.sqrt(var + 1e-5);
                double wi = wv == null ? 1 : wv[i];
                double expected = y * wi + (bv == null ? 0 : bv[i]);
                double tol = (work == 0x1p-24 ? 1e-5 : 1e-12) * (1 + Math.abs(wi)) * (1 + Math.abs(y)) + ulp * Math.abs(expected)
                        + (bv == null ? 0 : 0x1p-23 * Math.abs(bv[i])); // the float32 kernel rounds the float64 bias
                ReductionProperties.assertClose(what + " layerNorm row " + r + " [" + i + "]", lnRows[r][i], expected, tol);
            }
        }
    }

    /** Values below this may flush to 0 (or to a subnormal) when stored in {@code dt}. */
    private static double tiny(DType dt) {
        return switch (dt) {
            case FLOAT64 -> Double.MIN_NORMAL;
            case FLOAT16 -> 0x1p-24;
            default -> Float.MIN_NORMAL;
        };
    }

    @Test
    void logSoftmaxIsLogOfSoftmaxAndStableForLargeInputs() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor big = Tensor.of(new double[] {1e4, 0, -1e4, 1e4 - 1}, 4).to(dt);
            for (boolean vector : new boolean[] {true, false}) {
                double[] l = Normalization.logSoftmax(big, 0, vector).toDoubleArray();
                double lse = 1e4 + Math.log(1 + Math.exp(-1));
                // Exact up to float32 rounding of values of size 1e4 (ulp 1e-3).
                assertThat(l).as(dt + " " + vector).containsExactly(new double[] {1e4 - lse, -lse, -1e4 - lse, 1e4 - 1 - lse},
                        within(dt == DType.FLOAT32 ? 2e-3 : 1e-10));
                double[] s = Normalization.softmax(big, 0, vector).toDoubleArray();
                assertThat(s).containsExactly(new double[] {1 / (1 + Math.exp(-1)), 0, 0, Math.exp(-1) / (1 + Math.exp(-1))},
                        within(1e-6));
                // Where softmax does not underflow, log(softmax) equals logSoftmax to a few ulp of the log.
                for (int i : new int[] {0, 3}) {
                    assertThat(Math.log(s[i])).isCloseTo(l[i], within(1e-6));
                }
            }
        }
        Tensor allMinusInf = Tensor.full(DType.FLOAT32, Double.NEGATIVE_INFINITY, 2, 20);
        assertThat(Arrays.stream(allMinusInf.softmax(1).toDoubleArray()).allMatch(Double::isNaN)).isTrue(); // 0/0, as PyTorch
        Tensor withNan = Tensor.of(new float[] {1, Float.NaN, 3}, 3);
        assertThat(Arrays.stream(withNan.softmax(0).toDoubleArray()).allMatch(Double::isNaN)).isTrue();
    }

    @Test
    void largeRowsMatchTheScalarPathOnManyThreads() {
        Random rnd = new Random(5);
        Tensor t = RandomViews.filled(rnd, DType.FLOAT32, new int[] {1024, 1000});
        Tensor w = RandomViews.filled(rnd, DType.FLOAT32, new int[] {1000});
        Tensor b = RandomViews.filled(rnd, DType.FLOAT32, new int[] {1000});
        double[] fast = Normalization.softmax(t, 1, true).toDoubleArray();
        double[] slow = Normalization.softmax(t, 1, false).toDoubleArray();
        for (int i = 0; i < fast.length; i++) {
            // Both are float32 results of the same values: a few ulp apart (see the class comment; |x - max| < 40).
            assertThat(fast[i]).isCloseTo(slow[i], within(60 * 0x1p-24 * slow[i] + 1e-38));
        }
        fast = Normalization.logSoftmax(t, -1, true).toDoubleArray();
        slow = Normalization.logSoftmax(t, -1, false).toDoubleArray();
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).isCloseTo(slow[i], within(60 * 0x1p-24 * (1 + Math.abs(slow[i]))));
        }
        fast = Normalization.layerNorm(t, w, b, 1e-5, true).toDoubleArray();
        slow = Normalization.layerNorm(t, w, b, 1e-5, false).toDoubleArray();
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).isCloseTo(slow[i], within(2e-5 * (1 + Math.abs(slow[i]))));
        }
        // Softmax along the first axis (the strided path) sums to 1 down every column.
        double[] colSums = Normalization.softmax(t, 0, true).sum(0).toDoubleArray();
        for (double s : colSums) {
            assertThat(s).isCloseTo(1.0, within(1e-4));
        }
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 4);
        assertThatThrownBy(() -> t.softmax(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("softmax: axis 2 is out of range for a tensor of rank 2");
        assertThatThrownBy(() -> t.layerNorm(Tensor.zeros(DType.FLOAT32, 5), null, 1e-5))
                .hasMessage("layerNorm: weight of shape [5] does not match the last dimension of input shape [2, 4] (expected [4])");
        assertThatThrownBy(() -> t.layerNorm(null, Tensor.zeros(DType.FLOAT32, 4, 1), 1e-5))
                .hasMessageStartingWith("layerNorm: bias of shape [4, 1] does not match");
        assertThatThrownBy(() -> t.layerNorm(null, null, -1)).hasMessageStartingWith("layerNorm: eps must be non-negative");
        Tensor z = Tensor.complex(new double[] {1}, new double[] {2}, 1);
        assertThatThrownBy(() -> z.logSoftmax(0)).hasMessageStartingWith("logSoftmax: not defined for complex input");
        assertThat(Tensor.zeros(DType.FLOAT32, 0, 3).softmax(1).shape()).containsExactly(0, 3);
        assertThat(Tensor.ofInts(new int[] {1, 1}, 2).softmax(0).toDoubleArray()).containsExactly(0.5, 0.5);
    }
}
