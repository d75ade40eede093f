package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * Inverted dropout, as {@code torch.nn.Dropout} (Srivastava et al. 2014): in training mode each element
 * is zeroed with probability {@code p} and the others are scaled by {@code 1 / (1 - p)}, so the expected
 * output equals the input; in evaluation mode it returns the input itself. Any shape.
 *
 * <p>The masks come from the layer's own {@link Generator}: the same seed and the same sequence of calls
 * give the same masks. No parameters.
 */
public final class Dropout extends Layer {
    private final double p;
    private final Generator gen;

    private Dropout(double p, Generator gen) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        }
        this.p = p;
        this.gen = gen;
    }

    /** Dropout with probability {@code p} in [0, 1], drawing its masks from {@code gen}. */
    public static Dropout of(double p, Generator gen) {
        return new Dropout(p, gen);
    }

    /** The probability of zeroing an element. */
    public double p() {
        return p;
    }

    /** The input with a fresh random mask applied (training), or the input itself (evaluation, or p = 0). */
    @Override
    public Tensor forward(Tensor input) {
        if (!isTraining() || p == 0) {
            return input;
        }
        if (p == 1) {
            return input.mul(0.0);
        }
        Tensor keep = gen.bernoulli(1 - p, input.shape()).to(input.dtype()).mul(1 / (1 - p));
        return input.mul(keep);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
