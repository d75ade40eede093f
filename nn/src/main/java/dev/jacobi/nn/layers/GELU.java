package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Tensor;

/**
 * Gaussian error linear unit, as {@code torch.nn.GELU}: exact {@code x * Phi(x) = x/2 (1 + erf(x / sqrt 2))}
 * or the tanh approximation {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} ({@code approximate='tanh'}).
 * Any shape; the output has the input's shape. No parameters.
 */
public final class GELU extends Layer {
    private final boolean tanhApproximation;

    private GELU(boolean tanhApproximation) {
        this.tanhApproximation = tanhApproximation;
    }

    /** The exact GELU (with erf), PyTorch's default. */
    public static GELU exact() {
        return new GELU(false);
    }

    /** The tanh approximation (GPT-2, BERT's original code). */
    public static GELU tanh() {
        return new GELU(true);
    }

    /** Whether this is the tanh approximation. */
    public boolean isTanhApproximation() {
        return tanhApproximation;
    }

    /** Applies GELU elementwise. */
    @Override
    public Tensor forward(Tensor input) {
        return tanhApproximation ? input.geluTanh() : input.gelu();
    }

    @Override
    protected String extraRepr() {
        return tanhApproximation ? "approximate=tanh" : "";
    }
}
