package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A multi-layer perceptron: {@link Linear} layers of the given sizes with an activation between
 * consecutive ones (none after the last). For sizes {@code [d0, d1, ..., dk]} it maps {@code [..., d0]} to
 * {@code [..., dk]}.
 *
 * <p>Its submodules are named as in the equivalent {@code torch.nn.Sequential(Linear, act, Linear, ...)}:
 * {@code "0"} the first Linear, {@code "1"} its activation, {@code "2"} the next Linear, so the
 * parameters are {@code 0.weight, 0.bias, 2.weight, 2.bias, ...}.
 */
public final class MLP extends Layer {
    private final int[] sizes;
    private final List<Layer> layers = new ArrayList<>();

    private MLP(int[] sizes, boolean bias, Supplier<? extends Layer> activation, Generator gen) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("MLP: needs at least an input and an output size, got " + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (i > 0) {
                add(activation.get());
            }
            add(Linear.of(sizes[i], sizes[i + 1], bias, gen));
        }
    }

    private void add(Layer layer) {
        layers.add(registerModule(Integer.toString(layers.size()), layer));
    }

    /**
     * An MLP with biases, e.g. {@code MLP.of(new int[] {64, 256, 256, 10}, ReLU::create, gen)}; the Linear
     * layers are initialized from {@code gen} in order, each as PyTorch's default.
     */
    public static MLP of(int[] sizes, Supplier<? extends Layer> activation, Generator gen) {
        return new MLP(sizes, true, activation, gen);
    }

    /** An MLP with or without biases. */
    public static MLP of(int[] sizes, boolean bias, Supplier<? extends Layer> activation, Generator gen) {
        return new MLP(sizes, bias, activation, gen);
    }

    /** The layers in order: Linear, activation, Linear, ... */
    public List<Layer> layers() {
        return List.copyOf(layers);
    }

    /** Applies the layers in order. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Layer l : layers) {
            x = l.forward(x);
        }
        return x;
    }

    @Override
    protected String extraRepr() {
        return "sizes=" + Arrays.toString(sizes);
    }
}
