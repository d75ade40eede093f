package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * Keys and values of a block's finished tokens, one pair per transformer layer, for the block inverses.
 * A Jacobi pass over a module <em>stages</em> its keys and values right after the finished prefix and
 * attends over both; the next pass overwrites the staged ones; once the module is done, {@link #commit}
 * keeps the last pass's. Storage is allocated once for T tokens, so neither a pass nor a commit copies
 * the prefix (a concatenation per pass would, making the sequential inverse quadratic in copies).
 * Inference only.
 */
final class PrefixCache {
    private final Tensor[] keys;
    private final Tensor[] values;
    private int length;

    PrefixCache(int layers, int batch, int heads, int capacity, int headDim, DType dtype, Device device) {
        keys = new Tensor[layers];
        values = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            keys[l] = Tensor.zeros(dtype, batch, heads, capacity, headDim).to(device);
            values[l] = Tensor.zeros(dtype, batch, heads, capacity, headDim).to(device);
        }
    }

    /** Finished (committed) tokens. */
    int length() {
        return length;
    }

    /**
     * Writes layer {@code layer}'s keys and values of {@code n} new tokens ({@code [B, heads, n, headDim]})
     * after the prefix and returns views of prefix + new, {K, V} of {@code [B, heads, length + n, headDim]}.
     */
    Tensor[] stage(int layer, Tensor newKeys, Tensor newValues) {
        int end = length + newKeys.size(2);
        try (var g = Autograd.noGrad()) {
            keys[layer].slice(2, length, end).copyFrom(newKeys);
            values[layer].slice(2, length, end).copyFrom(newValues);
        }
        return new Tensor[] {keys[layer].slice(2, 0, end), values[layer].slice(2, 0, end)};
    }

    /** Keeps the {@code n} tokens staged last as finished. */
    void commit(int n) {
        length += n;
    }
}
