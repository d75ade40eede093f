package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Module;
import dev.jacobi.nn.attention.Alibi;
import dev.jacobi.nn.attention.Attention;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * Multi-head attention with the parameters of {@code torch.nn.MultiheadAttention} (batch first):
 * {@code in_proj_weight} {@code [3 dim, dim]} and {@code in_proj_bias} {@code [3 dim]} project the input
 * to queries, keys and values (in that order), {@code out_proj} maps the concatenated heads back.
 * Attention itself is {@link Attention#scaledDotProduct} (FlashAttention-style kernels for float32), so
 * every mask of {@link AttentionOptions} applies: causal, key padding, block-causal, boolean masks, and
 * ALiBi biases ({@link #alibi()} gives the slopes for this head count).
 *
 * <p>Init as PyTorch: Xavier-uniform projections, zero biases.
 */
public final class MultiHeadAttention extends Module {
    private final int dim;
    private final int heads;

    private MultiHeadAttention(int dim, int heads, boolean bias, Generator gen) {
        if (dim <= 0 || heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: dim " + dim + " must be a positive multiple of heads " + heads);
        }
        this.dim = dim;
        this.heads = heads;
        Tensor w = registerParameter("in_proj_weight", Tensor.zeros(DType.FLOAT32, 3 * dim, dim));
        Init.xavierUniform(w, 1, gen);
        if (bias) {
            registerParameter("in_proj_bias", Tensor.zeros(DType.FLOAT32, 3 * dim));
        }
        Linear out = registerModule("out_proj", Linear.of(dim, dim, bias, gen));
        if (bias) {
            Init.zeros(out.bias());
        }
    }

    /** A layer of {@code heads} heads of size {@code dim / heads}, with biases. */
    public static MultiHeadAttention of(int dim, int heads, Generator gen) {
        return new MultiHeadAttention(dim, heads, true, gen);
    }

    /** A layer with or without biases. */
    public static MultiHeadAttention of(int dim, int heads, boolean bias, Generator gen) {
        return new MultiHeadAttention(dim, heads, bias, gen);
    }

    /** The model width. */
    public int dim() {
        return dim;
    }

    /** The number of heads. */
    public int heads() {
        return heads;
    }

    /** The ALiBi slopes of this head count, for {@link AttentionOptions#withAlibi}. */
    public float[] alibi() {
        return Alibi.slopes(heads);
    }

    /** Self-attention of {@code x} {@code [batch, n, dim]} to {@code [batch, n, dim]}. */
    public Tensor forward(Tensor x, AttentionOptions opts) {
        return forward(x, x, x, opts);
    }

    /**
     * Attention of {@code query} {@code [batch, nq, dim]} over {@code key} and {@code value}
     * {@code [batch, nk, dim]}; returns {@code [batch, nq, dim]}.
     *
     * @throws IllegalArgumentException when the shapes do not fit
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, AttentionOptions opts) {
        check(query, "query");
        check(key, "key");
        check(value, "value");
        Tensor q = heads(project(query, 0));
        Tensor k = heads(project(key, 1));
        Tensor v = heads(project(value, 2));
        return merge(Attention.scaledDotProduct(q, k, v, opts));
    }

    /**
     * One step of incremental decoding: the keys and values of the new tokens {@code x}
     * {@code [batch, n, dim]} join {@code cache}, and the new tokens attend over every cached token
     * (causally: positions are counted from the start of the cache).
     */
    public Tensor forward(Tensor x, AttentionOptions opts, KvCache cache) {
        check(x, "x");
        Tensor q = heads(project(x, 0));
        Tensor[] kv = cache.append(heads(project(x, 1)), heads(project(x, 2)));
        return merge(Attention.scaledDotProduct(q, kv[0], kv[1], opts));
    }

    /** A cache for this layer: {@code capacity} tokens of a batch of {@code batch}. */
    public KvCache newCache(int batch, int capacity) {
        return KvCache.create(batch, heads, capacity, dim / heads);
    }

    private void check(Tensor t, String name) {
        if (t.rank() != 3 || t.size(2) != dim) {
            throw new IllegalArgumentException("MultiHeadAttention(dim=" + dim + ", heads=" + heads + "): " + name
                    + " must be [batch, n, " + dim + "], shape is " + Shapes.format(t.shape()));
        }
    }

    /** Rows [part * dim, (part + 1) * dim) of the input projection applied to x. */
    private Tensor project(Tensor x, int part) {
        Tensor w = parameter("in_proj_weight").slice(0, part * dim, (part + 1) * dim);
        Tensor y = x.matmul(w.mT());
        return hasParameter("in_proj_bias") ? y.add(parameter("in_proj_bias").slice(0, part * dim, (part + 1) * dim)) : y;
    }

    /** [batch, n, dim] to [batch, heads, n, dim / heads]. */
    private Tensor heads(Tensor t) {
        return t.reshape(t.size(0), t.size(1), heads, dim / heads).permute(0, 2, 1, 3);
    }

    /** [batch, heads, n, dim / heads] to [batch, n, dim], then the output projection. */
    private Tensor merge(Tensor t) {
        Tensor joined = t.permute(0, 2, 1, 3).reshape(t.size(0), t.size(2), dim);
        return ((Linear) namedChildren().get("out_proj")).forward(joined);
    }
}
