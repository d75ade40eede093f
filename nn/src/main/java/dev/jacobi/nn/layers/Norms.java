package dev.jacobi.nn.layers;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/** Shape checks shared by the normalization layers. */
final class Norms {
    private Norms() {
    }

    /** A copy of {@code normalizedShape} after checking that it is non-empty and positive. */
    static int[] checkNormalizedShape(String layer, int[] normalizedShape) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException(layer + ": normalized shape must be non-empty and positive, got "
                    + Shapes.format(normalizedShape));
        }
        return normalizedShape.clone();
    }

    /** Throws unless {@code input}'s trailing dimensions are {@code normalizedShape}. */
    static void checkInput(String layer, Tensor input, int[] normalizedShape) {
        int k = normalizedShape.length;
        int[] s = input.shape();
        if (s.length < k || !Arrays.equals(Arrays.copyOfRange(s, s.length - k, s.length), normalizedShape)) {
            throw new IllegalArgumentException(layer + ": input must end in " + Shapes.format(normalizedShape)
                    + ", shape is " + Shapes.format(s));
        }
    }

    /** The last {@code k} axes of a rank-{@code rank} tensor. */
    static int[] lastAxes(int rank, int k) {
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = rank - k + i;
        }
        return axes;
    }

    /** The product of the sizes. */
    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n = Math.multiplyExact(n, s);
        }
        return n;
    }

    /** {@code input} with its trailing normalized dimensions flattened into one (a view when possible). */
    static Tensor flattenTrailing(Tensor input, int[] normalizedShape) {
        if (normalizedShape.length == 1) {
            return input;
        }
        int lead = input.rank() - normalizedShape.length;
        int[] shape = Arrays.copyOf(input.shape(), lead + 1);
        shape[lead] = numel(normalizedShape);
        return input.reshape(shape);
    }
}
