package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/** Sigmoid-weighted linear unit (swish) x * sigmoid(x), as {@code torch.nn.SiLU}. Any shape; the output has the input's shape. No parameters. */
public final class SiLU extends Layer {
    private SiLU() {
    }

    /** The activation. */
    public static SiLU create() {
        return new SiLU();
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return input.silu();
    }
}
