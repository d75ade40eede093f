package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.Module;
import dev.jacobi.nn.ModuleList;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * One TarFlow autoregressive flow block (the reference's {@code MetaBlock}), data to noise:
 * {@code y = π(x)}; a causal transformer reads {@code y}; its outputs shifted right by one token give
 * the log-scale {@code a_t} and shift {@code b_t} of token t from {@code y_{<t}} ({@code a_0 = b_0 = 0});
 * {@code z_t = (y_t − b_t) exp(−a_t)}; the block returns {@code π^{-1}(z)}. The shift makes
 * {@code ∂z/∂y} lower block-triangular with diagonal {@code exp(−a)}, so
 * {@code log|det| = −Σ_{t,d} a_{t,d}}. π is the identity for even blocks and reverses the token
 * axis for odd ones; the positional table is permuted with the tokens, as in the reference.
 *
 * <p>Parameters (reference state dict names): {@code proj_in}, {@code pos_embed} {@code [T, Ch]},
 * {@code class_embed} {@code [classes, 1, Ch]} (conditional models only), {@code attn_blocks.<l>.*}
 * (see the layer layout in the package docs), {@code proj_out} (weight zero-initialised, so a new
 * block is the identity: first D outputs = a, last D = b); buffer {@code attn_mask} (the causal mask,
 * kept for checkpoint compatibility).
 */
public final class FlowBlock extends Module {
    private final TarFlowConfig config;
    private final boolean reversed;
    private final Linear projIn;
    private final ModuleList<FlowLayer> layers;
    private final Linear projOut;

    FlowBlock(TarFlowConfig config, boolean reversed, Generator gen) {
        this.config = config;
        this.reversed = reversed;
        int t = config.tokens();
        int d = config.tokenSize();
        int ch = config.width();
        this.projIn = registerModule("proj_in", Linear.of(d, ch, true, config.dtype(), gen));
        registerParameter("pos_embed", gen.normal(config.dtype(), 0, 1e-2, t, ch));
        if (config.numClasses() > 0) {
            registerParameter("class_embed", gen.normal(config.dtype(), 0, 1e-2, config.numClasses(), 1, ch));
        }
        List<FlowLayer> list = new ArrayList<>();
        for (int l = 0; l < config.layersPerBlock(); l++) {
            list.add(new FlowLayer(config, gen));
        }
        this.layers = registerModule("attn_blocks", ModuleList.of(list));
        this.projOut = registerModule("proj_out", Linear.of(ch, 2 * d, true, config.dtype(), gen));
        try (var g = Autograd.noGrad()) {
            projOut.weight().fill(0);
        }
        registerBuffer("attn_mask", causalPattern(t).to(config.dtype()));
    }

    private static Tensor causalPattern(int t) {
        double[] v = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                v[i * t + j] = 1;
            }
        }
        return Tensor.of(v, t, t);
    }

    /** An empty cache of this block's keys and values for a batch of {@code batch}, on {@code device}. */
    PrefixCache newCache(int batch, DType dtype, Device device) {
        return new PrefixCache(layers.size(), batch, config.heads(), config.tokens(), config.headDim(), dtype, device);
    }

    /** The model configuration this block belongs to. */
    public TarFlowConfig config() {
        return config;
    }

    /** Whether π reverses the token axis (odd blocks). */
    public boolean reversed() {
        return reversed;
    }

    /** π applied to a sequence {@code [B, T, D]}; an involution, so it is also π^{-1}. */
    public Tensor permute(Tensor sequence) {
        return reversed ? sequence.flip(1) : sequence;
    }

    /**
     * The block's output for {@code x} {@code [B, T, D]}: {@code z} (same shape) and the per-sample
     * log-determinant in the reference's normalisation {@code −mean_{t,d}(a)} {@code [B]} — a mean, so
     * multiply by {@code T·D} for {@code log|det ∂z/∂x|}.
     *
     * @param labels class labels {@code [B]} (a negative label = the mean class embedding), or null for
     *               the mean embedding (ignored by unconditional models)
     * @throws IllegalArgumentException when {@code x} is not {@code [B, T, D]}
     */
    public BlockOutput forward(Tensor x, int[] labels) {
        checkSequence("FlowBlock.forward", x);
        Tensor y = permute(x);
        Affine affine = affine(y, null, labels, 1.0);
        // Shift right by one: token t is transformed by the outputs at t-1, token 0 by (0, 0).
        int b = x.size(0);
        int t = x.size(1);
        int d = x.size(2);
        Tensor zero = Tensor.zeros(x.dtype(), b, 1, d).to(x.device());
        Tensor a = Tensor.concat(List.of(zero, affine.logScale().slice(1, 0, t - 1)), 1);
        Tensor shift = Tensor.concat(List.of(zero, affine.shift().slice(1, 0, t - 1)), 1);
        Tensor z = y.sub(shift).mul(a.neg().exp());
        return new BlockOutput(permute(z), a.mean(1, 2).neg());
    }

    /**
     * The transformer on the tokens {@code yIn} {@code [B, n, D]} of a permuted sequence that follow the
     * finished prefix of {@code cache} (null: none, the tokens start at 0), staging their keys and values
     * there. Output row i is (a, b) of the token after input i — the shift is the caller's.
     * {@code temperature} divides the attention logits.
     */
    Affine affine(Tensor yIn, PrefixCache cache, int[] labels, double temperature) {
        int start = cache == null ? 0 : cache.length();
        int n = yIn.size(1);
        Tensor pos = permute(parameter("pos_embed").unsqueeze(0)).slice(1, start, start + n);
        Tensor h = projIn.forward(yIn).add(pos);
        if (config.numClasses() > 0) {
            h = h.add(classEmbedding(yIn.size(0), labels));
        }
        for (int l = 0; l < layers.size(); l++) {
            h = layers.get(l).forward(h, cache, l, temperature);
        }
        Tensor out = projOut.forward(h);
        int d = config.tokenSize();
        return new Affine(out.slice(2, 0, d), out.slice(2, d, 2 * d));
    }

    /** {@code [B, 1, Ch]}: the label's row, or the mean of all rows for a negative or absent label. */
    private Tensor classEmbedding(int batch, int[] labels) {
        Tensor table = parameter("class_embed");
        Tensor mean = table.mean(0).unsqueeze(0);
        if (labels == null) {
            return mean;
        }
        if (labels.length != batch) {
            throw new IllegalArgumentException("FlowBlock: " + labels.length + " labels for a batch of " + batch);
        }
        List<Tensor> rows = new ArrayList<>();
        for (int label : labels) {
            if (label >= config.numClasses()) {
                throw new IndexOutOfBoundsException("FlowBlock: label " + label + " out of range for " + config.numClasses() + " classes");
            }
            rows.add(label < 0 ? mean : table.select(0, label).unsqueeze(0));
        }
        return Tensor.concat(rows, 0);
    }

    void checkSequence(String op, Tensor x) {
        if (x.rank() != 3 || x.size(1) != config.tokens() || x.size(2) != config.tokenSize()) {
            throw new IllegalArgumentException(op + ": sequence must be [B, " + config.tokens() + ", " + config.tokenSize()
                    + "], shape is " + Shapes.format(x.shape()));
        }
    }

    /** Log-scale a and shift b {@code [B, n, D]} of the tokens after the inputs. */
    record Affine(Tensor logScale, Tensor shift) {
    }

    /**
     * What {@link #forward} returns.
     *
     * @param z      the block's output {@code [B, T, D]} (noise side, un-permuted)
     * @param logDet {@code −mean_{t,d}(a)} per sample {@code [B]} (times {@code T·D} = log|det|)
     */
    public record BlockOutput(Tensor z, Tensor logDet) {
    }
}
