package dev.jacobi.bench.tour.entries;

import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * Plain float64 references for the tensor self-check: element access by explicit index arithmetic
 * over shape, strides and offset, and the textbook definitions of broadcasting, sums and matrix
 * products. Deliberately simple and slow; nothing here calls a tensor kernel.
 */
final class Naive {
    private Naive() {
    }

    /** Number of elements of {@code shape}. */
    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The row-major multi-index of flat position {@code flat} in {@code shape}. */
    static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            index[i] = flat % shape[i];
            flat /= shape[i];
        }
        return index;
    }

    /** The element of {@code t} at {@code index}, read straight from its storage. */
    static double at(Tensor t, int[] index) {
        long[] strides = t.strides();
        long pos = t.offset();
        for (int i = 0; i < index.length; i++) {
            pos += index[i] * strides[i];
        }
        return t.storage().getDouble(pos);
    }

    /** The elements of {@code t} in row-major order, read straight from its storage. */
    static double[] values(Tensor t) {
        int[] shape = t.shape();
        double[] v = new double[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = at(t, unravel(i, shape));
        }
        return v;
    }

    /** NumPy's broadcast shape of {@code a} and {@code b} (trailing dimensions aligned). */
    static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The element of {@code t} that broadcasting puts at {@code outIndex} of a larger result. */
    static double broadcastAt(Tensor t, int[] outIndex) {
        int[] shape = t.shape();
        int lead = outIndex.length - shape.length;
        int[] index = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            index[i] = shape[i] == 1 ? 0 : outIndex[lead + i];
        }
        return at(t, index);
    }

    /** {@code f(a, b)} with broadcasting, in float64, in row-major order of the broadcast shape. */
    static double[] binary(Tensor a, Tensor b, java.util.function.DoubleBinaryOperator f) {
        int[] shape = broadcastShape(a.shape(), b.shape());
        double[] out = new double[numel(shape)];
        for (int i = 0; i < out.length; i++) {
            int[] index = unravel(i, shape);
            out[i] = f.applyAsDouble(broadcastAt(a, index), broadcastAt(b, index));
        }
        return out;
    }

    /**
     * The sum over the dimensions in {@code reduce} (a mask), keeping them as size 1;
     * {@code mean} divides by the count of summed elements.
     */
    static double[] sum(Tensor t, boolean[] reduce, boolean mean) {
        int[] shape = t.shape();
        int[] outShape = shape.clone();
        int count = 1;
        for (int i = 0; i < shape.length; i++) {
            if (reduce[i]) {
                outShape[i] = 1;
                count *= shape[i];
            }
        }
        double[] out = new double[numel(outShape)];
        for (int i = 0; i < numel(shape); i++) {
            out[flatInReduced(unravel(i, shape), outShape)] += at(t, unravel(i, shape));
        }
        if (mean) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= count;
            }
        }
        return out;
    }

    /** The maximum over the dimensions in {@code reduce}, keeping them as size 1. */
    static double[] max(Tensor t, boolean[] reduce) {
        int[] shape = t.shape();
        int[] outShape = shape.clone();
        for (int i = 0; i < shape.length; i++) {
            outShape[i] = reduce[i] ? 1 : shape[i];
        }
        double[] out = new double[numel(outShape)];
        Arrays.fill(out, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < numel(shape); i++) {
            int[] index = unravel(i, shape);
            int o = flatInReduced(index, outShape);
            out[o] = Math.max(out[o], at(t, index));
        }
        return out;
    }

    private static int flatInReduced(int[] index, int[] outShape) {
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            flat = flat * outShape[i] + (outShape[i] == 1 ? 0 : index[i]);
        }
        return flat;
    }

    /** Softmax of each row of a 2-D tensor: exp(x - max) / sum(exp(x - max)). */
    static double[] softmaxRows(Tensor t) {
        int rows = t.shape()[0];
        int cols = t.shape()[1];
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                m = Math.max(m, at(t, new int[] {r, c}));
            }
            double s = 0;
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = Math.exp(at(t, new int[] {r, c}) - m);
                s += out[r * cols + c];
            }
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] /= s;
            }
        }
        return out;
    }

    /**
     * The product of a batch of matrices {@code a} [..., m, k] with one matrix {@code b} [k, n],
     * as a triple loop per batch element.
     */
    static double[] batchedMatmul(Tensor a, Tensor b) {
        int[] as = a.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int n = b.shape()[1];
        int batch = numel(Arrays.copyOf(as, as.length - 2));
        double[] out = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            int[] lead = unravel(p, Arrays.copyOf(as, as.length - 2));
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        int[] ia = Arrays.copyOf(lead, as.length);
                        ia[as.length - 2] = i;
                        ia[as.length - 1] = q;
                        s += at(a, ia) * at(b, new int[] {q, j});
                    }
                    out[(p * m + i) * n + j] = s;
                }
            }
        }
        return out;
    }

    /**
     * How far {@code got} is from {@code want}, relative where |want| &gt; 1 and absolute below:
     * max |got - want| / max(1, |want|). NaN matches NaN and an infinity matches itself; any other
     * NaN or infinity mismatch, or a length mismatch, is infinitely far.
     */
    static double maxError(double[] got, double[] want) {
        if (got.length != want.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            double g = got[i];
            double w = want[i];
            double e;
            if (Double.isNaN(w) || Double.isNaN(g)) {
                e = Double.isNaN(w) && Double.isNaN(g) ? 0 : Double.POSITIVE_INFINITY;
            } else if (Double.isInfinite(w) || Double.isInfinite(g)) {
                e = g == w ? 0 : Double.POSITIVE_INFINITY;
            } else {
                e = Math.abs(g - w) / Math.max(1, Math.abs(w));
            }
            worst = Math.max(worst, e);
        }
        return worst;
    }
}
