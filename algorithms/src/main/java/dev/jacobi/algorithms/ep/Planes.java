package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * A complex state stored as separate real and imaginary planes, both real {@code [batch, size]}
 * tensors of one dtype; {@code im} is null for a real state.
 *
 * @param re the real parts
 * @param im the imaginary parts, or null when they are all 0
 */
public record Planes(Tensor re, Tensor im) {
    public Planes {
        if (re == null || re.dtype().isComplex()) {
            throw new IllegalArgumentException("Planes: the real plane must be a real tensor, got "
                    + (re == null ? "null" : re.dtype()));
        }
        if (im != null && (im.dtype() != re.dtype() || !Arrays.equals(im.shape(), re.shape()))) {
            throw new IllegalArgumentException("Planes: the planes differ: " + re.dtype() + Arrays.toString(re.shape())
                    + " and " + im.dtype() + Arrays.toString(im.shape()));
        }
    }

    /** A real state. */
    public static Planes real(Tensor re) {
        return new Planes(re, null);
    }

    /** The planes of a real or complex tensor. */
    public static Planes of(Tensor t) {
        return t.dtype().isComplex() ? new Planes(t.real(), t.imag()) : new Planes(t, null);
    }

    /** True when there is no imaginary plane. */
    public boolean isReal() {
        return im == null;
    }

    /** The state as one tensor: complex when there is an imaginary plane, else the real plane itself. */
    public Tensor toTensor() {
        return im == null ? re : Tensor.complex(re, im);
    }
}
