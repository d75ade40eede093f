package dev.jacobi.algorithms.flow;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The norms of the convergence metrics against exact identities and a naive power iteration. */
class MatrixNormProperties {

    @Test
    void spectralNormOfARankOneMatrixIsTheProductOfTheVectorNorms() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 12), integers().between(1, 12))
                .checkAssert((seed, rows, cols) -> {
            Random rnd = new Random(seed);
            double[] u = new double[rows];
            double[] v = new double[cols];
            double nu = 0;
            double nv = 0;
            for (int i = 0; i < rows; i++) {
                u[i] = rnd.nextGaussian();
                nu += u[i] * u[i];
            }
            for (int j = 0; j < cols; j++) {
                v[j] = rnd.nextGaussian();
                nv += v[j] * v[j];
            }
            double[] m = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    m[i * cols + j] = u[i] * v[j];
                }
            }
            // ‖u vᵀ‖_2 = ‖u‖‖v‖ exactly; relative 1e-12 covers the rounding of the Gram matrix.
            double expected = Math.sqrt(nu * nv);
            assertThat(MatrixNorm.SPECTRAL.of(m, rows, cols)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expected));
            // Frobenius of a rank-one matrix is the same number.
            assertThat(MatrixNorm.FROBENIUS.of(m, rows, cols)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expected));
        });
    }

    @Test
    void spectralNormMatchesPowerIterationAndIsBoundedByFrobenius() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 10), integers().between(1, 10))
                .checkAssert((seed, rows, cols) -> {
            Random rnd = new Random(seed);
            double[] m = new double[rows * cols];
            for (int i = 0; i < m.length; i++) {
                m[i] = rnd.nextGaussian();
            }
            double sigma = MatrixNorm.SPECTRAL.of(m, rows, cols);
            // Naive reference: power iteration on MᵀM, many steps from a random start. Random Gaussian
            // matrices this small have a gap of a few percent at worst, so 20000 steps converge far below
            // the 1e-6 relative tolerance (the Rayleigh quotient converges in the square of the gap ratio).
            double[] x = new double[cols];
            for (int j = 0; j < cols; j++) {
                x[j] = rnd.nextGaussian();
            }
            double lambda = 0;
            for (int step = 0; step < 20000; step++) {
                double[] mx = new double[rows];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        mx[i] += m[i * cols + j] * x[j];
                    }
                }
                double[] y = new double[cols];
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        y[j] += m[i * cols + j] * mx[i];
                    }
                }
                double ny = 0;
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    ny += y[j] * y[j];
                    dot += y[j] * x[j];
                }
                lambda = dot;
                ny = Math.sqrt(ny);
                for (int j = 0; j < cols; j++) {
                    x[j] = y[j] / ny;
                }
            }
            assertThat(sigma).isCloseTo(Math.sqrt(lambda), org.assertj.core.data.Offset.offset(1e-6 * sigma));
            assertThat(sigma).isLessThanOrEqualTo(MatrixNorm.FROBENIUS.of(m, rows, cols) * (1 + 1e-12));
        });
    }

    @Test
    void oneNormIsTheLargestAbsoluteColumnSum() {
        double[] m = {1, -2, 3, -4, 5, -6}; // 2 x 3: column sums 5, 7, 9
        assertThat(MatrixNorm.ONE.of(m, 2, 3)).isEqualTo(9.0);
        assertThat(MatrixNorm.SPECTRAL.of(new double[] {3, 0, 0, -4}, 2, 2)).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(MatrixNorm.SPECTRAL.of(new double[0], 0, 3)).isZero();
    }

    @Test
    void wrongLengthIsRejected() {
        assertThatThrownBy(() -> MatrixNorm.SPECTRAL.of(new double[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 values for a 2 x 3");
    }
}
