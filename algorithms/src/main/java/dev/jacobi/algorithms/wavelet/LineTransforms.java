package dev.jacobi.algorithms.wavelet;

/**
 * One analysis or synthesis step along contiguous lines of float64 samples, for every {@link Mode}, and
 * the transposes of both (for gradients): the plain reference path of the package.
 *
 * <p>Conventions (PyWavelets'), with filter F of even length L and x extended by the mode:
 * analysis {@code a[k] = sum_j F[j] x[2k + 1 - j]}, k in [0, floor((N + L - 1) / 2)); periodization
 * pads an odd signal with its last sample and uses {@code a[k] = sum_j F[j] x[(2k + L/2 - j) mod N]},
 * k in [0, N/2). Synthesis {@code x[m] = sum_{j = m + c mod 2} g[j] a[(m + c - j) / 2]} with c = L - 2
 * for m in [0, 2n - L + 2) (no extension), and c = L/2 - 1 with a periodic for m in [0, 2n)
 * (periodization).
 *
 * <p>Coefficient arrays hold, per line, the approximation then the detail: {@code rows x 2 x n}.
 */
final class LineTransforms {
    private LineTransforms() {
    }

    /** The number of samples one synthesis step gives from n coefficients per band. */
    static int synthesisLength(int n, int filterLength, Mode mode) {
        return mode == Mode.PERIODIZATION ? 2 * n : 2 * n - filterLength + 2;
    }

    /** Index shift of the analysis buffer: buf[t] holds the extended signal at t - shift. */
    private static int analysisShift(int len, Mode mode) {
        return mode == Mode.PERIODIZATION ? len / 2 - 1 : len - 2;
    }

    private static int synthesisShift(int len, Mode mode) {
        return mode == Mode.PERIODIZATION ? len / 2 - 1 : len - 2;
    }

    /** Analysis of rows x n samples into rows x 2 x coefficients(n). */
    static void analyze(double[] x, int rows, int n, double[] lo, double[] hi, Mode mode, double[] y) {
        int len = lo.length;
        int out = mode.coefficients(n, len);
        int shift = analysisShift(len, mode);
        double[] buf = new double[2 * out + len - 2];
        for (int r = 0; r < rows; r++) {
            int off = r * n;
            for (int t = 0; t < buf.length; t++) {
                buf[t] = extended(x, off, n, t - shift, mode);
            }
            int o = 2 * r * out;
            for (int k = 0; k < out; k++) {
                double sa = 0;
                double sd = 0;
                for (int j = 0; j < len; j++) {
                    double v = buf[2 * k + j];
                    sa += lo[len - 1 - j] * v;
                    sd += hi[len - 1 - j] * v;
                }
                y[o + k] = sa;
                y[o + out + k] = sd;
            }
        }
    }

    /** The transpose of {@link #analyze}: rows x 2 x coefficients(n) into rows x n (overwritten). */
    static void analyzeTranspose(double[] y, int rows, int n, double[] lo, double[] hi, Mode mode, double[] x) {
        int len = lo.length;
        int out = mode.coefficients(n, len);
        int shift = analysisShift(len, mode);
        double[] buf = new double[2 * out + len - 2];
        java.util.Arrays.fill(x, 0, rows * n, 0.0);
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(buf, 0.0);
            int o = 2 * r * out;
            for (int k = 0; k < out; k++) {
                double ga = y[o + k];
                double gd = y[o + out + k];
                for (int j = 0; j < len; j++) {
                    buf[2 * k + j] += lo[len - 1 - j] * ga + hi[len - 1 - j] * gd;
                }
            }
            for (int t = 0; t < buf.length; t++) {
                extendedTranspose(x, r * n, n, t - shift, mode, buf[t]);
            }
        }
    }

    /** Synthesis of rows x 2 x n coefficients into rows x synthesisLength(n) samples. */
    static void synthesize(double[] y, int rows, int n, double[] lo, double[] hi, Mode mode, double[] x) {
        int len = lo.length;
        boolean per = mode == Mode.PERIODIZATION;
        int out = synthesisLength(n, len, mode);
        int c = synthesisShift(len, mode);
        for (int r = 0; r < rows; r++) {
            int a = 2 * r * n;
            for (int m = 0; m < out; m++) {
                double s = 0;
                for (int j = (m + c) & 1; j < len; j += 2) {
                    int q = (m + c - j) / 2;
                    if (per) {
                        q = Math.floorMod(q, n);
                    }
                    s += lo[j] * y[a + q] + hi[j] * y[a + n + q];
                }
                x[r * out + m] = s;
            }
        }
    }

    /** The transpose of {@link #synthesize}: rows x synthesisLength(n) into rows x 2 x n (overwritten). */
    static void synthesizeTranspose(double[] x, int rows, int n, double[] lo, double[] hi, Mode mode, double[] y) {
        int len = lo.length;
        boolean per = mode == Mode.PERIODIZATION;
        int out = synthesisLength(n, len, mode);
        int c = synthesisShift(len, mode);
        java.util.Arrays.fill(y, 0, rows * 2 * n, 0.0);
        for (int r = 0; r < rows; r++) {
            int a = 2 * r * n;
            for (int m = 0; m < out; m++) {
                double g = x[r * out + m];
                for (int j = (m + c) & 1; j < len; j += 2) {
                    int q = (m + c - j) / 2;
                    if (per) {
                        q = Math.floorMod(q, n);
                    }
                    y[a + q] += lo[j] * g;
                    y[a + n + q] += hi[j] * g;
                }
            }
        }
    }

    /** The signal at index i, extended by mode; periodization is periodic over the even-padded signal. */
    private static double extended(double[] x, int off, int n, long i, Mode mode) {
        if (mode == Mode.PERIODIZATION) {
            long padded = n + (n & 1);
            long p = Math.floorMod(i, padded);
            return x[off + (int) Math.min(p, n - 1)];
        }
        return Extension.at(x, off, n, i, mode);
    }

    private static void extendedTranspose(double[] x, int off, int n, long i, Mode mode, double g) {
        if (mode == Mode.PERIODIZATION) {
            long padded = n + (n & 1);
            long p = Math.floorMod(i, padded);
            x[off + (int) Math.min(p, n - 1)] += g;
            return;
        }
        Extension.accumulate(x, off, n, i, mode, g);
    }
}
