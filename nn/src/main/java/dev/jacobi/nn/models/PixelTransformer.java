package dev.jacobi.nn.models;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.nn.ModuleList;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.nn.layers.LayerNorm;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.nn.layers.TransformerBlock;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

/**
 * A small transformer classifier that reads each of {@code tokens} scalar features as one token, for
 * example the 64 pixels of an 8x8 digit: a pixel embedding {@code Linear(1, dim)} plus learned
 * positions {@code [tokens, dim]}, {@code layers} pre-LN {@link TransformerBlock}s (bidirectional
 * attention, MLP width {@code 4 dim}, exact GELU), a final LayerNorm, the mean over tokens, and
 * {@code Linear(dim, classes)}.
 *
 * <p>It is the {@code Transformer} of {@code bench/scripts/torch_training_step.py}, with the same
 * parameter names, so that state dicts move between the two: {@code embed.*}, {@code pos},
 * {@code blocks.<i>.ln1.*}, {@code blocks.<i>.attn.in_proj_weight} (and the other names of
 * {@code torch.nn.MultiheadAttention}), {@code blocks.<i>.ln2.*}, {@code blocks.<i>.mlp.0.*},
 * {@code blocks.<i>.mlp.2.*}, {@code ln.*}, {@code head.*}.
 */
public final class PixelTransformer extends Layer {
    /**
     * The shape of a {@link PixelTransformer}.
     *
     * @param tokens  features per example, each one token
     * @param dim     model width; a multiple of {@code heads}
     * @param heads   attention heads per block
     * @param layers  transformer blocks
     * @param classes output logits
     */
    public record Config(int tokens, int dim, int heads, int layers, int classes) {
        /** @throws IllegalArgumentException when a size is not positive or {@code heads} does not divide {@code dim} */
        public Config {
            if (tokens < 1 || dim < 1 || heads < 1 || layers < 1 || classes < 1 || dim % heads != 0) {
                throw new IllegalArgumentException("PixelTransformer.Config: sizes must be positive and heads must divide dim, got tokens="
                        + tokens + ", dim=" + dim + ", heads=" + heads + ", layers=" + layers + ", classes=" + classes);
            }
        }

        /** The 8x8 digits (64 tokens, 10 classes) with the given width, heads and depth. */
        public static Config digits(int dim, int heads, int layers) {
            return new Config(64, dim, heads, layers, 10);
        }
    }

    private final Config config;
    private final Linear embed;
    private final ModuleList<TransformerBlock> blocks;
    private final LayerNorm ln;
    private final Linear head;

    private PixelTransformer(Config config, Generator gen) {
        this.config = config;
        this.embed = registerModule("embed", Linear.of(1, config.dim(), gen));
        // As torch.randn(tokens, d) * 0.02 in the reference script.
        Init.normal(registerParameter("pos", Tensor.zeros(DType.FLOAT32, config.tokens(), config.dim())), 0, 0.02, gen);
        ModuleList<TransformerBlock> list = new ModuleList<>();
        for (int i = 0; i < config.layers(); i++) {
            list.add(TransformerBlock.of(config.dim(), config.heads(), AttentionOptions.defaults(), gen));
        }
        this.blocks = registerModule("blocks", list);
        this.ln = registerModule("ln", LayerNorm.of(config.dim()));
        this.head = registerModule("head", Linear.of(config.dim(), config.classes(), gen));
    }

    /** A float32 model of shape {@code config}, its parameters drawn from {@code gen} in registration order. */
    public static PixelTransformer of(Config config, Generator gen) {
        return new PixelTransformer(config, gen);
    }

    /** The model's shape. */
    public Config config() {
        return config;
    }

    /**
     * The logits {@code [batch, classes]} of the features {@code [batch, tokens]}.
     *
     * @throws IllegalArgumentException when the input is not {@code [batch, tokens]}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.size(1) != config.tokens()) {
            throw new IllegalArgumentException("PixelTransformer: input must be [batch, " + config.tokens() + "], shape is "
                    + Shapes.format(x.shape()));
        }
        Tensor h = embed.forward(x.unsqueeze(2)).add(parameter("pos"));
        for (TransformerBlock block : blocks) {
            h = block.forward(h);
        }
        return head.forward(ln.forward(h).mean(1));
    }

    @Override
    protected String extraRepr() {
        return "tokens=" + config.tokens() + ", dim=" + config.dim() + ", heads=" + config.heads() + ", layers="
                + config.layers() + ", classes=" + config.classes();
    }
}
