package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/** Logistic sigmoid 1 / (1 + exp(-x)), as {@code torch.nn.Sigmoid}. Any shape; the output has the input's shape. No parameters. */
public final class Sigmoid extends Layer {
    private Sigmoid() {
    }

    /** The activation. */
    public static Sigmoid create() {
        return new Sigmoid();
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }
}
