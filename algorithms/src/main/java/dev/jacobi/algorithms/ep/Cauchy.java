package dev.jacobi.algorithms.ep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The Cauchy-integral estimate of a derivative at 0 from values on a circle (Laborieux and Zenke
 * 2022, eq. 5): {@code f'(0) = (1/2 pi i) \oint f(beta)/beta^2 d beta}, discretised with N points
 * {@code beta_k = r e^{2 pi i k / N}} as {@code D_N[f] = (1/N) sum_k f(beta_k) / beta_k}.
 *
 * <p>Writing {@code f = sum c_n beta^n}, the rule gives exactly
 * {@code c_1 + c_{N+1} r^N + c_{2N+1} r^{2N} + ...}: the bias decays like {@code r^N}, and the constant
 * term cancels for N &ge; 2 because {@code sum_k 1/beta_k = 0}. N = 1 is classic EP's one-sided
 * difference {@code (f(r) - f(0)) / r}; N = 2 is symmetric EP's {@code (f(r) - f(-r)) / 2r}.
 *
 * <p>For functions with real Taylor coefficients ({@code f(conj b) = conj f(b)}, e.g. the fixed point
 * of a network with real weights and inputs) the pairs {@code k, N - k} give conjugate terms, so
 * {@link #phases(double, int, boolean)} with {@code conjugatePairs} keeps only
 * {@code k = 0 .. floor(N/2)}, with weight 2/N on the unpaired ones, and the real part of the sum
 * is the estimate: {@code ceil((N + 1) / 2)} evaluations instead of N.
 */
public final class Cauchy {
    private Cauchy() {
    }

    /**
     * One evaluation point of the rule: the estimate is {@code Re sum_k weight_k f(beta_k) / beta_k}
     * (for the conjugate-pair form) or {@code sum_k weight_k f(beta_k) / beta_k} (the full form).
     *
     * @param beta   the nudge {@code beta_k}
     * @param weight 1/N, or 2/N for a point that stands for itself and its conjugate
     */
    public record Phase(Complex beta, double weight) {
    }

    /**
     * The points of the N-point rule on the circle of radius {@code radius}.
     *
     * @param radius         |beta| &gt; 0
     * @param n              number of points N &ge; 2 (N = 1 is the one-sided difference, which also
     *                       needs f(0); see {@link #derivativeAtZero})
     * @param conjugatePairs keep only {@code k = 0 .. floor(N/2)}, weighting the paired ones twice
     *                       (valid for real-coefficient functions, with the real part taken)
     * @throws IllegalArgumentException when radius is not positive and finite or n &lt; 2
     */
    public static List<Phase> phases(double radius, int n, boolean conjugatePairs) {
        checkRadius("Cauchy.phases", radius);
        if (n < 2) {
            throw new IllegalArgumentException("Cauchy.phases: need N >= 2 points on the circle, got " + n);
        }
        List<Phase> phases = new ArrayList<>();
        int last = conjugatePairs ? n / 2 : n - 1;
        for (int k = 0; k <= last; k++) {
            boolean paired = conjugatePairs && k != 0 && 2 * k != n;
            // k = 0 and k = N/2 give real beta exactly (no rounding of cos(pi) into a tiny imaginary part)
            Complex beta = k == 0 ? Complex.real(radius) : 2 * k == n ? Complex.real(-radius)
                    : Complex.polar(radius, 2 * Math.PI * k / n);
            phases.add(new Phase(beta, (paired ? 2.0 : 1.0) / n));
        }
        return phases;
    }

    /**
     * {@code D_N[f]}: the N-point Cauchy estimate of {@code f'(0)} on the circle of radius
     * {@code radius}; for N = 1 the one-sided difference {@code (f(r) - f(0)) / r}.
     *
     * @param f      a function holomorphic on a disc containing the circle
     * @param radius |beta| &gt; 0
     * @param n      number of points, at least 1
     * @throws IllegalArgumentException when radius is not positive and finite or n &lt; 1
     */
    public static Complex derivativeAtZero(UnaryOperator<Complex> f, double radius, int n) {
        Objects.requireNonNull(f, "Cauchy.derivativeAtZero: f is null");
        checkRadius("Cauchy.derivativeAtZero", radius);
        if (n < 1) {
            throw new IllegalArgumentException("Cauchy.derivativeAtZero: need at least 1 point, got " + n);
        }
        if (n == 1) {
            Complex beta = Complex.real(radius);
            return f.apply(beta).sub(f.apply(Complex.ZERO)).div(beta);
        }
        Complex sum = Complex.ZERO;
        for (Phase p : phases(radius, n, false)) {
            sum = sum.add(f.apply(p.beta()).div(p.beta()).scale(p.weight()));
        }
        return sum;
    }

    /**
     * The conjugate-pair form of {@link #derivativeAtZero} for a function with real Taylor
     * coefficients: {@code Re sum_k w_k f(beta_k) / beta_k} over {@code k = 0 .. floor(N/2)}, which
     * equals the full N-point rule while evaluating f only {@code ceil((N + 1) / 2)} times.
     *
     * @throws IllegalArgumentException as {@link #derivativeAtZero}
     */
    public static double derivativeAtZeroRealCoefficients(UnaryOperator<Complex> f, double radius, int n) {
        Objects.requireNonNull(f, "Cauchy.derivativeAtZeroRealCoefficients: f is null");
        checkRadius("Cauchy.derivativeAtZeroRealCoefficients", radius);
        if (n < 2) {
            return derivativeAtZero(f, radius, n).re();
        }
        double sum = 0;
        for (Phase p : phases(radius, n, true)) {
            sum += p.weight() * f.apply(p.beta()).div(p.beta()).re();
        }
        return sum;
    }

    private static void checkRadius(String op, double radius) {
        if (!(radius > 0) || Double.isInfinite(radius)) {
            throw new IllegalArgumentException(op + ": the radius |beta| must be positive and finite, got " + radius);
        }
    }
}
