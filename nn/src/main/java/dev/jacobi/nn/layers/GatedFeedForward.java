package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.List;

/**
 * A gated feed-forward layer (Shazeer 2020, "GLU Variants Improve Transformer"):
 * {@code out = W_out (act(x W_gate) * (x W_up))}, mapping {@code [..., dim]} to {@code [..., dim]} through a
 * hidden size {@code hidden}. The gate's activation picks the variant: sigmoid (GLU), exact GELU (GeGLU)
 * or SiLU (SwiGLU).
 *
 * <p>Two layouts, with the parameter names of the common reference implementations, so their weights load:
 * <ul>
 *   <li>{@link #fused}: one input projection, as MosaicBERT's {@code BertGatedLinearUnitMLP}:
 *       {@code gated_layers} = Linear(dim, 2*hidden, no bias) whose output is split in halves
 *       {@code [gate | up]} (gate first), and {@code wo} = Linear(hidden, dim) with a bias.
 *       MosaicBERT then applies dropout, the residual and a LayerNorm; those are not part of this layer.</li>
 *   <li>{@link #separate}: two input projections, as LLaMA's {@code FeedForward}:
 *       {@code w1} (gate) and {@code w3} (up) = Linear(dim, hidden), {@code w2} = Linear(hidden, dim),
 *       all without bias: {@code w2(act(w1 x) * w3 x)}.</li>
 * </ul>
 */
public final class GatedFeedForward extends Layer {
    /** The gate's activation. */
    public enum Gate {
        /** sigmoid: the original GLU (Dauphin et al. 2017). */
        GLU,
        /** exact GELU (erf): GeGLU, as MosaicBERT. */
        GEGLU,
        /** SiLU: SwiGLU, as LLaMA and PaLM. */
        SWIGLU;

        Tensor apply(Tensor x) {
            return switch (this) {
                case GLU -> x.sigmoid();
                case GEGLU -> x.gelu();
                case SWIGLU -> x.silu();
            };
        }
    }

    private final Gate gate;
    private final int dim;
    private final int hidden;
    private final boolean fusedLayout;

    private GatedFeedForward(Gate gate, int dim, int hidden, boolean fusedLayout, Generator gen) {
        if (dim < 1 || hidden < 1) {
            throw new IllegalArgumentException("GatedFeedForward: sizes must be >= 1, got dim=" + dim + ", hidden=" + hidden);
        }
        this.gate = gate;
        this.dim = dim;
        this.hidden = hidden;
        this.fusedLayout = fusedLayout;
        if (fusedLayout) {
            registerModule("gated_layers", Linear.of(dim, 2 * hidden, false, gen));
            registerModule("wo", Linear.of(hidden, dim, true, gen));
        } else {
            registerModule("w1", Linear.of(dim, hidden, false, gen));
            registerModule("w2", Linear.of(hidden, dim, false, gen));
            registerModule("w3", Linear.of(dim, hidden, false, gen));
        }
    }

    /**
     * MosaicBERT's layout: {@code gated_layers} [2*hidden, dim] (no bias) and {@code wo} [dim, hidden] with a
     * bias; initialized as PyTorch's Linear from {@code gen}, in that order.
     */
    public static GatedFeedForward fused(Gate gate, int dim, int hidden, Generator gen) {
        return new GatedFeedForward(gate, dim, hidden, true, gen);
    }

    /**
     * LLaMA's layout: {@code w1}, {@code w2}, {@code w3} without biases (registered, and initialized from
     * {@code gen}, in the order w1, w2, w3 as LLaMA declares them).
     */
    public static GatedFeedForward separate(Gate gate, int dim, int hidden, Generator gen) {
        return new GatedFeedForward(gate, dim, hidden, false, gen);
    }

    /** The gate's activation. */
    public Gate gate() {
        return gate;
    }

    /**
     * {@code W_out (act(x W_gate) * (x W_up))}.
     *
     * @param input {@code [..., dim]}
     * @return {@code [..., dim]}
     */
    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() < 1 || input.size(-1) != dim) {
            throw new IllegalArgumentException(signature() + ": input must be [..., " + dim + "], shape is "
                    + Shapes.format(input.shape()));
        }
        var children = namedChildren();
        if (fusedLayout) {
            Tensor both = ((Layer) children.get("gated_layers")).forward(input);
            List<Tensor> halves = both.split(new int[] {hidden, hidden}, -1);
            return ((Layer) children.get("wo")).forward(gate.apply(halves.get(0)).mul(halves.get(1)));
        }
        Tensor g = gate.apply(((Layer) children.get("w1")).forward(input));
        Tensor up = ((Layer) children.get("w3")).forward(input);
        return ((Layer) children.get("w2")).forward(g.mul(up));
    }

    @Override
    protected String extraRepr() {
        return gate + ", dim=" + dim + ", hidden=" + hidden + ", " + (fusedLayout ? "fused" : "separate");
    }
}
