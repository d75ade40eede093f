package dev.jacobi.algorithms.flow;

/**
 * Matrix norms for the convergence metrics ({@link ConvergenceMetrics}): the paper's {@code ‖·‖_2}
 * (largest singular value) and the two cheaper options of the reference's {@code IGM_GRM.py}.
 * Matrices are dense row-major {@code double[rows·cols]}.
 */
public enum MatrixNorm {
    /** Largest singular value (the paper's {@code ‖·‖_2}, the default). */
    SPECTRAL,
    /** Induced 1-norm: the largest column sum of absolute values. */
    ONE,
    /** Frobenius norm: the square root of the sum of squares. */
    FROBENIUS;

    /** Sweeps of the cyclic Jacobi eigenvalue method; it converges quadratically, so this is never reached. */
    private static final int MAX_SWEEPS = 100;

    /**
     * This norm of the {@code rows × cols} matrix {@code m} (row-major).
     *
     * @throws IllegalArgumentException when {@code m.length != rows·cols} or a size is negative
     */
    public double of(double[] m, int rows, int cols) {
        if (rows < 0 || cols < 0 || m.length != (long) rows * cols) {
            throw new IllegalArgumentException("MatrixNorm." + name() + ": " + m.length + " values for a " + rows + " x "
                    + cols + " matrix");
        }
        return switch (this) {
            case FROBENIUS -> {
                double s = 0;
                for (double v : m) {
                    s += v * v;
                }
                yield Math.sqrt(s);
            }
            case ONE -> {
                double worst = 0;
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) {
                        s += Math.abs(m[i * cols + j]);
                    }
                    worst = Math.max(worst, s);
                }
                yield worst;
            }
            case SPECTRAL -> spectral(m, rows, cols);
        };
    }

    /**
     * σ_max = sqrt(λ_max(G)) with G the Gram matrix of the smaller side (D×D for the T×D and D×Ch
     * matrices of the metrics), whose eigenvalues come from the cyclic Jacobi method: robust when the top
     * two singular values are close, where power iteration would crawl.
     */
    private static double spectral(double[] m, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return 0;
        }
        boolean byColumns = cols <= rows;
        int n = byColumns ? cols : rows;
        int other = byColumns ? rows : cols;
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = 0; k < other; k++) {
                    s += byColumns ? m[k * cols + i] * m[k * cols + j] : m[i * cols + k] * m[j * cols + k];
                }
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        }
        jacobiEigenvalues(g, n);
        double top = 0;
        for (int i = 0; i < n; i++) {
            top = Math.max(top, g[i * n + i]);
        }
        return Math.sqrt(top);
    }

    /** Diagonalises the symmetric {@code a} in place by Jacobi rotations; the eigenvalues end on the diagonal. */
    private static void jacobiEigenvalues(double[] a, int n) {
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i * n + j] * a[i * n + j];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                return;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) { // columns p and q: A ← A R
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) { // rows p and q: A ← Rᵀ A
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
            }
        }
    }
}
