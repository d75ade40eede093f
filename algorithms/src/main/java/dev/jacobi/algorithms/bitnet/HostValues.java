package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.lang.foreign.ValueLayout;

/**
 * Bulk copies of a floating tensor's elements into Java arrays, for the quantizers' loops, with the
 * checks they share. Float32 and half-precision tensors are read as floats (the quantizers compute in
 * float32 for them, as PyTorch does), float64 tensors as doubles.
 */
final class HostValues {
    private HostValues() {
    }

    /**
     * Checks that {@code t} is a non-empty floating tensor of rank at least {@code minRank}.
     *
     * @throws IllegalArgumentException naming {@code op}, the dtype and the shape
     */
    static void check(String op, String what, Tensor t, int minRank) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + what + " must be floating point, got " + t.dtype()
                    + " of shape " + Shapes.format(t.shape()));
        }
        if (t.rank() < minRank || t.numel() == 0) {
            throw new IllegalArgumentException(op + ": " + what + " must be non-empty" + (minRank > 0 ? " [..., d]" : "")
                    + ", shape is " + Shapes.format(t.shape()));
        }
    }

    /** The elements in row-major order as floats (float64 tensors are not read here). */
    static float[] floats(Tensor t) {
        return t.toFloatArray();
    }

    /** The elements of an INT8 tensor in row-major order. */
    static byte[] bytes(Tensor t) {
        Tensor c = t.contiguous();
        return c.storage().segment().asSlice(c.offset(), c.numel()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The elements in row-major order as doubles. */
    static double[] doubles(Tensor t) {
        return t.detach().toDoubleArray();
    }

    /** Throws when {@code v} is NaN or infinite, naming the element. */
    static void checkFinite(String op, String what, Tensor t, int index, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + what + " element " + index + " (row-major) of shape "
                    + Shapes.format(t.shape()) + " is " + v);
        }
    }
}
