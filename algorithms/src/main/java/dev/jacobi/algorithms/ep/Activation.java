package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Tensor;

/**
 * Holomorphic activations {@code sigma}: entire (or meromorphic away from the real axis) functions,
 * so the network's fixed point extends to complex nudges. Each is written with {@code exp} and
 * {@code reciprocal}, which the tensor engine defines on complex tensors, and is differentiable in
 * both modes.
 */
public enum Activation {
    /**
     * {@code 1 / (1 + e^{-4z + 2})}: the sigmoid of the NeurIPS 2022 MLPs, slope 1 at its centre
     * z = 1/2, values in (0, 1).
     */
    SIGMOID {
        @Override
        public Tensor apply(Tensor u) {
            return logistic(u.mul(-4).add(2));
        }

        @Override
        public Complex apply(Complex z) {
            return logistic(z.scale(-4).add(Complex.real(2)));
        }
    },
    /**
     * {@code (z/2) sig(z) + (1 - z/2) sig(z - 2)}, a smooth hard sigmoid rising from 0 to 1 across
     * [0, 2] ({@code dsilu} / {@code my_holotanh} with a = 1 in the reference code).
     */
    HARD_SIGMOID {
        @Override
        public Tensor apply(Tensor u) {
            Tensor half = u.mul(0.5);
            return half.mul(logistic(u.neg())).add(half.neg().add(1).mul(logistic(u.neg().add(2))));
        }

        @Override
        public Complex apply(Complex z) {
            Complex half = z.scale(0.5);
            return half.mul(logistic(z.scale(-1))).add(Complex.ONE.sub(half).mul(logistic(z.scale(-1).add(Complex.real(2)))));
        }
    },
    /** The identity, for linear networks (whose fixed point is affine in beta). */
    IDENTITY {
        @Override
        public Tensor apply(Tensor u) {
            return u.mul(1);
        }

        @Override
        public Complex apply(Complex z) {
            return z;
        }
    };

    /** sigma(u), elementwise, for real or complex u. */
    public abstract Tensor apply(Tensor u);

    /** sigma(z) for one complex number. */
    public abstract Complex apply(Complex z);

    /** {@code 1 / (1 + e^{t})} (the logistic function of -t). */
    static Tensor logistic(Tensor t) {
        return t.exp().add(1).reciprocal();
    }

    static Complex logistic(Complex t) {
        return t.exp().add(Complex.ONE).reciprocal();
    }
}
