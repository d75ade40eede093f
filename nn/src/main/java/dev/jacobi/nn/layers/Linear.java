package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * A fully connected layer, as {@code torch.nn.Linear}: {@code y = x W^T + b} for an input
 * {@code [..., in]} and an output {@code [..., out]}.
 *
 * <p>Parameters: {@code weight} {@code [out, in]} and, optionally, {@code bias} {@code [out]}. Default
 * init as PyTorch: weight Kaiming-uniform with a = sqrt(5) (U(-1/sqrt(in), 1/sqrt(in))), bias
 * U(-1/sqrt(in), 1/sqrt(in)) (see {@link Init#linearDefault}).
 */
public final class Linear extends Layer {
    private final int inFeatures;
    private final int outFeatures;

    private Linear(int inFeatures, int outFeatures, boolean bias, DType dtype, Generator gen) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: sizes must be >= 0, got in=" + inFeatures + ", out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensor w = registerParameter("weight", Tensor.zeros(dtype, outFeatures, inFeatures));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(dtype, outFeatures)) : null;
        Init.linearDefault(w, b, gen);
    }

    /** A float32 layer with a bias, initialized from {@code gen}. */
    public static Linear of(int inFeatures, int outFeatures, Generator gen) {
        return new Linear(inFeatures, outFeatures, true, DType.FLOAT32, gen);
    }

    /** A float32 layer, with or without a bias, initialized from {@code gen}. */
    public static Linear of(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        return new Linear(inFeatures, outFeatures, bias, DType.FLOAT32, gen);
    }

    /** A layer of the given floating dtype, with or without a bias, initialized from {@code gen}. */
    public static Linear of(int inFeatures, int outFeatures, boolean bias, DType dtype, Generator gen) {
        return new Linear(inFeatures, outFeatures, bias, dtype, gen);
    }

    /** The weight, {@code [out, in]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias, {@code [out]}, or null when the layer has none. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /** The input size. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The output size. */
    public int outFeatures() {
        return outFeatures;
    }

    /**
     * {@code x W^T + b}.
     *
     * @param input {@code [..., in]} (rank at least 1)
     * @return {@code [..., out]}
     * @throws IllegalArgumentException when the last dimension is not {@code in}
     */
    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() < 1 || input.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(in=" + inFeatures + ", out=" + outFeatures
                    + "): input must be [..., " + inFeatures + "], shape is " + Shapes.format(input.shape()));
        }
        Tensor y = input.matmul(weight().mT());
        Tensor b = bias();
        return b == null ? y : y.add(b);
    }

    @Override
    protected String extraRepr() {
        return "in=" + inFeatures + ", out=" + outFeatures + ", bias=" + hasParameter("bias");
    }
}
