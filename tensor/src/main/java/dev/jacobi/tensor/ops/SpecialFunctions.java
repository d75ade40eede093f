package dev.jacobi.tensor.ops;

/** Scalar special functions that {@link Math} lacks, accurate to a few ulps in double precision. */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);
    /** Above it erf(x) rounds to 1 within 4e-4 and is computed as 1 - erfc(x); below it from its series. */
    private static final double SERIES_LIMIT = 2.5;
    /** Above it erfc comes from its continued fraction (which converges in under 500 terms there), below it as 1 - erf. */
    private static final double FRACTION_LIMIT = 0.75;

    private SpecialFunctions() {
    }

    /** The error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            return erfSeries(x);
        }
        return Math.copySign(1 - erfcContinuedFraction(ax), x);
    }

    /** The complementary error function 1 - erf(x), accurate for large x. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x >= FRACTION_LIMIT) {
            return erfcContinuedFraction(x);
        }
        if (x <= -SERIES_LIMIT) {
            return 2 - erfcContinuedFraction(-x);
        }
        return 1 - erfSeries(x);
    }

    /**
     * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)): every term has the sign
     * of x, so the sum has no cancellation.
     */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 300; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** erfc(x) for x &gt;= 2.5: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by Lentz's method. */
    private static double erfcContinuedFraction(double x) {
        if (x > 27) {
            return 0; // below the smallest double
        }
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 2000; n++) {
            double an = n / 2.0;
            d = x + an * d;
            d = d == 0 ? tiny : d;
            c = x + an / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }

    /** Exact GELU: x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)). */
    public static double gelu(double x) {
        return 0.5 * x * erfc(-x * INV_SQRT_2);
    }

    /** GELU with the tanh approximation: x/2 * (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    }

    /** The derivative of exact GELU: Phi(x) + x phi(x), with Phi from erfc so that it keeps its digits for x << 0. */
    public static double geluSlope(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** The logistic sigmoid 1 / (1 + e^-x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }
}
