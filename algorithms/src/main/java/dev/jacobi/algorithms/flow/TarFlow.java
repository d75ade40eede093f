package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.Module;
import dev.jacobi.nn.ModuleList;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * TarFlow (Zhai et al. 2024): K {@link FlowBlock}s over the patch sequence of an image, data to noise,
 * with a standard normal prior. Block k reverses the token axis when k is odd. State dict names follow
 * the reference's {@code Model}: {@code blocks.<k>.*} and the buffer {@code var} {@code [T, D]} (ones;
 * the prior variance of the non-NVP mode, unused here).
 */
public final class TarFlow extends Module {
    private final TarFlowConfig config;
    private final ModuleList<FlowBlock> blocks;

    private TarFlow(TarFlowConfig config, Generator gen) {
        this.config = config;
        List<FlowBlock> list = new ArrayList<>();
        for (int k = 0; k < config.blocks(); k++) {
            list.add(new FlowBlock(config, k % 2 == 1, gen));
        }
        this.blocks = registerModule("blocks", ModuleList.of(list));
        registerBuffer("var", Tensor.ones(config.dtype(), config.tokens(), config.tokenSize()));
    }

    /** A new model, initialised from {@code gen} (output heads zero: the flow starts as the identity). */
    public static TarFlow create(TarFlowConfig config, Generator gen) {
        return new TarFlow(config, gen);
    }

    /** The configuration. */
    public TarFlowConfig config() {
        return config;
    }

    /** The blocks in forward (data to noise) order: block 0 touches the data first. */
    public List<FlowBlock> blocks() {
        return blocks.asList();
    }

    /** {@link Patches#patchify} with this model's patch size. */
    public Tensor patchify(Tensor image) {
        return Patches.patchify(image, config.patchSize());
    }

    /** {@link Patches#unpatchify} to this model's image size. */
    public Tensor unpatchify(Tensor sequence) {
        return Patches.unpatchify(sequence, config.imageChannels(), config.imageSize(), config.imageSize(), config.patchSize());
    }

    /**
     * Pushes a patch sequence {@code [B, T, D]} through every block, data to noise.
     *
     * @param labels class labels {@code [B]} or null (see {@link FlowBlock#forward})
     * @throws IllegalArgumentException when the sequence does not have the model's shape
     */
    public FlowOutput forward(Tensor sequence, int[] labels) {
        blocks.get(0).checkSequence("TarFlow.forward", sequence);
        Tensor x = sequence;
        Tensor logDet = null;
        List<Tensor> outputs = new ArrayList<>();
        for (FlowBlock block : blocks) {
            FlowBlock.BlockOutput out = block.forward(x, labels);
            x = out.z();
            logDet = logDet == null ? out.logDet() : logDet.add(out.logDet());
            outputs.add(x);
        }
        return new FlowOutput(x, List.copyOf(outputs), logDet, config.tokens() * config.tokenSize());
    }

    /**
     * The training loss per dimension, {@code ½ mean(z²) − mean(logDet)} (the reference's
     * {@code get_loss}; the constant {@code ½ log 2π} of the prior is left out).
     */
    public static Tensor loss(FlowOutput output) {
        return output.z().square().mean().mul(0.5).sub(output.logDet().mean());
    }

    /**
     * Negative log-likelihood of the inputs in bits per dimension, in the space the model saw (for
     * images scaled to [-1, 1] from 8 bits, add {@code log2(128) = 7} for bits per 8-bit subpixel):
     * {@code (loss + ½ log 2π) / ln 2}.
     */
    public static double bitsPerDim(FlowOutput output) {
        return (loss(output).item() + 0.5 * Math.log(2 * Math.PI)) / Math.log(2);
    }

    /**
     * Tweedie denoising of noise-augmented samples (TarFlow §2.4): {@code x̂ = x̃ + m σ² ∇_x log p(x̃)},
     * with the gradient of each sample's own log-likelihood under the model ({@code m = 1} is the
     * theoretical optimum for Gaussian noise of std σ; the reference's step on its mean loss is the same
     * update). Works on patch sequences: patchify only permutes pixels, so the update commutes with it.
     *
     * @param sequence noisy samples {@code [B, T, D]}
     * @param labels   class labels {@code [B]} or null
     * @param noiseStd σ, the std of the training noise
     * @param step     m
     * @return the denoised sequence, detached
     */
    public Tensor denoise(Tensor sequence, int[] labels, double noiseStd, double step) {
        Tensor x = sequence.detach().copy().requiresGrad(true);
        Tensor gradient;
        try (var g = Autograd.enableGrad()) {
            FlowOutput out = forward(x, labels);
            // log p(x) per sample up to a constant: −½ Σ z² + log|det ∂z/∂x|; summed over the batch,
            // whose samples do not interact, so each sample gets its own gradient.
            Tensor logLikelihood = out.totalLogDet().sub(out.z().square().sum(1, 2).mul(0.5)).sum();
            gradient = Autograd.grad(logLikelihood, List.of(x)).get(0);
        }
        return sequence.detach().add(gradient.mul(step * noiseStd * noiseStd)).detach();
    }

    /**
     * What {@link #forward} returns.
     *
     * @param z          the latent {@code [B, T, D]}
     * @param outputs    every block's output, in forward order (the last is {@code z})
     * @param logDet     per sample, the sum over blocks of {@code −mean_{t,d}(a)} {@code [B]}
     * @param dimensions {@code T·D}: {@code logDet · dimensions} is the true {@code log|det ∂z/∂x|}
     */
    public record FlowOutput(Tensor z, List<Tensor> outputs, Tensor logDet, int dimensions) {
        /** The true log-determinant per sample, {@code logDet · T·D} {@code [B]}. */
        public Tensor totalLogDet() {
            return logDet.mul(dimensions);
        }
    }
}
