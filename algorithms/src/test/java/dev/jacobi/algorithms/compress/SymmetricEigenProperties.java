package dev.jacobi.algorithms.compress;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The Jacobi eigen-decomposition against its defining identities: {@code A v = λ v} for every pair,
 * orthonormal eigenvectors, eigenvalues sorted largest first, and a rank-deficient covariance (more
 * dimensions than samples) with its zero eigenvalues.
 */
class SymmetricEigenProperties {

    @Test
    void eigenpairsSatisfyTheirDefinitionAndAreOrthonormal() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 24)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = r.nextDouble(-1, 1);
                }
            }
            SymmetricEigen e = SymmetricEigen.of(a);
            for (int k = 0; k < n; k++) {
                double[] v = e.vectors()[k];
                for (int i = 0; i < n; i++) {
                    double av = 0;
                    for (int j = 0; j < n; j++) {
                        av += a[i][j] * v[j];
                    }
                    // Entries of order 1 and n <= 24: converged rotations leave residuals near 1e-15 · n.
                    assertThat(Math.abs(av - e.values()[k] * v[i])).as("seed %d, pair %d, row %d", seed, k, i).isLessThan(1e-10);
                }
                for (int l = 0; l <= k; l++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += v[i] * e.vectors()[l][i];
                    }
                    assertThat(Math.abs(dot - (k == l ? 1 : 0))).as("seed %d, <v%d, v%d>", seed, k, l).isLessThan(1e-10);
                }
                if (k > 0) {
                    assertThat(e.values()[k]).isLessThanOrEqualTo(e.values()[k - 1]);
                }
            }
        });
    }

    @Test
    void aCovarianceOfFewSamplesHasZeroEigenvalues() {
        // 3 centred samples in 6 dimensions: rank 2, so 4 eigenvalues vanish (to round-off) and none is negative beyond it.
        SplittableRandom r = new SplittableRandom(5);
        double[][] x = new double[3][6];
        for (double[] row : x) {
            for (int i = 0; i < 6; i++) {
                row[i] = r.nextDouble(-1, 1);
            }
        }
        double[][] c = new double[6][6];
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double mi = (x[0][i] + x[1][i] + x[2][i]) / 3;
                double mj = (x[0][j] + x[1][j] + x[2][j]) / 3;
                for (double[] row : x) {
                    c[i][j] += (row[i] - mi) * (row[j] - mj) / 2;
                }
            }
        }
        double[] values = SymmetricEigen.of(c).values();
        assertThat(values[1]).isGreaterThan(1e-6);
        for (int k = 2; k < 6; k++) {
            assertThat(Math.abs(values[k])).isLessThan(1e-12);
        }
    }

    @Test
    void nonSymmetricOrRaggedInputsAreRefused() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 4}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SymmetricEigen:").hasMessageContaining("(1, 0)");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3}})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SymmetricEigen:");
    }
}
