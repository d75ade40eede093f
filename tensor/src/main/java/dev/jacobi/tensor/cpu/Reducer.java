package dev.jacobi.tensor.cpu;

/**
 * What a reduction folds, in two steps: each element {@code x} becomes a term ({@code x}, {@code |x|},
 * {@code (x - shift)^2}, {@code e^(x - shift)}, {@code |x|^p} or {@code [x != 0]}), and the terms are
 * combined by addition, maximum or minimum. Maximum and minimum propagate NaN, as NumPy's do.
 *
 * <p>The methods here are the float64 reference semantics that every kernel follows; the kinds for
 * which {@link #hasVectorForm()} is true also have SIMD forms in {@link ReductionKernels}. The
 * {@code shift} of the two-pass kinds is per output (the mean for a variance, the maximum for
 * log-sum-exp), so that the terms stay small.
 */
public enum Reducer {
    /** Sum of x. */
    SUM,
    /** Sum of |x| (the 1-norm). */
    SUM_ABS,
    /** Sum of (x - shift)^2 (a variance numerator, or the squared 2-norm with shift 0). */
    SUM_SQUARES,
    /** Sum of e^(x - shift) (log-sum-exp with shift = the maximum). */
    SUM_EXP,
    /** Sum of |x|^p (the p-norm raised to p). */
    SUM_ABS_POW,
    /** Number of non-zero x (the "0-norm"). */
    COUNT_NONZERO,
    /** Maximum of x. */
    MAX,
    /** Minimum of x. */
    MIN,
    /** Maximum of |x| (the infinity-norm). */
    MAX_ABS,
    /** Minimum of |x| (the -infinity "norm"). */
    MIN_ABS;

    /** True when the terms are added (false: they are combined by maximum or minimum). */
    public boolean isAdditive() {
        return this != MAX && this != MIN && this != MAX_ABS && this != MIN_ABS;
    }

    /** True when {@link ReductionKernels} has SIMD row and column kernels for this kind. */
    public boolean hasVectorForm() {
        return this != SUM_ABS_POW && this != COUNT_NONZERO;
    }

    /** True when the term depends only on |x|, so a complex element contributes through its modulus. */
    public boolean usesModulus() {
        return this == SUM_ABS || this == SUM_ABS_POW || this == COUNT_NONZERO || this == MAX_ABS || this == MIN_ABS;
    }

    /** The combination of no terms: 0 for sums, -infinity for maxima, +infinity for minima. */
    public double identity() {
        return switch (this) {
            case MAX, MAX_ABS -> Double.NEGATIVE_INFINITY;
            case MIN, MIN_ABS -> Double.POSITIVE_INFINITY;
            default -> 0;
        };
    }

    /** The term of one element; {@code p} is used by {@link #SUM_ABS_POW} only. */
    public double term(double x, double shift, double p) {
        return switch (this) {
            case SUM, MAX, MIN -> x;
            case SUM_ABS, MAX_ABS, MIN_ABS -> Math.abs(x);
            case SUM_SQUARES -> (x - shift) * (x - shift);
            case SUM_EXP -> Math.exp(x - shift);
            case SUM_ABS_POW -> Math.pow(Math.abs(x), p);
            case COUNT_NONZERO -> x != 0 ? 1 : 0;
        };
    }

    /** Combines two partial results (or a partial result and a term). */
    public double combine(double a, double b) {
        return switch (this) {
            case MAX, MAX_ABS -> Math.max(a, b);
            case MIN, MIN_ABS -> Math.min(a, b);
            default -> a + b;
        };
    }
}
