package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Every reduction against {@link NaiveReductions} (plain float64 loops) on random cases: shapes of rank
 * 0-4 with size-0 and size-1 dims, random axis sets written with positive or negative axes, keepDim both
 * ways, every dtype, and contiguous, permuted, stepped, broadcast (stride 0) and flipped layouts. Each
 * case runs with the SIMD kernels and with the scalar reference path ({@code vector = false}).
 *
 * <p>Tolerances: sums of float32 input may err by {@code ACC32 * sum|x|}, the bound of the blocked
 * float32 kernel (see ReductionKernels); float64 accumulation by {@code 1e-13 * sum|x|} for these sizes;
 * every result is also rounded once to its dtype ({@link #rounding}). Integer sums, max, min and the
 * arg-reductions are exact.
 */
class ReductionProperties {
    /** The float32 kernel's bound (ADDS_PER_LANE + 6) * 2^-24, doubled for margin. */
    static final double ACC32 = 2 * 22 * 0x1p-24;
    private static final DType[] DTYPES = DType.values();

    @Test
    void everyReductionMatchesFloat64ReferenceOnRandomViews() {
        qt().withExamples(300).withFixedSeed(20240611L).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            DType dt = DTYPES[rnd.nextInt(DTYPES.length)];
            int[] shape = RandomViews.shape(rnd, 4, 5);
            RandomViews.Layout layout = RandomViews.Layout.values()[rnd.nextInt(RandomViews.Layout.values().length)];
            Tensor t = RandomViews.of(rnd, dt, shape, layout);
            int[] axes = RandomViews.axes(rnd, shape.length);
            boolean keepDim = rnd.nextBoolean();
            int correction = rnd.nextInt(2);
            double p = new double[] {0, 1, 2, 3, 0.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}[rnd.nextInt(7)];
            int axis = shape.length == 0 ? 0 : rnd.nextInt(shape.length) - (rnd.nextBoolean() ? shape.length : 0);
            for (boolean vector : new boolean[] {true, false}) {
                String what = "seed " + seed + ", " + dt + " " + Arrays.toString(shape) + " " + layout + ", axes "
                        + Arrays.toString(axes) + ", keepDim " + keepDim + ", vector " + vector;
                checkAll(what, t, axes, keepDim, correction, p, axis, vector);
            }
        });
    }

    private static void checkAll(String what, Tensor t, int[] axes, boolean keepDim, int correction, double p,
                                 int axis, boolean vector) {
        DType dt = t.dtype();
        boolean[] mask = NaiveReductions.mask(axes, t.rank());
        NaiveReductions ref = new NaiveReductions(t, mask);
        int[] outShape = outShape(t.shape(), mask, keepDim);
        int n = ref.outputs();
        DType floating = dt.isInexact() ? dt : DType.FLOAT32;
        double acc = dt == DType.FLOAT32 ? ACC32 : 1e-13;

        // sum: exact for integers, else within the accumulation bound plus one rounding.
        Tensor sum = Reductions.sum(t, axes, keepDim, vector);
        double[][] expSum = new double[2][n];
        double[] tolSum = new double[n];
        for (int o = 0; o < n; o++) {
            expSum[0][o] = NaiveReductions.sum(ref.re[o]);
            expSum[1][o] = NaiveReductions.sum(ref.im[o]);
            tolSum[o] = acc * (NaiveReductions.sumAbs(ref.re[o]) + NaiveReductions.sumAbs(ref.im[o]))
                    + rounding(dt) * (Math.abs(expSum[0][o]) + Math.abs(expSum[1][o]));
        }
        check(what + ": sum", sum, dt.isInexact() ? dt : DType.INT32, outShape, expSum, tolSum);

        // mean: the sum divided by the count (NaN for an empty reduction).
        Tensor mean = Reductions.mean(t, axes, keepDim, vector);
        double[][] expMean = new double[2][n];
        double[] tolMean = new double[n];
        for (int o = 0; o < n; o++) {
            int count = ref.re[o].length;
            expMean[0][o] = expSum[0][o] / count;
            expMean[1][o] = expSum[1][o] / count;
            tolMean[o] = tolSum[o] / count + rounding(floating) * (Math.abs(expMean[0][o]) + Math.abs(expMean[1][o]));
        }
        check(what + ": mean", mean, floating, outShape, expMean, tolMean);

        // var: two passes; the error of the mean enters squared (n * dmu^2), the sum of squares as a sum does.
        Tensor var = Reductions.var(t, axes, correction, keepDim, vector);
        double[][] expVar = new double[2][n];
        double[] tolVar = new double[n];
        for (int o = 0; o < n; o++) {
            int count = ref.re[o].length;
            expVar[0][o] = NaiveReductions.var(ref.re[o], ref.im[o], correction);
            double dmu = tolMean[o] + 0x1p-23 * Math.abs(expMean[0][o]);
            tolVar[o] = (2 * acc * expVar[0][o] * Math.max(count - correction, 0) + count * dmu * dmu)
                    / Math.max(count - correction, 1) + rounding(floating) * Math.abs(expVar[0][o]);
        }
        check(what + ": var", var, floating.realPart(), outShape, expVar, tolVar);

        // norm: sums of non-negative terms (relative error), or exact for p = 0 and p = +-infinity.
        boolean emptyReduction = countOf(t.shape(), mask) == 0;
        if (Double.isInfinite(p) && emptyReduction) {
            assertThatThrownBy(() -> Reductions.norm(t, p, axes, keepDim, vector)).as(what)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("norm:");
        } else {
            Tensor norm = Reductions.norm(t, p, axes, keepDim, vector);
            double[][] expNorm = new double[2][n];
            double[] tolNorm = new double[n];
            for (int o = 0; o < n; o++) {
                expNorm[0][o] = NaiveReductions.norm(ref.re[o], ref.im[o], p);
                tolNorm[o] = (2 * acc + rounding(floating) + 1e-14) * Math.abs(expNorm[0][o]);
            }
            check(what + ": norm " + p, norm, floating.realPart(), outShape, expNorm, tolNorm);
        }

        if (dt.isComplex()) {
            for (String op : new String[] {"max", "min", "argmax", "logsumexp"}) {
                assertThatThrownBy(() -> run(op, t, axes, axis, keepDim, vector)).as(what)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(op + ": not defined for complex");
            }
            return;
        }

        // logsumexp: an error e relative in the sum is an error e absolute in its log.
        Tensor lse = Reductions.logsumexp(t, axes, keepDim, vector);
        double[][] expLse = new double[2][n];
        double[] tolLse = new double[n];
        for (int o = 0; o < n; o++) {
            expLse[0][o] = NaiveReductions.logSumExp(ref.re[o]);
            tolLse[o] = (dt == DType.FLOAT32 ? 4e-6 : 1e-13) + rounding(floating) * Math.abs(expLse[0][o]);
        }
        check(what + ": logsumexp", lse, floating, outShape, expLse, tolLse);

        // max and min: exact, or an error naming the op when nothing is reduced.
        if (emptyReduction) {
            for (String op : new String[] {"max", "min"}) {
                assertThatThrownBy(() -> run(op, t, axes, axis, keepDim, vector)).as(what)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(op + ": cannot reduce over zero elements");
            }
        } else {
            double[][] expMax = new double[2][n];
            double[][] expMin = new double[2][n];
            for (int o = 0; o < n; o++) {
                expMax[0][o] = NaiveReductions.max(ref.re[o]);
                expMin[0][o] = NaiveReductions.min(ref.re[o]);
            }
            check(what + ": max", Reductions.extreme("max", dev.jacobi.tensor.cpu.Reducer.MAX, t, axes, keepDim, vector),
                    dt, outShape, expMax, new double[n]);
            check(what + ": min", Reductions.extreme("min", dev.jacobi.tensor.cpu.Reducer.MIN, t, axes, keepDim, vector),
                    dt, outShape, expMin, new double[n]);
        }

        // argmax / argmin along one axis: first occurrence, exact.
        if (t.rank() > 0) {
            int ax = axis < 0 ? axis + t.rank() : axis;
            boolean[] one = new boolean[t.rank()];
            one[ax] = true;
            NaiveReductions along = new NaiveReductions(t, one);
            int[] argShape = outShape(t.shape(), one, keepDim);
            if (t.shape()[ax] == 0) {
                assertThatThrownBy(() -> run("argmax", t, axes, axis, keepDim, vector)).as(what)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("argmax: cannot reduce over zero elements");
            } else {
                double[][] expArgmax = new double[2][along.outputs()];
                double[][] expArgmin = new double[2][along.outputs()];
                for (int o = 0; o < along.outputs(); o++) {
                    expArgmax[0][o] = NaiveReductions.argExtreme(along.re[o], 1);
                    expArgmin[0][o] = NaiveReductions.argExtreme(along.re[o], -1);
                }
                check(what + ": argmax " + axis, run("argmax", t, axes, axis, keepDim, vector), DType.INT32, argShape,
                        expArgmax, new double[along.outputs()]);
                check(what + ": argmin " + axis, run("argmin", t, axes, axis, keepDim, vector), DType.INT32, argShape,
                        expArgmin, new double[along.outputs()]);
            }
        }
    }

    private static Tensor run(String op, Tensor t, int[] axes, int axis, boolean keepDim, boolean vector) {
        return switch (op) {
            case "max" -> Reductions.extreme("max", dev.jacobi.tensor.cpu.Reducer.MAX, t, axes, keepDim, vector);
            case "min" -> Reductions.extreme("min", dev.jacobi.tensor.cpu.Reducer.MIN, t, axes, keepDim, vector);
            case "argmax" -> Reductions.arg("argmax", dev.jacobi.tensor.cpu.Reducer.MAX, t, axis, keepDim, vector);
            case "argmin" -> Reductions.arg("argmin", dev.jacobi.tensor.cpu.Reducer.MIN, t, axis, keepDim, vector);
            case "logsumexp" -> Reductions.logsumexp(t, axes, keepDim, vector);
            default -> throw new IllegalArgumentException(op);
        };
    }

    /** Relative size of one rounding to {@code dt} (an ulp at most); 0 for integer results, which are exact. */
    static double rounding(DType dt) {
        return switch (dt) {
            case FLOAT32, COMPLEX64 -> 0x1p-23;
            case FLOAT64, COMPLEX128 -> 0x1p-51;
            case FLOAT16 -> 0x1p-10;
            case BFLOAT16 -> 0x1p-7;
            default -> 0;
        };
    }

    static int[] outShape(int[] shape, boolean[] mask, boolean keepDim) {
        return java.util.stream.IntStream.range(0, shape.length).filter(d -> keepDim || !mask[d])
                .map(d -> mask[d] ? 1 : shape[d]).toArray();
    }

    static long countOf(int[] shape, boolean[] mask) {
        long c = 1;
        for (int d = 0; d < shape.length; d++) {
            c *= mask[d] ? shape[d] : 1;
        }
        return c;
    }

    /** Checks dtype, shape and every element (real and imaginary) against {@code expected} within {@code tol}. */
    static void check(String what, Tensor got, DType dtype, int[] shape, double[][] expected, double[] tol) {
        assertThat(got.dtype()).as(what + " dtype").isEqualTo(dtype);
        assertThat(got.shape()).as(what + " shape").isEqualTo(shape);
        double[] flat = got.toDoubleArray();
        boolean complex = dtype.isComplex();
        for (int o = 0; o < expected[0].length; o++) {
            double re = complex ? flat[2 * o] : flat[o];
            double im = complex ? flat[2 * o + 1] : 0;
            assertClose(what + " [" + o + "] real", re, expected[0][o], tol[o]);
            if (complex) {
                assertClose(what + " [" + o + "] imag", im, expected[1][o], tol[o]);
            }
        }
    }

    static void assertClose(String what, double got, double expected, double tol) {
        if (Double.isNaN(expected)) {
            assertThat(Double.isNaN(got)).as(what + ": got " + got + ", expected NaN").isTrue();
            return;
        }
        if (Double.isInfinite(expected)) {
            assertThat(got).as(what).isEqualTo(expected);
            return;
        }
        assertThat(Math.abs(got - expected)).as(what + ": got " + got + ", expected " + expected + " within " + tol)
                .isLessThanOrEqualTo(tol);
    }
}
