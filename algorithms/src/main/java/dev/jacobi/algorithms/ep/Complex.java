package dev.jacobi.algorithms.ep;

/**
 * A complex number in double precision, for the scalar side of holomorphic EP: nudge strengths
 * {@code beta_k = |beta| e^{2 pi i k / N}} and functions handed to {@link Cauchy#derivativeAtZero}.
 *
 * @param re the real part
 * @param im the imaginary part
 */
public record Complex(double re, double im) {
    /** 0. */
    public static final Complex ZERO = new Complex(0, 0);
    /** 1. */
    public static final Complex ONE = new Complex(1, 0);
    /** The imaginary unit. */
    public static final Complex I = new Complex(0, 1);

    /** The real number {@code re}. */
    public static Complex real(double re) {
        return new Complex(re, 0);
    }

    /** {@code modulus * e^{i angle}} (angle in radians). */
    public static Complex polar(double modulus, double angle) {
        return new Complex(modulus * Math.cos(angle), modulus * Math.sin(angle));
    }

    /** this + other. */
    public Complex add(Complex other) {
        return new Complex(re + other.re, im + other.im);
    }

    /** this - other. */
    public Complex sub(Complex other) {
        return new Complex(re - other.re, im - other.im);
    }

    /** this * other. */
    public Complex mul(Complex other) {
        return new Complex(re * other.re - im * other.im, re * other.im + im * other.re);
    }

    /** this * a for a real a. */
    public Complex scale(double a) {
        return new Complex(a * re, a * im);
    }

    /** this / other (Smith's algorithm, which avoids overflow in |other|^2). */
    public Complex div(Complex other) {
        double c = other.re;
        double d = other.im;
        if (Math.abs(c) >= Math.abs(d)) {
            double r = d / c;
            double den = c + d * r;
            return new Complex((re + im * r) / den, (im - re * r) / den);
        }
        double r = c / d;
        double den = c * r + d;
        return new Complex((re * r + im) / den, (im * r - re) / den);
    }

    /** 1 / this. */
    public Complex reciprocal() {
        return ONE.div(this);
    }

    /** The complex conjugate. */
    public Complex conj() {
        return new Complex(re, -im);
    }

    /** The modulus |this|. */
    public double abs() {
        return Math.hypot(re, im);
    }

    /** The argument in (-pi, pi]. */
    public double arg() {
        return Math.atan2(im, re);
    }

    /** e^this. */
    public Complex exp() {
        double m = Math.exp(re);
        return new Complex(m * Math.cos(im), m * Math.sin(im));
    }

    /** this^n for an integer n &ge; 0 (repeated squaring). */
    public Complex pow(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Complex.pow: negative exponent " + n);
        }
        Complex result = ONE;
        Complex base = this;
        for (int k = n; k > 0; k >>= 1) {
            if ((k & 1) != 0) {
                result = result.mul(base);
            }
            base = base.mul(base);
        }
        return result;
    }

    /** True when the imaginary part is exactly 0. */
    public boolean isReal() {
        return im == 0;
    }

    @Override
    public String toString() {
        return re + (im < 0 || (im == 0 && 1 / im < 0) ? " - " : " + ") + Math.abs(im) + "i";
    }
}
