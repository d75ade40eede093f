package dev.jacobi.nn.layers;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * The keys and values one attention layer has seen so far, for incremental decoding: each step
 * appends the new tokens' keys and values and attends over everything cached. Storage is allocated
 * once for {@code capacity} tokens, so a step costs no copy of the past. Inference only: appended
 * values are detached from any graph.
 */
public final class KvCache {
    private final Tensor keys;
    private final Tensor values;
    private int length;

    private KvCache(Tensor keys, Tensor values) {
        this.keys = keys;
        this.values = values;
    }

    /** An empty float32 cache for {@code [batch, heads, capacity, headDim]} keys and values. */
    public static KvCache create(int batch, int heads, int capacity, int headDim) {
        return new KvCache(Tensor.zeros(DType.FLOAT32, batch, heads, capacity, headDim),
                Tensor.zeros(DType.FLOAT32, batch, heads, capacity, headDim));
    }

    /** How many tokens are cached. */
    public int length() {
        return length;
    }

    /** How many tokens fit. */
    public int capacity() {
        return keys.size(2);
    }

    /** Forgets every cached token (the memory is kept). */
    public void clear() {
        length = 0;
    }

    /**
     * Appends {@code [batch, heads, n, headDim]} keys and values and returns views of all cached ones,
     * {@code [batch, heads, length, headDim]}.
     *
     * @throws IllegalArgumentException when the shapes do not fit or the capacity would be exceeded
     */
    public Tensor[] append(Tensor newKeys, Tensor newValues) {
        int[] ks = keys.shape();
        int[] nk = newKeys.shape();
        if (nk.length != 4 || nk[0] != ks[0] || nk[1] != ks[1] || nk[3] != ks[3]
                || !java.util.Arrays.equals(nk, newValues.shape())) {
            throw new IllegalArgumentException("KvCache.append: keys " + Shapes.format(nk) + " and values "
                    + Shapes.format(newValues.shape()) + " must both be [" + ks[0] + ", " + ks[1] + ", n, " + ks[3] + "]");
        }
        int n = nk[2];
        if (length + n > capacity()) {
            throw new IllegalArgumentException("KvCache.append: " + length + " cached + " + n + " new tokens exceed the capacity "
                    + capacity());
        }
        try (var g = Autograd.noGrad()) {
            keys.slice(2, length, length + n).copyFrom(newKeys.detach());
            values.slice(2, length, length + n).copyFrom(newValues.detach());
        }
        length += n;
        return new Tensor[] {keys.slice(2, 0, length), values.slice(2, 0, length)};
    }
}
