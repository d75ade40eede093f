package dev.jacobi.nn;

import dev.jacobi.tensor.Tensor;

import java.util.function.UnaryOperator;

/**
 * A module that maps one tensor to one tensor (most layers; {@link Sequential} chains them). Modules
 * with several inputs, such as attention, extend {@link Module} directly.
 */
public abstract class Layer extends Module implements UnaryOperator<Tensor> {
    /** A layer with nothing registered yet. */
    protected Layer() {
    }

    /** Computes the layer's output; see each layer for the shapes it accepts. */
    public abstract Tensor forward(Tensor input);

    /** The same as {@link #forward}, so that a layer can be passed where a function is expected. */
    @Override
    public final Tensor apply(Tensor input) {
        return forward(input);
    }
}
