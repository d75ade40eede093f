package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

import java.util.List;

/** Small float64 networks and dense linear algebra written out plainly, for the EP properties. */
final class EpFixtures {
    private EpFixtures() {
    }

    /** A float64 MLP with the SIGMOID activation. */
    static EpNetwork mlp(long seed, int[] sizes, boolean tied, double angle, EpLoss loss, int classes) {
        return EpNetwork.mlp(sizes, Activation.SIGMOID, loss, classes, tied, angle, DType.FLOAT64, Generator.seeded(seed));
    }

    /**
     * A float64 MLP whose weights (feedforward and feedback) are scaled by {@code scale} after the usual
     * initialisation: at half scale the toy dynamics contract by about 0.4 per step, so 60 steps reach
     * float64 rounding, and the fixed point is holomorphic in beta well beyond |beta| = 1.
     */
    static EpNetwork contractingMlp(long seed, int[] sizes, boolean tied, double angle, EpLoss loss, int classes, double scale) {
        EpNetwork net = mlp(seed, sizes, tied, angle, loss, classes);
        try (var g = dev.jacobi.tensor.autograd.Autograd.noGrad()) {
            for (Tensor p : net.parameters()) {
                p.mulInPlace(scale);
            }
        }
        return net;
    }

    /** Uniform inputs in [0, 1), float64 {@code [batch, n]}. */
    static Tensor inputs(long seed, int batch, int n) {
        return Generator.seeded(seed ^ 0x5DEECE66DL).uniform(DType.FLOAT64, 0, 1, batch, n);
    }

    /** Random int32 labels in [0, classes). */
    static Tensor labels(long seed, int batch, int classes) {
        return Generator.seeded(seed + 17).randint(0, classes, batch);
    }

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting (a is n x n, row-major). */
    static double[] solve(double[] a, double[] b, int n) {
        double[] m = a.clone();
        double[] x = b.clone();
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r * n + col]) > Math.abs(m[pivot * n + col])) {
                    pivot = r;
                }
            }
            for (int c = 0; c < n; c++) {
                double t = m[col * n + c];
                m[col * n + c] = m[pivot * n + c];
                m[pivot * n + c] = t;
            }
            double t = x[col];
            x[col] = x[pivot];
            x[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = m[r * n + col] / m[col * n + col];
                for (int c = col; c < n; c++) {
                    m[r * n + c] -= f * m[col * n + c];
                }
                x[r] -= f * x[col];
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = x[r];
            for (int c = r + 1; c < n; c++) {
                s -= m[r * n + c] * x[c];
            }
            x[r] = s / m[r * n + r];
        }
        return x;
    }

    /** The transpose of a row-major n x n matrix. */
    static double[] transpose(double[] a, int n) {
        double[] t = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                t[c * n + r] = a[r * n + c];
            }
        }
        return t;
    }

    /** max |a - b| / max |b|. */
    static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    /** The cosine of two vectors. */
    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** The tensors of a list flattened into one array. */
    static double[] flatten(List<Tensor> tensors) {
        int n = 0;
        for (Tensor t : tensors) {
            n += (int) t.numel();
        }
        double[] out = new double[n];
        int at = 0;
        for (Tensor t : tensors) {
            double[] v = t.toDoubleArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }
}
