package dev.jacobi.algorithms.compress;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The eigen-decomposition {@code A = V diag(λ) Vᵀ} of a small symmetric matrix in float64, by EJML's
 * symmetric solver (a well-kept one beats writing our own), sorted largest first. Meant for covariance
 * matrices of a few hundred rows (the principal directions of wavelet packet coefficients).
 *
 * @param values  eigenvalues, largest first
 * @param vectors {@code vectors[k]} is the unit eigenvector of {@code values[k]}
 */
record SymmetricEigen(double[] values, double[][] vectors) {
    /**
     * Decomposes the symmetric {@code n x n} matrix {@code a} (row-major, only read).
     *
     * @throws IllegalArgumentException when {@code a} is not square or not symmetric to 1e−9 relative
     */
    static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("SymmetricEigen: expected a square matrix, row " + i + " has " + a[i].length
                        + " entries for " + n + " rows");
            }
            m[i] = a[i].clone();
            for (double v : a[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * Math.max(scale, Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException("SymmetricEigen: matrix is not symmetric at (" + i + ", " + j + "): "
                            + a[i][j] + " vs " + a[j][i]);
                }
            }
        }
        DMatrixRMaj matrix = new DMatrixRMaj(m);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(matrix)) {
            throw new IllegalStateException("SymmetricEigen: EJML's symmetric eigen-decomposition did not converge for "
                    + n + " x " + n);
        }
        Integer[] order = IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingDouble(i -> -eig.getEigenvalue(i).getReal())).toArray(Integer[]::new);
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = eig.getEigenvalue(order[k]).getReal();
            vectors[k] = eig.getEigenVector(order[k]).getData().clone();
        }
        return new SymmetricEigen(values, vectors);
    }

    @Override
    public String toString() {
        return "SymmetricEigen" + Arrays.toString(values);
    }
}
