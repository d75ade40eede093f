package dev.jacobi.nn;

import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Layers applied one after the other, named {@code "0", "1", ...} as in {@code torch.nn.Sequential}
 * (so {@code "0.weight"} is the first layer's weight).
 */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    private Sequential() {
    }

    /** The layers in the order they are applied. */
    public static Sequential of(Layer... layers) {
        return of(List.of(layers));
    }

    /** The layers in the order they are applied. */
    public static Sequential of(List<? extends Layer> layers) {
        Sequential s = new Sequential();
        layers.forEach(s::add);
        return s;
    }

    /** Appends a layer under the next index. Returns this. */
    public Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    /** The layers (unmodifiable). */
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** Applies each layer to the output of the previous one. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Layer layer : layers) {
            x = layer.forward(x);
        }
        return x;
    }
}
