package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.Module;
import dev.jacobi.nn.Sequential;
import dev.jacobi.nn.attention.Attention;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.nn.layers.GELU;
import dev.jacobi.nn.layers.LayerNorm;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;

/**
 * One pre-LN transformer layer of a flow block, laid out as the reference's {@code AttentionBlock}:
 * {@code attention.norm}, {@code attention.qkv} (queries, keys, values of all heads, in that order),
 * {@code attention.proj}, {@code mlp.norm}, {@code mlp.main.0}, {@code mlp.main.2} (exact GELU between).
 * Attention is causal over an optional prefix of cached keys and values; logits are scaled by
 * {@code headDim^{-1/2}} (the reference's {@code (q s)(k s)^T} with {@code s = headDim^{-1/4}}).
 */
final class FlowLayer extends Module {
    private final int width;
    private final int heads;
    private final LayerNorm attentionNorm;
    private final Linear qkv;
    private final Linear proj;
    private final LayerNorm mlpNorm;
    private final Sequential mlp;

    FlowLayer(TarFlowConfig config, Generator gen) {
        this.width = config.width();
        this.heads = config.heads();
        int hidden = width * config.expansion();
        Module attention = registerModule("attention", new Holder());
        this.attentionNorm = ((Holder) attention).add("norm", LayerNorm.of(new int[] {width}, LayerNorm.DEFAULT_EPS, true, true, config.dtype()));
        this.qkv = ((Holder) attention).add("qkv", Linear.of(width, 3 * width, true, config.dtype(), gen));
        this.proj = ((Holder) attention).add("proj", Linear.of(width, width, true, config.dtype(), gen));
        Holder feedForward = registerModule("mlp", new Holder());
        this.mlpNorm = feedForward.add("norm", LayerNorm.of(new int[] {width}, LayerNorm.DEFAULT_EPS, true, true, config.dtype()));
        this.mlp = feedForward.add("main", Sequential.of(Linear.of(width, hidden, true, config.dtype(), gen), GELU.exact(),
                Linear.of(hidden, width, true, config.dtype(), gen)));
    }

    /**
     * The layer on {@code x} {@code [B, n, width]} whose tokens follow the finished prefix of
     * {@code cache} (null: no prefix), where this call stages its keys and values as layer {@code index}.
     * Logits are divided
     * by the attention temperature (1 except in the unconditional branch of guidance).
     */
    Tensor forward(Tensor x, PrefixCache cache, int index, double temperature) {
        int b = x.size(0);
        int n = x.size(1);
        int headDim = width / heads;
        Tensor packed = qkv.forward(attentionNorm.forward(x)).reshape(b, n, 3 * heads, headDim).permute(0, 2, 1, 3);
        Tensor q = packed.slice(1, 0, heads);
        Tensor k = packed.slice(1, heads, 2 * heads);
        Tensor v = packed.slice(1, 2 * heads, 3 * heads);
        Tensor[] kv = cache == null ? new Tensor[] {k, v} : cache.stage(index, k, v);
        // Causal with bottom-right alignment: query i sits at absolute position p + i, so it sees the
        // whole prefix and the tokens of this call up to itself.
        AttentionOptions opts = AttentionOptions.causalMask().withScale(1.0 / Math.sqrt(headDim) / temperature);
        Tensor attended = Attention.scaledDotProduct(q, kv[0], kv[1], opts).permute(0, 2, 1, 3).reshape(b, n, width);
        Tensor h = x.add(proj.forward(attended));
        return h.add(mlp.forward(mlpNorm.forward(h)));
    }

    /** A parameterless container that only gives its children a name prefix ({@code attention.*}, {@code mlp.*}). */
    private static final class Holder extends Module {
        <M extends Module> M add(String name, M module) {
            return registerModule(name, module);
        }
    }
}
