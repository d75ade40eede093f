package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

/** Small tensor expressions shared by the derivative rules of the op tables. */
public final class Derivatives {
    private static final double TANH_GELU_SCALE = Math.sqrt(2 / Math.PI);
    private static final double TANH_GELU_CUBIC = 0.044715;

    private Derivatives() {
    }

    /** conj(d) for complex d, d itself otherwise (no copy). */
    public static Tensor conjIfComplex(Tensor d) {
        return d.dtype().isComplex() ? d.conj() : d;
    }

    /** x / |x| with 0 where x is 0 (sign for real x), given {@code abs} = |x|. */
    public static Tensor sgn(Tensor x, Tensor abs) {
        if (!x.dtype().isComplex()) {
            return x.sign();
        }
        Tensor zero = abs.eq(Tensor.zeros(abs.dtype()));
        return Tensor.where(zero, Tensor.zeros(x.dtype()), x.div(abs));
    }

    /** Re(conj(w) * t): the tangent of a real function of complex input whose gradient is w. */
    public static Tensor realDot(Tensor w, Tensor t) {
        if (w.dtype().isComplex() || t.dtype().isComplex()) {
            return w.conj().mul(t).real();
        }
        return w.mul(t);
    }

    /** i * g (g real or complex), as a complex tensor. */
    public static Tensor timesI(Tensor g) {
        if (g.dtype().isComplex()) {
            return Tensor.complex(g.imag().neg(), g.real());
        }
        return Tensor.complex(Tensor.zeros(g.dtype()), g);
    }

    /** c * exp(-a x^2). */
    public static Tensor gaussianKernel(Tensor x, double c, double a) {
        return x.square().mul(-a).exp().mul(c);
    }

    /** d/dx of 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3). */
    public static Tensor geluTanhSlope(Tensor x) {
        Tensor x2 = x.square();
        Tensor th = x.add(x.mul(x2).mul(TANH_GELU_CUBIC)).mul(TANH_GELU_SCALE).tanh();
        Tensor du = x2.mul(3 * TANH_GELU_CUBIC).add(1).mul(TANH_GELU_SCALE);
        return th.add(1).mul(0.5).add(x.mul(0.5).mul(th.square().neg().add(1)).mul(du));
    }

    /** d/dx of x sigmoid(x): s (1 + x (1 - s)). */
    public static Tensor siluSlope(Tensor x) {
        Tensor s = x.sigmoid();
        return s.mul(x.mul(s.neg().add(1)).add(1));
    }

    /** The mask {@code x > y} plus half the mask {@code x == y}, in {@code dtype}: where a maximum sends its gradient. */
    public static Tensor winnerMask(Tensor x, Tensor y, DType dtype) {
        return x.gt(y).to(dtype).add(x.eq(y).to(dtype).mul(0.5));
    }
}
