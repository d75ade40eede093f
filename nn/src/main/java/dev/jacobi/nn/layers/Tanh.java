package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/** Hyperbolic tangent, as {@code torch.nn.Tanh}. Any shape; the output has the input's shape. No parameters. */
public final class Tanh extends Layer {
    private Tanh() {
    }

    /** The activation. */
    public static Tanh create() {
        return new Tanh();
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }
}
