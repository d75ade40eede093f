package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.cpu.NormalizationKernels;
import dev.jacobi.tensor.cpu.Reducer;
import dev.jacobi.tensor.cpu.ReductionKernels;
import dev.jacobi.tensor.cpu.Simd;

import java.lang.foreign.MemorySegment;

/**
 * Row-wise normalizations: softmax, log-softmax and layer norm. A "row" is the set of elements along
 * the normalized axis for one index of the other axes.
 *
 * <p>Float32 input normalized along its contiguous last axis runs the SIMD row kernels of
 * {@link NormalizationKernels}, several rows per fork-join task. Every other case (other axes, strided
 * rows, other dtypes, SIMD off) copies each row into a float64 buffer, normalizes it with the scalar
 * reference kernels below and stores the result rounded to the output dtype. Integer and bool inputs
 * give float32; complex input is rejected.
 */
public final class Normalization {
    private Normalization() {
    }

    private enum Kind { SOFTMAX, LOG_SOFTMAX, LAYER_NORM }

    /** {@code e^x / sum(e^x)} along {@code axis}, computed as {@code e^(x - max)} so that it cannot overflow. */
    public static Tensor softmax(Tensor t, int axis) {
        if (Devices.onAccelerator(t)) {
            return Devices.softmax(t, axis, false);
        }
        return rows("softmax", Kind.SOFTMAX, t, axis, null, null, 0, Simd.enabled());
    }

    /** {@code x - log(sum(e^x))} along {@code axis}, computed as {@code x - max - log(sum(e^(x - max)))}. */
    public static Tensor logSoftmax(Tensor t, int axis) {
        if (Devices.onAccelerator(t)) {
            return Devices.softmax(t, axis, true);
        }
        return rows("logSoftmax", Kind.LOG_SOFTMAX, t, axis, null, null, 0, Simd.enabled());
    }

    /**
     * Layer normalization over the last axis: {@code (x - mean) / sqrt(var + eps) * weight + bias} with the
     * population variance, as {@code torch.nn.functional.layer_norm} with one normalized dimension.
     *
     * @param weight null (no scale) or a tensor of shape {@code [n]}, n the size of the last axis; cast to the result dtype
     * @param bias   null (no shift) or a tensor of shape {@code [n]}; cast to the result dtype
     * @param eps    non-negative
     */
    public static Tensor layerNorm(Tensor t, Tensor weight, Tensor bias, double eps) {
        if (Devices.onAccelerator(t, weight, bias)) {
            return Devices.layerNorm(t, weight, bias, eps);
        }
        return layerNorm(t, weight, bias, eps, Simd.enabled());
    }

    static Tensor layerNorm(Tensor t, Tensor weight, Tensor bias, double eps, boolean vector) {
        if (t.rank() == 0) {
            throw new IllegalArgumentException("layerNorm: needs at least one dimension, the input is a scalar");
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be non-negative, got " + eps);
        }
        int n = t.size(-1);
        checkParameter("weight", weight, t, n);
        checkParameter("bias", bias, t, n);
        return rows("layerNorm", Kind.LAYER_NORM, t, -1, weight, bias, eps, vector);
    }

    static Tensor softmax(Tensor t, int axis, boolean vector) {
        return rows("softmax", Kind.SOFTMAX, t, axis, null, null, 0, vector);
    }

    static Tensor logSoftmax(Tensor t, int axis, boolean vector) {
        return rows("logSoftmax", Kind.LOG_SOFTMAX, t, axis, null, null, 0, vector);
    }

    private static void checkParameter(String name, Tensor p, Tensor t, int n) {
        if (p == null) {
            return;
        }
        if (p.rank() != 1 || p.size(0) != n) {
            throw new IllegalArgumentException("layerNorm: " + name + " of shape " + Shapes.format(p.shape())
                    + " does not match the last dimension of input shape " + Shapes.format(t.shape())
                    + " (expected [" + n + "])");
        }
        if (p.dtype().isComplex()) {
            throw new IllegalArgumentException("layerNorm: " + name + " must be real, got dtype " + p.dtype());
        }
    }

    /** Normalizes every row of {@code t} along {@code axis} into a new contiguous tensor. */
    private static Tensor rows(String op, Kind kind, Tensor t, int axis, Tensor weight, Tensor bias, double eps,
                               boolean vector) {
        DType in = t.dtype();
        if (in.isComplex()) {
            throw new IllegalArgumentException(op + ": not defined for complex input (dtype " + in + ", shape "
                    + Shapes.format(t.shape()) + ")");
        }
        int[] shape = t.shape();
        int ax = Shapes.axis(op, axis, shape.length);
        DType dt = in.isInexact() ? in : DType.FLOAT32;
        Tensor out = Tensor.uninitialized(dt, shape); // every row is written in full
        int n = shape[ax];
        long numel = t.numel();
        if (numel == 0) {
            return out;
        }
        long rows = numel / n;
        // The other axes, whose index picks a row: their sizes and the input's and output's strides.
        int[] outer = new int[shape.length - 1];
        long[] inStrides = new long[outer.length];
        long[] outStrides = new long[outer.length];
        long[] ts = t.strides();
        long[] os = out.strides();
        for (int d = 0, j = 0; d < shape.length; d++) {
            if (d != ax) {
                outer[j] = shape[d];
                inStrides[j] = ts[d];
                outStrides[j++] = os[d];
            }
        }
        long inStep = ts[ax];
        long outStep = os[ax];
        boolean fast = vector && dt == DType.FLOAT32 && in == DType.FLOAT32 && (inStep == 1 || n == 1) && outStep == 1;
        Storage si = t.storage();
        Storage so = out.storage();
        MemorySegment mi = si.segment();
        MemorySegment mo = so.segment();
        // The float32 kernel always scales and shifts; the scalar one skips what is null.
        Tensor w = weight != null ? weight.to(fast ? DType.FLOAT32 : DType.FLOAT64).contiguous()
                : fast && kind == Kind.LAYER_NORM ? Tensor.ones(DType.FLOAT32, n) : null;
        Tensor b = bias != null ? bias.to(fast ? DType.FLOAT32 : DType.FLOAT64).contiguous()
                : fast && kind == Kind.LAYER_NORM ? Tensor.zeros(DType.FLOAT32, n) : null;
        MemorySegment mw = w == null ? null : w.storage().segment();
        MemorySegment mb = b == null ? null : b.storage().segment();
        long wo = w == null ? 0 : w.offset();
        long bo = b == null ? 0 : b.offset();
        double[] wd = w == null || fast ? null : w.toDoubleArray();
        double[] bd = b == null || fast ? null : b.toDoubleArray();
        long rowsPerItem = Math.max(1, ReductionEngine.CHUNK / n);
        ReductionEngine.forEachItem(ReductionEngine.ceilDiv(rows, rowsPerItem), numel, item -> {
            long first = item * rowsPerItem;
            long last = Math.min(rows, first + rowsPerItem);
            int[] idx = new int[outer.length];
            long r = first;
            long inOff = t.offset();
            long outOff = out.offset();
            for (int d = outer.length - 1; d >= 0; d--) {
                idx[d] = (int) (r % outer[d]);
                r /= outer[d];
                inOff += idx[d] * inStrides[d];
                outOff += idx[d] * outStrides[d];
            }
            double[] buf = fast ? null : new double[n];
            long[] inOffs = new long[4];
            long[] outOffs = new long[4];
            double[] stats = new double[4];
            for (long row = first; row < last; ) {
                int k = (int) Math.min(4, last - row);
                for (int j = 0; j < k; j++) {
                    inOffs[j] = inOff;
                    outOffs[j] = outOff;
                    for (int d = outer.length - 1; d >= 0; d--) {
                        idx[d]++;
                        inOff += inStrides[d];
                        outOff += outStrides[d];
                        if (idx[d] < outer[d]) {
                            break;
                        }
                        inOff -= (long) outer[d] * inStrides[d];
                        outOff -= (long) outer[d] * outStrides[d];
                        idx[d] = 0;
                    }
                }
                row += k;
                if (fast) {
                    // The first pass (max, or sum) of four equally spaced rows at once: four long memory streams.
                    long gap = inOffs[1] - inOffs[0];
                    boolean four = k == 4 && inOffs[2] - inOffs[1] == gap && inOffs[3] - inOffs[2] == gap;
                    if (four) {
                        ReductionKernels.reduceFloat4(kind == Kind.LAYER_NORM ? Reducer.SUM : Reducer.MAX, mi, inOffs[0],
                                gap, n, null, 0, stats, 0);
                    }
                    for (int j = 0; j < k; j++) {
                        long xo = inOffs[j];
                        long yo = outOffs[j];
                        switch (kind) {
                            case SOFTMAX -> {
                                if (four) {
                                    NormalizationKernels.softmaxRowFloat(mi, xo, mo, yo, n, (float) stats[j]);
                                } else {
                                    NormalizationKernels.softmaxRowFloat(mi, xo, mo, yo, n);
                                }
                            }
                            case LOG_SOFTMAX -> {
                                if (four) {
                                    NormalizationKernels.logSoftmaxRowFloat(mi, xo, mo, yo, n, (float) stats[j]);
                                } else {
                                    NormalizationKernels.logSoftmaxRowFloat(mi, xo, mo, yo, n);
                                }
                            }
                            case LAYER_NORM -> {
                                if (four) {
                                    NormalizationKernels.layerNormRowFloat(mi, xo, mo, yo, n, mw, wo, mb, bo, eps, stats[j]);
                                } else {
                                    NormalizationKernels.layerNormRowFloat(mi, xo, mo, yo, n, mw, wo, mb, bo, eps);
                                }
                            }
                        }
                    }
                    continue;
                }
                for (int j = 0; j < k; j++) {
                    for (int i = 0; i < n; i++) {
                        buf[i] = si.getDouble(inOffs[j] + i * inStep);
                    }
                    switch (kind) {
                        case SOFTMAX -> softmax(buf);
                        case LOG_SOFTMAX -> logSoftmax(buf);
                        case LAYER_NORM -> layerNorm(buf, wd, bd, eps);
                    }
                    for (int i = 0; i < n; i++) {
                        so.setDouble(outOffs[j] + i * outStep, buf[i]);
                    }
                }
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- scalar reference kernels (float64, in place)

    /** Softmax of one row in place, in float64. */
    static void softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }

    /** Log-softmax of one row in place, in float64. */
    static void logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double logSum = Math.log(sum);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] - max - logSum;
        }
    }

    /** Layer norm of one row in place, in float64 (two-pass mean and population variance); w, b may be null. */
    static void layerNorm(double[] x, double[] w, double[] b, double eps) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        double rstd = 1 / Math.sqrt(var / n + eps);
        for (int i = 0; i < n; i++) {
            double v = (x[i] - mean) * rstd;
            x[i] = (w == null ? v : v * w[i]) + (b == null ? 0 : b[i]);
        }
    }
}
