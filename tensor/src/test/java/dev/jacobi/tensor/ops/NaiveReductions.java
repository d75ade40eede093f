package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * The test reference for reductions: groups a tensor's logical values by output element (in row-major
 * order of the input, so a single reduced axis is visited in its own order) and folds each group with
 * plain float64 loops. Shares no code with the implementation but {@link Tensor#toDoubleArray()}.
 */
final class NaiveReductions {
    /** Real parts (index [output][k]) and imaginary parts of the elements each output reduces. */
    final double[][] re;
    final double[][] im;

    NaiveReductions(Tensor t, boolean[] mask) {
        int[] shape = t.shape();
        double[] flat = t.toDoubleArray();
        boolean complex = t.dtype().isComplex();
        long outputs = 1;
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            if (mask[d]) {
                count *= shape[d];
            } else {
                outputs *= shape[d];
            }
        }
        re = new double[(int) outputs][(int) count];
        im = new double[(int) outputs][(int) count];
        int[] filled = new int[(int) outputs];
        long n = t.numel();
        int[] idx = new int[shape.length];
        for (long i = 0; i < n; i++) {
            long o = 0;
            for (int d = 0; d < shape.length; d++) {
                if (!mask[d]) {
                    o = o * shape[d] + idx[d];
                }
            }
            int k = filled[(int) o]++;
            re[(int) o][k] = complex ? flat[(int) (2 * i)] : flat[(int) i];
            im[(int) o][k] = complex ? flat[(int) (2 * i + 1)] : 0;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }

    /** The mask of {@code axes} (empty: all) for a tensor of {@code rank}, written independently of Shapes. */
    static boolean[] mask(int[] axes, int rank) {
        boolean[] m = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(m, true);
        }
        for (int a : axes) {
            m[a < 0 ? a + rank : a] = true;
        }
        return m;
    }

    int outputs() {
        return re.length;
    }

    static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    static double sumAbs(double[] x) {
        double s = 0;
        for (double v : x) {
            s += Math.abs(v);
        }
        return s;
    }

    static double var(double[] x, double[] y, int correction) {
        double mx = sum(x) / x.length;
        double my = sum(y) / y.length;
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - mx) * (x[i] - mx) + (y[i] - my) * (y[i] - my);
        }
        return s / Math.max(x.length - correction, 0);
    }

    /** NumPy's max: NaN if any element is NaN. */
    static double max(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                return v;
            }
            m = v > m ? v : m;
        }
        return m;
    }

    static double min(double[] x) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : x) {
            if (Double.isNaN(v)) {
                return v;
            }
            m = v < m ? v : m;
        }
        return m;
    }

    /** First index of the maximum (sign +1) or minimum (sign -1); the first NaN wins. */
    static int argExtreme(double[] x, int sign) {
        int best = 0;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) {
                return i;
            }
            if (sign * x[i] > sign * x[best]) {
                best = i;
            }
        }
        return best;
    }

    /** log(sum(exp(x))) as m + log(sum(exp(x - m))), m the (finite) maximum, so that int32 test values do not overflow. */
    static double logSumExp(double[] x) {
        double m = max(x);
        if (!Double.isFinite(m)) {
            m = 0;
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /** The p-norm of the moduli |x + iy|. */
    static double norm(double[] x, double[] y, double p) {
        double[] m = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            m[i] = Math.hypot(x[i], y[i]);
        }
        if (p == Double.POSITIVE_INFINITY) {
            return max(m);
        }
        if (p == Double.NEGATIVE_INFINITY) {
            return min(m);
        }
        double s = 0;
        for (double v : m) {
            s += p == 0 ? (v != 0 ? 1 : 0) : Math.pow(v, p);
        }
        return p == 0 ? s : Math.pow(s, 1 / p);
    }
}
