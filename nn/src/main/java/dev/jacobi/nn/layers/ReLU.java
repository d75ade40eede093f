package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/** Rectified linear unit max(x, 0), as {@code torch.nn.ReLU}. Any shape; the output has the input's shape. No parameters. */
public final class ReLU extends Layer {
    private ReLU() {
    }

    /** The activation. */
    public static ReLU create() {
        return new ReLU();
    }

    /** Applies the activation elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }
}
