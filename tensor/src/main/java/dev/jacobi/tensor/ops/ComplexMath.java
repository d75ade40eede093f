package dev.jacobi.tensor.ops;

/** Scalar complex functions on (re, im) pairs, writing the result into a two-element array. */
public final class ComplexMath {
    private ComplexMath() {
    }

    /** A complex function of one argument. */
    @FunctionalInterface
    public interface Unary {
        void apply(double re, double im, double[] out);
    }

    /** A complex function of two arguments. */
    @FunctionalInterface
    public interface Binary {
        void apply(double aRe, double aIm, double bRe, double bIm, double[] out);
    }

    static void set(double[] out, double re, double im) {
        out[0] = re;
        out[1] = im;
    }

    static void exp(double re, double im, double[] out) {
        double m = Math.exp(re);
        set(out, m * Math.cos(im), m * Math.sin(im));
    }

    static void log(double re, double im, double[] out) {
        set(out, Math.log(Math.hypot(re, im)), Math.atan2(im, re));
    }

    /** Principal square root, computed without cancellation. */
    static void sqrt(double re, double im, double[] out) {
        if (re == 0 && im == 0) {
            set(out, 0, im);
            return;
        }
        double t = Math.sqrt((Math.abs(re) + Math.hypot(re, im)) / 2);
        if (re >= 0) {
            set(out, t, im / (2 * t));
        } else {
            set(out, Math.abs(im) / (2 * t), Math.copySign(t, im));
        }
    }

    static void mul(double ar, double ai, double br, double bi, double[] out) {
        set(out, ar * br - ai * bi, ar * bi + ai * br);
    }

    /** Division by Smith's method, which avoids overflow in |b|^2. */
    static void div(double ar, double ai, double br, double bi, double[] out) {
        if (Math.abs(br) >= Math.abs(bi)) {
            double r = bi / br;
            double d = br + bi * r;
            set(out, (ar + ai * r) / d, (ai - ar * r) / d);
        } else {
            double r = br / bi;
            double d = br * r + bi;
            set(out, (ar * r + ai) / d, (ai * r - ar) / d);
        }
    }

    /** a^b = exp(b log a), with 0^0 = 1 and 0^b = 0 for Re b &gt; 0. */
    static void pow(double ar, double ai, double br, double bi, double[] out) {
        if (ar == 0 && ai == 0) {
            set(out, br == 0 && bi == 0 ? 1 : 0, 0);
            return;
        }
        log(ar, ai, out);
        double lr = out[0];
        double li = out[1];
        exp(lr * br - li * bi, lr * bi + li * br, out);
    }

    static void sin(double re, double im, double[] out) {
        set(out, Math.sin(re) * Math.cosh(im), Math.cos(re) * Math.sinh(im));
    }

    static void cos(double re, double im, double[] out) {
        set(out, Math.cos(re) * Math.cosh(im), -Math.sin(re) * Math.sinh(im));
    }

    static void tanh(double re, double im, double[] out) {
        // tanh(x+iy) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y)
        if (Math.abs(re) > 20) {
            set(out, Math.signum(re), 0);
            return;
        }
        double d = Math.cosh(2 * re) + Math.cos(2 * im);
        set(out, Math.sinh(2 * re) / d, Math.sin(2 * im) / d);
    }
}
