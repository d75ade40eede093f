package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Sequential;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * A pre-LN transformer block: {@code x + attn(ln1(x))}, then {@code x + mlp(ln2(x))}, with an MLP of
 * width {@code 4 dim} and exact GELU. Parameter names: {@code ln1.*}, {@code attn.*} (as
 * {@code torch.nn.MultiheadAttention}), {@code ln2.*}, {@code mlp.0.*}, {@code mlp.2.*}.
 */
public final class TransformerBlock extends Layer {
    private final LayerNorm ln1;
    private final MultiHeadAttention attn;
    private final LayerNorm ln2;
    private final Sequential mlp;
    private final AttentionOptions options;

    private TransformerBlock(int dim, int heads, int hidden, AttentionOptions options, Generator gen) {
        this.ln1 = registerModule("ln1", LayerNorm.of(dim));
        this.attn = registerModule("attn", MultiHeadAttention.of(dim, heads, gen));
        this.ln2 = registerModule("ln2", LayerNorm.of(dim));
        this.mlp = registerModule("mlp", Sequential.of(Linear.of(dim, hidden, gen), GELU.exact(), Linear.of(hidden, dim, gen)));
        this.options = options;
    }

    /** A block of width {@code dim} with {@code heads} heads, MLP width {@code 4 dim}, attending as {@code options} says. */
    public static TransformerBlock of(int dim, int heads, AttentionOptions options, Generator gen) {
        return new TransformerBlock(dim, heads, 4 * dim, options, gen);
    }

    /** A block with an MLP of width {@code hidden}. */
    public static TransformerBlock of(int dim, int heads, int hidden, AttentionOptions options, Generator gen) {
        return new TransformerBlock(dim, heads, hidden, options, gen);
    }

    /** The attention layer. */
    public MultiHeadAttention attention() {
        return attn;
    }

    /** {@code [batch, n, dim]} to {@code [batch, n, dim]} with the block's own attention options. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, options);
    }

    /** The block with other attention options (for example this batch's key padding). */
    public Tensor forward(Tensor x, AttentionOptions opts) {
        Tensor h = x.add(attn.forward(ln1.forward(x), opts));
        return h.add(mlp.forward(ln2.forward(h)));
    }

    /** One step of incremental decoding with the block's attention cache. */
    public Tensor forward(Tensor x, KvCache cache) {
        Tensor h = x.add(attn.forward(ln1.forward(x), options, cache));
        return h.add(mlp.forward(ln2.forward(h)));
    }
}
