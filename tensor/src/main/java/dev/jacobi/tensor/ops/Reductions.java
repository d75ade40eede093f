package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.DeviceBackend;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.cpu.Reducer;
import dev.jacobi.tensor.cpu.Simd;

import java.util.Arrays;

/**
 * Reductions along any set of axes: sum, mean, var, max, min, argmax, argmin, logsumexp, norm.
 *
 * <p>Axes may be negative; an empty axis array means every axis; {@code keepDim} keeps the reduced
 * axes as size 1. Inputs of any layout are accepted (transposed, sliced with steps, broadcast views).
 * The work is done by {@link ReductionEngine}: SIMD kernels for float32 and float64 (when
 * {@link Simd#enabled()}), a float64 scalar path for the other dtypes.
 *
 * <p>Result dtypes and precision:
 * <ul>
 *   <li>sum: floating and complex inputs keep their dtype; bool, int8 and int32 give int32. Integer sums
 *       are exact (accumulated in 64 bits) and an int32 result that overflows throws
 *       {@link ArithmeticException} rather than wrapping (NumPy and PyTorch would return int64, which
 *       Jacobi does not have).</li>
 *   <li>Floating sums accumulate in float64, except that the float32 SIMD kernel sums blocks of
 *       {@link dev.jacobi.tensor.cpu.ReductionKernels#ADDS_PER_LANE} terms per lane in float32 first:
 *       the error before the final rounding is at most about {@code 1.4e-6 * sum|x|} (see
 *       {@link dev.jacobi.tensor.cpu.ReductionKernels}). float16 and bfloat16 accumulate in float64.</li>
 *   <li>mean, var, logsumexp, norm: bool and integer inputs give float32; var and norm of complex input
 *       give the real part type (var uses |x - mean|^2, norm the modulus).</li>
 *   <li>max, min keep the dtype and propagate NaN (NumPy's rule); argmax, argmin give int32 and the
 *       first occurrence (the first NaN, if any). Complex input is rejected for these and for logsumexp.</li>
 * </ul>
 *
 * <p>Empty reductions: sum gives 0, mean and var NaN, logsumexp -infinity, norm 0 (for finite p);
 * max, min, argmax, argmin and the infinity norms throw, naming the op, the shape and the axes.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Sum over {@code axes} (all when empty); see the class comment for dtypes and precision. */
    public static Tensor sum(Tensor t, int[] axes, boolean keepDim) {
        if (Devices.onAccelerator(t)) {
            return Devices.reduce(DeviceBackend.Reduction.SUM, t, axes, keepDim);
        }
        return sum(t, axes, keepDim, Simd.enabled());
    }

    static Tensor sum(Tensor t, int[] axes, boolean keepDim, boolean vector) {
        Target g = target("sum", t, axes, keepDim, true);
        DType dt = t.dtype();
        ReductionEngine.Result r = ReductionEngine.run(t, g.plan, Reducer.SUM, false, 0, null, null, vector);
        if (r.whole() != null) {
            for (int o = 0; o < r.whole().length; o++) {
                long v = r.whole()[o];
                if (v != (int) v) {
                    throw new ArithmeticException("sum: the int32 result " + v + " at output index " + o
                            + " overflows (input " + dt + " of shape " + Shapes.format(t.shape()) + ", axes "
                            + Arrays.toString(axes) + "); convert to float64 or sum fewer elements");
                }
                r.value()[o] = v;
            }
            return write(DType.INT32, g.shape, r.value(), null);
        }
        return write(dt, g.shape, r.value(), r.imag());
    }

    /** Mean over {@code axes} (all when empty); integer and bool inputs give float32, an empty mean is NaN. */
    public static Tensor mean(Tensor t, int[] axes, boolean keepDim) {
        if (Devices.onAccelerator(t)) {
            return Devices.reduce(DeviceBackend.Reduction.MEAN, t, axes, keepDim);
        }
        return mean(t, axes, keepDim, Simd.enabled());
    }

    static Tensor mean(Tensor t, int[] axes, boolean keepDim, boolean vector) {
        Target g = target("mean", t, axes, keepDim, true);
        double[][] m = means(t, g.plan, vector);
        return write(floating(t.dtype()), g.shape, m[0], m[1]);
    }

    /** Per-output means {real, imag (null unless complex)} in float64, from an exact or float64 sum. */
    private static double[][] means(Tensor t, ReductionPlan plan, boolean vector) {
        ReductionEngine.Result r = ReductionEngine.run(t, plan, Reducer.SUM, false, 0, null, null, vector);
        double n = plan.count();
        double[] re = r.value();
        for (int o = 0; o < re.length; o++) {
            re[o] = (r.whole() != null ? r.whole()[o] : re[o]) / n;
        }
        double[] im = r.imag();
        if (im != null) {
            for (int o = 0; o < im.length; o++) {
                im[o] /= n;
            }
        }
        return new double[][] {re, im};
    }

    /**
     * Variance over {@code axes}: the sum of squared deviations from the mean (two passes, both in the
     * precision of {@link #sum}) divided by {@code max(n - correction, 0)}, as NumPy's {@code ddof}.
     * Complex input gives the real variance of |x - mean|.
     */
    public static Tensor var(Tensor t, int[] axes, int correction, boolean keepDim) {
        Devices.requireCpu("var", t);
        return var(t, axes, correction, keepDim, Simd.enabled());
    }

    static Tensor var(Tensor t, int[] axes, int correction, boolean keepDim, boolean vector) {
        Target g = target("var", t, axes, keepDim, true);
        double[][] mean = means(t, g.plan, vector);
        ReductionEngine.Result r = ReductionEngine.run(t, g.plan, Reducer.SUM_SQUARES, false, 0, mean[0], mean[1], vector);
        double divisor = Math.max(g.plan.count() - (long) correction, 0);
        double[] v = r.value();
        for (int o = 0; o < v.length; o++) {
            v[o] /= divisor;
        }
        return write(floating(t.dtype()).realPart(), g.shape, v, null);
    }

    /** Maximum over {@code axes} (all when empty); NaN wins; the dtype is kept. */
    public static Tensor max(Tensor t, int[] axes, boolean keepDim) {
        if (Devices.onAccelerator(t)) {
            return Devices.reduce(DeviceBackend.Reduction.MAX, t, axes, keepDim);
        }
        return extreme("max", Reducer.MAX, t, axes, keepDim, Simd.enabled());
    }

    /** Minimum over {@code axes} (all when empty); NaN wins; the dtype is kept. */
    public static Tensor min(Tensor t, int[] axes, boolean keepDim) {
        if (Devices.onAccelerator(t)) {
            return Devices.reduce(DeviceBackend.Reduction.MIN, t, axes, keepDim);
        }
        return extreme("min", Reducer.MIN, t, axes, keepDim, Simd.enabled());
    }

    static Tensor extreme(String op, Reducer reducer, Tensor t, int[] axes, boolean keepDim, boolean vector) {
        rejectComplex(op, t);
        Target g = target(op, t, axes, keepDim, true);
        requireNonEmpty(op, t, axes, g.plan);
        ReductionEngine.Result r = ReductionEngine.run(t, g.plan, reducer, false, 0, null, null, vector);
        return write(t.dtype(), g.shape, r.value(), null);
    }

    /** Index (int32) of the first maximum along {@code axis}; the first NaN when there is one. */
    public static Tensor argmax(Tensor t, int axis, boolean keepDim) {
        Devices.requireCpu("argmax", t);
        return arg("argmax", Reducer.MAX, t, axis, keepDim, Simd.enabled());
    }

    /** Index (int32) of the first minimum along {@code axis}; the first NaN when there is one. */
    public static Tensor argmin(Tensor t, int axis, boolean keepDim) {
        Devices.requireCpu("argmin", t);
        return arg("argmin", Reducer.MIN, t, axis, keepDim, Simd.enabled());
    }

    static Tensor arg(String op, Reducer reducer, Tensor t, int axis, boolean keepDim, boolean vector) {
        rejectComplex(op, t);
        int[] axes = {Shapes.axis(op, axis, t.rank())};
        Target g = target(op, t, axes, keepDim, false);
        requireNonEmpty(op, t, axes, g.plan);
        ReductionEngine.Result r = ReductionEngine.run(t, g.plan, reducer, true, 0, null, null, vector);
        double[] index = new double[r.whole().length];
        for (int o = 0; o < index.length; o++) {
            index[o] = r.whole()[o];
        }
        return write(DType.INT32, g.shape, index, null);
    }

    /**
     * log(sum(exp(x))) over {@code axes}, computed as {@code m + log(sum(exp(x - m)))} with m the maximum,
     * so that it neither overflows nor underflows; -infinity for an empty reduction.
     */
    public static Tensor logsumexp(Tensor t, int[] axes, boolean keepDim) {
        if (Devices.onAccelerator(t)) {
            return Devices.logsumexp(t, axes, keepDim);
        }
        return logsumexp(t, axes, keepDim, Simd.enabled());
    }

    static Tensor logsumexp(Tensor t, int[] axes, boolean keepDim, boolean vector) {
        rejectComplex("logsumexp", t);
        Target g = target("logsumexp", t, axes, keepDim, true);
        DType out = floating(t.dtype());
        int n = (int) g.plan.outputs();
        if (g.plan.count() == 0) {
            double[] v = new double[n];
            Arrays.fill(v, Double.NEGATIVE_INFINITY);
            return write(out, g.shape, v, null);
        }
        double[] shift = ReductionEngine.run(t, g.plan, Reducer.MAX, false, 0, null, null, vector).value();
        for (int o = 0; o < n; o++) {
            // An infinite or NaN maximum needs no shift: exp then gives the right inf, 0 or NaN by itself.
            shift[o] = Double.isFinite(shift[o]) ? shift[o] : 0;
        }
        double[] s = ReductionEngine.run(t, g.plan, Reducer.SUM_EXP, false, 0, shift, null, vector).value();
        for (int o = 0; o < n; o++) {
            s[o] = Math.log(s[o]) + shift[o];
        }
        return write(out, g.shape, s, null);
    }

    /**
     * The vector p-norm over {@code axes}: {@code (sum |x|^p)^(1/p)}, with p = infinity the largest |x|,
     * p = -infinity the smallest, p = 0 the number of non-zero elements; |x| is the modulus for complex
     * input. p = 2 is computed as {@code sqrt(sum x^2)} without rescaling, so (as in NumPy) squares beyond
     * the dtype's range overflow to infinity.
     */
    public static Tensor norm(Tensor t, double p, int[] axes, boolean keepDim) {
        Devices.requireCpu("norm", t);
        return norm(t, p, axes, keepDim, Simd.enabled());
    }

    static Tensor norm(Tensor t, double p, int[] axes, boolean keepDim, boolean vector) {
        if (Double.isNaN(p)) {
            throw new IllegalArgumentException("norm: p must be a number or an infinity, got NaN");
        }
        Target g = target("norm", t, axes, keepDim, true);
        Reducer reducer = p == Double.POSITIVE_INFINITY ? Reducer.MAX_ABS
                : p == Double.NEGATIVE_INFINITY ? Reducer.MIN_ABS
                : p == 0 ? Reducer.COUNT_NONZERO
                : p == 1 ? Reducer.SUM_ABS
                : p == 2 ? Reducer.SUM_SQUARES
                : Reducer.SUM_ABS_POW;
        if (Double.isInfinite(p)) {
            requireNonEmpty("norm", t, axes, g.plan);
        }
        double[] v = ReductionEngine.run(t, g.plan, reducer, false, p, null, null, vector).value();
        if (reducer == Reducer.SUM_SQUARES || reducer == Reducer.SUM_ABS_POW) {
            for (int o = 0; o < v.length; o++) {
                v[o] = p == 2 ? Math.sqrt(v[o]) : Math.pow(v[o], 1 / p);
            }
        }
        return write(floating(t.dtype()).realPart(), g.shape, v, null);
    }

    // ---------------------------------------------------------------- shared

    /** The output shape and the canonical plan of a reduction. */
    private record Target(int[] shape, ReductionPlan plan) {
    }

    private static Target target(String op, Tensor t, int[] axes, boolean keepDim, boolean orderFree) {
        t.storage().checkAlive();
        int[] shape = t.shape();
        boolean[] mask = Shapes.axesMask(op, axes, shape.length);
        int kept = 0;
        for (boolean m : mask) {
            kept += m ? 0 : 1;
        }
        int[] out = new int[keepDim ? shape.length : kept];
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (keepDim) {
                out[d] = mask[d] ? 1 : shape[d];
            } else if (!mask[d]) {
                out[j++] = shape[d];
            }
        }
        return new Target(out, ReductionPlan.of(t, mask, orderFree));
    }

    /** The floating dtype a reduction of {@code dt} computes in: bool and integers give float32. */
    private static DType floating(DType dt) {
        return dt.isInexact() ? dt : DType.FLOAT32;
    }

    private static void rejectComplex(String op, Tensor t) {
        if (t.dtype().isComplex()) {
            throw new IllegalArgumentException(op + ": not defined for complex input (dtype " + t.dtype()
                    + ", shape " + Shapes.format(t.shape()) + "): complex numbers have no order");
        }
    }

    private static void requireNonEmpty(String op, Tensor t, int[] axes, ReductionPlan plan) {
        if (plan.count() == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce over zero elements (shape " + Shapes.format(t.shape())
                    + ", axes " + (axes.length == 0 ? "all" : Arrays.toString(axes)) + "): the result has no identity");
        }
    }

    /** A contiguous tensor of {@code dtype} and {@code shape} holding {@code value} (+ i {@code imag}) in row-major order. */
    private static Tensor write(DType dtype, int[] shape, double[] value, double[] imag) {
        Tensor out = Tensor.uninitialized(dtype, shape);
        Storage s = out.storage();
        for (int o = 0; o < value.length; o++) {
            s.setDouble(o, value[o]);
        }
        if (imag != null) {
            for (int o = 0; o < imag.length; o++) {
                s.setImag(o, imag[o]);
            }
        }
        return out;
    }
}
