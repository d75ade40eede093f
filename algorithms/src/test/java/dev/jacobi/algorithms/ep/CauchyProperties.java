package dev.jacobi.algorithms.ep;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The Cauchy estimator against exact derivatives and exact series (spec oracles 1, 2 and 7). */
class CauchyProperties {

    /** A polynomial with the given complex coefficients, evaluated by Horner's rule. */
    private static UnaryOperator<Complex> polynomial(Complex[] c) {
        return z -> {
            Complex acc = Complex.ZERO;
            for (int k = c.length - 1; k >= 0; k--) {
                acc = acc.mul(z).add(c[k]);
            }
            return acc;
        };
    }

    @Test
    void isExactOnPolynomialsOfDegreeAtMostN() {
        qt().withExamples(200).forAll(longs().all(), integers().between(2, 12), doubles().between(0.05, 3.0))
                .checkAssert((seed, n, radius) -> {
            Random rnd = new Random(seed);
            int degree = rnd.nextInt(n + 1);
            Complex[] c = new Complex[degree + 1];
            double scale = 0;
            for (int k = 0; k <= degree; k++) {
                c[k] = new Complex(rnd.nextGaussian(), rnd.nextGaussian());
                scale += c[k].abs() * Math.pow(radius, k - 1);
            }
            Complex expected = degree >= 1 ? c[1] : Complex.ZERO;
            Complex got = Cauchy.derivativeAtZero(polynomial(c), radius, n);
            // Only c_1 survives the rule (c_0 cancels as sum 1/beta_k = 0, c_2..c_N by orthogonality of
            // the roots of unity); the rounding of the N terms is bounded by a few ulps of the largest
            // term |c_k| r^(k-1), so 1e-12 relative to their sum (the spec's 1e-12 at unit scale).
            double tol = 1e-12 * Math.max(1, scale);
            assertThat(got.re()).isCloseTo(expected.re(), offset(tol));
            assertThat(got.im()).isCloseTo(expected.im(), offset(tol));
        });
    }

    @Test
    void exponentialGivesTheClosedFormsOfTheSpec() {
        // f = e^beta at |beta| = 1: N = 1 gives e - 1, N = 2 sinh(1), N = 4 sum_m 1/(4m+1)! = 1.008336...
        UnaryOperator<Complex> exp = Complex::exp;
        double n4 = 0;
        double factorial = 1;
        for (int k = 1; k <= 21; k++) {
            factorial *= k;
            if (k % 4 == 1) {
                n4 += 1 / factorial;
            }
        }
        // Double rounding of at most four terms of size <= e: 1e-14.
        assertThat(Cauchy.derivativeAtZero(exp, 1, 1).re()).isCloseTo(Math.E - 1, offset(1e-14));
        assertThat(Cauchy.derivativeAtZero(exp, 1, 2).re()).isCloseTo(Math.sinh(1), offset(1e-14));
        assertThat(Cauchy.derivativeAtZero(exp, 1, 4).re()).isCloseTo(n4, offset(1e-14));
        assertThat(n4).isCloseTo(1.008336, offset(1e-6));
        assertThat(Cauchy.derivativeAtZero(exp, 1, 4).im()).isCloseTo(0, offset(1e-14));
    }

    @Test
    void exponentialErrorIsTheAliasedSeries() {
        qt().withExamples(100).forAll(integers().between(2, 10), doubles().between(0.01, 2.0)).checkAssert((n, r) -> {
            // D_N[e^beta] = sum_m r^(mN) / (mN + 1)! exactly (coefficients c_(mN+1) alias onto c_1), so
            // the error is r^N/(N+1)! to leading order; the series is summed in float64 to 30 terms.
            double series = 0;
            for (int m = 0; m < 30; m++) {
                series += Math.pow(r, m * n) / factorial(m * n + 1);
            }
            double got = Cauchy.derivativeAtZero(Complex::exp, r, n).re();
            assertThat(got).isCloseTo(series, offset(1e-13));
            double leading = Math.pow(r, n) / factorial(n + 1);
            // The next aliased term is r^(2N)/(2N+1)!, far below the leading one for r <= 2.
            assertThat(got - 1).isCloseTo(leading, offset(leading * Math.pow(r, n) / (n + 2) + 1e-13));
        });
    }

    @Test
    void conjugatePairShortcutEqualsTheFullSum() {
        qt().withExamples(200).forAll(longs().all(), integers().between(2, 12), doubles().between(0.05, 2.0))
                .checkAssert((seed, n, radius) -> {
            Random rnd = new Random(seed);
            int degree = 1 + rnd.nextInt(3 * n);
            Complex[] c = new Complex[degree + 1];
            double scale = 0;
            for (int k = 0; k <= degree; k++) {
                c[k] = Complex.real(rnd.nextGaussian()); // real coefficients: f(conj b) = conj f(b)
                scale += Math.abs(c[k].re()) * Math.pow(radius, k - 1);
            }
            UnaryOperator<Complex> f = polynomial(c).andThen(Complex::exp)::apply; // still real-coefficient
            double full = Cauchy.derivativeAtZero(polynomial(c), radius, n).re();
            double shortcut = Cauchy.derivativeAtZeroRealCoefficients(polynomial(c), radius, n);
            // Same terms, summed in another order: rounding only (relative to the largest term).
            assertThat(shortcut).isCloseTo(full, offset(1e-12 * Math.max(1, scale)));
            double fullExp = Cauchy.derivativeAtZero(f, 0.3, n).re();
            assertThat(Cauchy.derivativeAtZeroRealCoefficients(f, 0.3, n)).isCloseTo(fullExp, offset(1e-9 * Math.max(1, Math.abs(fullExp))));
            // The full sum of a real-coefficient function is real (its imaginary parts cancel in pairs).
            assertThat(Cauchy.derivativeAtZero(polynomial(c), radius, n).im()).isCloseTo(0, offset(1e-12 * Math.max(1, scale)));
        });
    }

    @Test
    void phasesAreTheRootsOfUnityWithWeightsSummingToOne() {
        for (int n = 2; n <= 9; n++) {
            double total = 0;
            for (Cauchy.Phase p : Cauchy.phases(0.7, n, true)) {
                total += p.weight();
                assertThat(p.beta().abs()).isCloseTo(0.7, offset(1e-15));
            }
            // Every one of the N points is counted once: the paired ones carry weight 2/N.
            assertThat(total).isCloseTo(1, offset(1e-15));
            assertThat(Cauchy.phases(0.7, n, true)).hasSize(n / 2 + 1);
            assertThat(Cauchy.phases(0.7, n, false)).hasSize(n);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Cauchy.derivativeAtZero(Complex::exp, 0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cauchy.derivativeAtZero: the radius");
        assertThatThrownBy(() -> Cauchy.derivativeAtZero(Complex::exp, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 point");
        assertThatThrownBy(() -> Cauchy.phases(1, 1, false)).isInstanceOf(IllegalArgumentException.class);
    }

    private static double factorial(int k) {
        double f = 1;
        for (int i = 2; i <= k; i++) {
            f *= i;
        }
        return f;
    }
}
