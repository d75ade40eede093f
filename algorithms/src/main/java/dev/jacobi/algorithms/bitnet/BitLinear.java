package dev.jacobi.algorithms.bitnet;

import dev.jacobi.algorithms.bitnet.kernels.PackedTernary;
import dev.jacobi.algorithms.bitnet.kernels.TernaryGemm;
import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.nn.layers.RMSNorm;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.Arrays;
import java.util.Objects;

/**
 * The BitNet b1.58 linear layer, a drop-in for {@code Linear} in quantization-aware training:
 * <pre>
 * Xn = Norm(X)                                     (see {@link Norm}; before quantizing, as the training-tips code)
 * Ŵ  = γ·clip(rne(W/γ), -1, 1)                     ({@link Ternary}; γ per tensor, absmean or lower median)
 * X̂  = clip(rne(Xn·s), -128, 127) / s              ({@link ActivationQuant}; s per row)
 * Y  = X̂ Ŵᵀ (+ bias)
 * </pre>
 * The backward pass is the straight-through estimator: the quantizers pass gradients unchanged
 * ({@code q_ste(v) = v + stopgrad(q(v) - v)}), the scales γ and s count as constants, and what the
 * optimizer updates is the latent full-precision {@code weight}. With a quantization strength
 * {@code λ < 1} (the Reloaded package's {@code lambda_}, for phasing quantization in) the forward uses
 * {@code v + λ(q(v) - v)}, the backward still the identity.
 *
 * <p>Parameters, named as PyTorch modules name them: {@code weight} {@code [out, in]} (init as
 * {@code torch.nn.Linear}), optionally {@code bias} {@code [out]} (BitNet has none), and with
 * {@link Norm#RMS_AFFINE} the submodule {@code norm} with its gain {@code norm.weight}.
 *
 * <p>Inference: {@link #usePackedInference(boolean)} switches the forward pass to the integer path:
 * activations quantized to INT8, weights packed 2 bits each ({@link PackedTernary#i2s}), the product
 * exact in INT32 ({@link TernaryGemm#multiply}), then one rescale per row, {@code Y = acc·γ/s}. It
 * computes the same numbers as the float forward up to float32 rounding of the float path's sums
 * (see {@code BitLinearProperties}), records no gradient, and repacks by itself when the weight changed.
 */
public final class BitLinear extends Layer {
    /** The norm applied to the input before activation quantization (all with eps 1e-5). */
    public enum Norm {
        /** No norm: the input is quantized as it comes. */
        NONE,
        /** {@code x / sqrt(mean(x²) + eps)} without a gain (the paper shows none). */
        RMS,
        /** RMSNorm with a learned gain {@code norm.weight} (the widely copied training-tips code). */
        RMS_AFFINE,
        /** Non-affine LayerNorm (the Reloaded package's default). */
        LAYER_NORM
    }

    /**
     * How a {@link BitLinear} quantizes.
     *
     * @param weightMeasure   absmean (BitNet b1.58) or lower median (Reloaded)
     * @param activationBound Q of the activation scale: 127 (Microsoft) or 128 (Reloaded package)
     * @param norm            the input norm
     * @param bias            whether the layer has a bias (added after the rescale)
     */
    public record Config(Ternary.Measure weightMeasure, int activationBound, Norm norm, boolean bias) {
        /** @throws IllegalArgumentException for a bound other than 127 or 128 */
        public Config {
            Objects.requireNonNull(weightMeasure, "BitLinear.Config: weightMeasure");
            Objects.requireNonNull(norm, "BitLinear.Config: norm");
            ActivationQuant.checkBound("BitLinear.Config", activationBound);
        }

        /** BitNet b1.58: absmean weights, Q = 127, RMSNorm without gain, no bias. */
        public static Config bitnet158() {
            return new Config(Ternary.Measure.ABSMEAN, ActivationQuant.Q_MICROSOFT, Norm.RMS, false);
        }

        /** The Reloaded package's defaults: lower-median weights, Q = 128, non-affine LayerNorm, no bias. */
        public static Config reloaded() {
            return new Config(Ternary.Measure.ABSMEDIAN, ActivationQuant.Q_RELOADED, Norm.LAYER_NORM, false);
        }

        /** This configuration with another weight measure. */
        public Config withMeasure(Ternary.Measure m) {
            return new Config(m, activationBound, norm, bias);
        }

        /** This configuration with another input norm. */
        public Config withNorm(Norm n) {
            return new Config(weightMeasure, activationBound, n, bias);
        }

        /** This configuration with or without a bias. */
        public Config withBias(boolean b) {
            return new Config(weightMeasure, activationBound, norm, b);
        }
    }

    /** The norm epsilon of every variant (BitNet {@code norm_eps}, Reloaded {@code layer_norm} eps). */
    public static final double NORM_EPS = 1e-5;

    private final int inFeatures;
    private final int outFeatures;
    private final Config config;
    private double strength = 1;
    private boolean packedInference;
    private Packed packed;

    /** The packed weights and the weight version they were made from. */
    private record Packed(PackedTernary weights, float gamma, Tensor source, int version) {
    }

    private BitLinear(int inFeatures, int outFeatures, Config config, Generator gen) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("BitLinear: sizes must be >= 1, got in=" + inFeatures + ", out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.config = Objects.requireNonNull(config, "BitLinear: config");
        Tensor w = registerParameter("weight", Tensor.zeros(DType.FLOAT32, outFeatures, inFeatures));
        Tensor b = config.bias() ? registerParameter("bias", Tensor.zeros(DType.FLOAT32, outFeatures)) : null;
        Init.linearDefault(w, b, gen);
        if (config.norm() == Norm.RMS_AFFINE) {
            registerModule("norm", RMSNorm.of(inFeatures, NORM_EPS));
        }
    }

    /** A float32 layer with the {@link Config#bitnet158()} settings, initialized from {@code gen}. */
    public static BitLinear of(int inFeatures, int outFeatures, Generator gen) {
        return new BitLinear(inFeatures, outFeatures, Config.bitnet158(), gen);
    }

    /** A float32 layer with the given settings, initialized from {@code gen} as {@code torch.nn.Linear}. */
    public static BitLinear of(int inFeatures, int outFeatures, Config config, Generator gen) {
        return new BitLinear(inFeatures, outFeatures, config, gen);
    }

    /** The latent full-precision weight {@code [out, in]} that the optimizer updates. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias {@code [out]}, or null. */
    public Tensor bias() {
        return hasParameter("bias") ? parameter("bias") : null;
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** The input size. */
    public int inFeatures() {
        return inFeatures;
    }

    /** The output size. */
    public int outFeatures() {
        return outFeatures;
    }

    /** The quantization strength λ in [0, 1] (1 by default: fully quantized forward). */
    public double quantizationStrength() {
        return strength;
    }

    /**
     * Sets the quantization strength λ: the forward uses {@code v + λ(q(v) - v)} for weights and
     * activations (0 is the unquantized layer, with its norm), the backward passes gradients straight
     * through whatever λ is. The packed path ignores λ.
     *
     * @throws IllegalArgumentException when λ is outside [0, 1]
     */
    public BitLinear setQuantizationStrength(double lambda) {
        if (!(lambda >= 0 && lambda <= 1)) {
            throw new IllegalArgumentException("BitLinear.setQuantizationStrength: λ must be in [0, 1], got " + lambda);
        }
        this.strength = lambda;
        return this;
    }

    /** The current weight quantized: INT8 codes and the scale γ. */
    public TernaryTensor ternaryWeight() {
        return Ternary.quantize(weight(), config.weightMeasure());
    }

    /**
     * Switches between the float forward with fake quantization (the default, differentiable) and the
     * packed integer forward (inference only: it records no gradient). Returns this.
     */
    public BitLinear usePackedInference(boolean on) {
        this.packedInference = on;
        return this;
    }

    /** Whether {@link #forward} takes the packed integer path. */
    public boolean packedInference() {
        return packedInference;
    }

    /**
     * {@code Y = Q(Norm(X)) Q(W)ᵀ (+ bias)} on the path chosen by {@link #usePackedInference}.
     *
     * @param input {@code [..., in]}, floating
     * @return {@code [..., out]}, float32
     * @throws IllegalArgumentException when the last dimension is not {@code in} or the dtype is not floating
     */
    @Override
    public Tensor forward(Tensor input) {
        if (input.rank() < 1 || input.size(-1) != inFeatures || !input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(signature() + ": input must be floating [..., " + inFeatures + "], got "
                    + input.dtype() + " " + Shapes.format(input.shape()));
        }
        return packedInference ? packedForward(input) : fakeQuantForward(input);
    }

    /** The input after the configured norm (differentiable). */
    Tensor normalize(Tensor x) {
        return switch (config.norm()) {
            case NONE -> x;
            case RMS -> x.mul(x.square().mean(new int[] {x.rank() - 1}, true).add(NORM_EPS).rsqrt());
            case RMS_AFFINE -> ((RMSNorm) namedChildren().get("norm")).forward(x);
            case LAYER_NORM -> x.layerNorm(null, null, NORM_EPS);
        };
    }

    private Tensor fakeQuantForward(Tensor input) {
        Tensor xn = normalize(input.dtype() == DType.FLOAT32 ? input : input.to(DType.FLOAT32));
        Tensor w = weight();
        Tensor xq = straightThrough("BitLinear.activationQuant", xn, ActivationQuant.fakeQuantize(signature(), xn, config.activationBound()), strength);
        Tensor wq = straightThrough("BitLinear.weightQuant", w,
                Ternary.fakeQuantize(w, Ternary.scale(w, config.weightMeasure())), strength);
        Tensor y = xq.matmul(wq.mT());
        Tensor b = bias();
        return b == null ? y : y.add(b);
    }

    /**
     * The straight-through estimator: forward {@code v + λ(q - v)} (exactly {@code q} when λ = 1),
     * backward the identity to {@code v}; {@code q} is a constant computed from {@code v} without grad.
     */
    static Tensor straightThrough(String name, Tensor v, Tensor q, double lambda) {
        return Autograd.op(name,
                () -> lambda == 1 ? q : v.detach().add(q.sub(v.detach()).mul(lambda)),
                (g, out, needed) -> new Tensor[] {g},
                (t, out) -> t[0],
                v);
    }

    private Tensor packedForward(Tensor input) {
        try (GradMode g = Autograd.noGrad()) {
            Packed p = currentPacking();
            int[] lead = Arrays.copyOf(input.shape(), input.rank() - 1);
            int rows = Math.toIntExact(input.numel() / inFeatures);
            Tensor xn = normalize(input.detach().to(DType.FLOAT32)).reshape(rows, inFeatures);
            QuantizedActivations qa = ActivationQuant.absmax(xn, config.activationBound());
            Tensor codes = qa.codes();
            int padded = p.weights().cols();
            if (padded != inFeatures) {
                // Zero columns add nothing to the exact sums; I2_S needs whole 128-weight blocks.
                codes = codes.to(DType.FLOAT32).pad(new int[] {0, padded - inFeatures}, 0).to(DType.INT8);
            }
            Tensor acc = TernaryGemm.multiply(p.weights(), codes);
            Tensor y = acc.to(DType.FLOAT32).mul(Tensor.scalar(DType.FLOAT32, p.gamma()).div(qa.scales()));
            Tensor b = bias();
            if (b != null) {
                y = y.add(b.detach());
            }
            int[] outShape = Arrays.copyOf(lead, lead.length + 1);
            outShape[lead.length] = outFeatures;
            return y.reshape(outShape);
        }
    }

    /** The packing of the current weight, remade when the weight tensor or its contents changed. */
    private Packed currentPacking() {
        Tensor w = weight();
        if (packed == null || packed.source() != w || packed.version() != w.storage().version()) {
            TernaryTensor t = ternaryWeight();
            Tensor codes = t.codes();
            int padded = Math.ceilDiv(inFeatures, PackedTernary.I2S.BLOCK) * PackedTernary.I2S.BLOCK;
            if (padded != inFeatures) {
                codes = codes.to(DType.FLOAT32).pad(new int[] {0, padded - inFeatures}, 0).to(DType.INT8);
            }
            packed = new Packed(PackedTernary.i2s(codes), t.scale(), w, w.storage().version());
        }
        return packed;
    }

    @Override
    protected String extraRepr() {
        return "in=" + inFeatures + ", out=" + outFeatures + ", weights=" + config.weightMeasure().name().toLowerCase(java.util.Locale.ROOT)
                + ", Q=" + config.activationBound() + ", norm=" + config.norm().name().toLowerCase(java.util.Locale.ROOT)
                + ", bias=" + config.bias() + (packedInference ? ", packed" : "");
    }
}
