package dev.jacobi.algorithms.compress;

import dev.jacobi.algorithms.wavelet.Wavelet;
import dev.jacobi.algorithms.wavelet.WaveletPacket2D;
import dev.jacobi.nn.Layer;
import dev.jacobi.nn.ModuleList;
import dev.jacobi.nn.layers.Conv2d;
import dev.jacobi.nn.layers.GroupNorm;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * The WaLLoC autoencoder (walloc.md, sections 1-3): for an image batch {@code [N, C, H, W]} with
 * values in [−0.5, 0.5] and H, W multiples of {@code 2^J},
 *
 * <ol>
 *   <li>a {@code J}-level full wavelet packet transform with bior4.4 and periodization
 *       ({@link WaveletPacket2D#toChannels}): {@code C·4^J} channels of {@code H/2^J x W/2^J};</li>
 *   <li>the light encoder, a 1 x 1 convolution to {@code d} latent channels ({@code encoder.*});</li>
 *   <li>the {@link Bottleneck}: uniform noise in training, rounding at inference;</li>
 *   <li>the decoder: a 3 x 3 convolution to the decoder width, residual blocks (GroupNorm, SiLU,
 *       3 x 3 convolution, twice, plus the input), GroupNorm, SiLU and a 3 x 3 convolution back to
 *       {@code C·4^J} channels, all at the latent resolution: a small stand-in for the reference's
 *       diffusers decoder (which adds self-attention and is 768 wide); plus a linear skip path, a 1 x 1
 *       convolution from the latents to the {@code C·4^J} channels ({@code skip.*}), which
 *       {@link #initializeLinear} sets to the back-projection of a PCA encoder;</li>
 *   <li>the inverse packet transform ({@link WaveletPacket2D#fromChannels}), and, outside training, a
 *       clamp to [−0.5, 0.5].</li>
 * </ol>
 *
 * <p><b>Scaling.</b> The bottleneck works on z of the order of its scale s (about 69 for 8 bits). The
 * reference's encoder starts at PyTorch's default initialisation, so its z starts near 0 and only
 * long training (tens of thousands of steps) grows its weights until the latents use their levels.
 * Here the encoder's output is multiplied by s and the decoder reads {@code ẑ / s}: the same functions
 * as the reference's (any weights W there are {@code W / s} here), but with weights of order 1, which
 * suit Adam's step size, so that a few hundred steps train a usable codec.
 *
 * <p>{@link #forward} follows {@link #isTraining()}: in training it draws the bottleneck's noise from
 * the model's own seeded generator and returns the unclamped reconstruction (the reference's loss is
 * the MSE of that); in eval mode it rounds and clamps. {@link #forward(Tensor, Tensor)} takes the noise
 * explicitly (for gradient checks), {@link #latents} and {@link #decode} are the two halves of a codec.
 */
public final class Walloc extends Layer {
    /**
     * The architecture.
     *
     * @param channels       image channels C
     * @param levels         wavelet packet levels J (1..6)
     * @param latentChannels latent channels d
     * @param latentBits     latent bits b (see {@link Bottleneck})
     * @param decoderWidth   channels inside the decoder, a multiple of {@code groups}
     * @param decoderBlocks  residual blocks of the decoder (0 or more)
     * @param groups         GroupNorm groups
     */
    public record Config(int channels, int levels, int latentChannels, int latentBits, int decoderWidth, int decoderBlocks, int groups) {
        /** @throws IllegalArgumentException when a size is out of range or the width does not split into the groups */
        public Config {
            if (channels < 1 || levels < 1 || levels > 6 || latentChannels < 1 || decoderWidth < 1 || decoderBlocks < 0
                    || groups < 1 || decoderWidth % groups != 0) {
                throw new IllegalArgumentException("Walloc.Config: needs C >= 1, 1 <= J <= 6, d >= 1, blocks >= 0 and a decoder width"
                        + " divisible by the groups, got C " + channels + ", J " + levels + ", d " + latentChannels + ", width "
                        + decoderWidth + ", blocks " + decoderBlocks + ", groups " + groups);
            }
            new Bottleneck(latentBits);
        }

        /** RGB, J = 3 (192 packet channels), 8-bit latents, a 64-wide decoder with 2 residual blocks: the tour's size. */
        public static Config rgb(int latentChannels) {
            return new Config(3, 3, latentChannels, 8, 64, 2, 8);
        }

        /** Channels after the packet transform, {@code C·4^J}. */
        public int packetChannels() {
            return channels << (2 * levels);
        }

        /** The side of the pixel block one latent position covers, {@code 2^J}. */
        public int blockSize() {
            return 1 << levels;
        }

        /** The dimensionality reduction {@code C·4^J / d} (DR in the paper). */
        public double dimensionReduction() {
            return (double) packetChannels() / latentChannels;
        }
    }

    private final Config config;
    private final Bottleneck bottleneck;
    private final Wavelet wavelet = Wavelet.named("bior4.4");
    private final Generator noise;
    private final Conv2d encoder;
    private final Conv2d decoderIn;
    private final ModuleList<ResidualBlock> blocks = new ModuleList<>();
    private final GroupNorm decoderNorm;
    private final Conv2d decoderOut;
    private final Conv2d skip;

    private Walloc(Config config, Generator gen) {
        this.config = config;
        this.bottleneck = new Bottleneck(config.latentBits());
        this.noise = gen.fork();
        int packet = config.packetChannels();
        int width = config.decoderWidth();
        this.encoder = registerModule("encoder", Conv2d.of(packet, config.latentChannels(), 1, gen));
        this.decoderIn = registerModule("decoder_in", Conv2d.builder(config.latentChannels(), width, 3).padding(1).build(gen));
        registerModule("blocks", blocks);
        for (int i = 0; i < config.decoderBlocks(); i++) {
            blocks.add(new ResidualBlock(width, config.groups(), gen));
        }
        this.decoderNorm = registerModule("decoder_norm", GroupNorm.of(config.groups(), width));
        this.decoderOut = registerModule("decoder_out", Conv2d.builder(width, packet, 3).padding(1).build(gen));
        this.skip = registerModule("skip", Conv2d.of(config.latentChannels(), packet, 1, gen));
    }

    /** A float32 model with PyTorch's default initialisation from {@code gen}. */
    public static Walloc create(Config config, Generator gen) {
        return new Walloc(config, gen);
    }

    /** The architecture. */
    public Config config() {
        return config;
    }

    /** The bottleneck. */
    public Bottleneck bottleneck() {
        return bottleneck;
    }

    /** The number of parameters of the encoder (the 1 x 1 convolution), the part a sender runs. */
    public long encoderParameters() {
        return encoder.numParameters();
    }

    /**
     * Initialises the codec's linear path from data, so that short training starts from the best linear
     * codec instead of from noise: the encoder becomes the projection on the {@code d} principal
     * directions of {@code x}'s packet coefficients (the eigenvectors of their covariance with the
     * largest eigenvalues), the linear skip path of the decoder the matching back-projection plus the
     * mean, and the last convolution of the nonlinear decoder zero, so that the model starts as PCA
     * truncated to {@code d} components and its residual blocks learn corrections from there.
     *
     * <p>All components share one scale S ({@code y_k = v_k·(X − μ) / S} enters the bottleneck), because
     * equal quantisation steps on every component minimise the squared error for the rate (reverse
     * water-filling); S makes the step at the centre of the bottleneck, {@code S / (m √(2/π))} in
     * coefficient units, so coarse that rounding adds about an eighth of the truncation error
     * ({@code d Δ²/12 = tail/8}, tail = the variance of the dropped components), but never below the
     * first component's standard deviation, which keeps the largest component inside the bottleneck's
     * range (|y| up to 3.7 before its clip).
     *
     * @param x a batch {@code [N, C, H, W]} in [−0.5, 0.5] (training crops), with at least two latent positions
     * @return the fraction of the coefficients' variance that the {@code d} directions keep
     * @throws IllegalArgumentException when {@code x} has the wrong shape or too few positions
     */
    public double initializeLinear(Tensor x) {
        int p = config.packetChannels();
        double[] c;
        try (var g = Autograd.noGrad()) {
            c = analysis(x).permute(0, 2, 3, 1).to(DType.FLOAT64).contiguous().toDoubleArray();
        }
        int n = c.length / p;
        if (n < 2) {
            throw new IllegalArgumentException("Walloc.initializeLinear: needs at least 2 latent positions, got " + n + " from "
                    + Shapes.format(x.shape()));
        }
        double[] mean = new double[p];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < p; i++) {
                mean[i] += c[r * p + i];
            }
        }
        for (int i = 0; i < p; i++) {
            mean[i] /= n;
        }
        double[][] cov = new double[p][p];
        double[] centred = new double[p];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < p; i++) {
                centred[i] = c[r * p + i] - mean[i];
            }
            for (int i = 0; i < p; i++) {
                double ci = centred[i];
                double[] row = cov[i];
                for (int j = i; j < p; j++) {
                    row[j] += ci * centred[j];
                }
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                cov[i][j] /= n - 1;
                cov[j][i] = cov[i][j];
            }
        }
        SymmetricEigen eigen = SymmetricEigen.of(cov);
        int d = config.latentChannels();
        int kept = Math.min(d, p);
        double total = 0;
        double tail = 0;
        for (int k = 0; k < p; k++) {
            double v = Math.max(eigen.values()[k], 0);
            total += v;
            if (k >= kept) {
                tail += v;
            }
        }
        double first = Math.sqrt(Math.max(eigen.values()[0], 0));
        double step = Math.sqrt(1.5 * tail / d); // d Δ²/12 = tail / 8
        double scale = Math.max(step * bottleneck.halfWidth() * Math.sqrt(2 / Math.PI), first);
        if (!(scale > 0)) {
            scale = 1; // constant data: any scale codes it exactly
        }
        double[] we = new double[d * p];
        double[] be = new double[d];
        double[] ws = new double[p * d];
        for (int k = 0; k < kept; k++) {
            double[] v = eigen.vectors()[k];
            double dot = 0;
            for (int i = 0; i < p; i++) {
                we[k * p + i] = v[i] / scale;
                ws[i * d + k] = v[i] * scale;
                dot += v[i] * mean[i];
            }
            be[k] = -dot / scale;
        }
        try (var g = Autograd.noGrad()) {
            encoder.weight().copyFrom(Tensor.of(we, d, p, 1, 1));
            encoder.bias().copyFrom(Tensor.of(be, d));
            skip.weight().copyFrom(Tensor.of(ws, p, d, 1, 1));
            skip.bias().copyFrom(Tensor.of(mean, p));
            decoderOut.weight().fill(0);
            decoderOut.bias().fill(0);
        }
        return total > 0 ? 1 - tail / total : 1;
    }

    /** The packet coefficients {@code [N, C·4^J, H/2^J, W/2^J]} of {@code x} {@code [N, C, H, W]}. */
    public Tensor analysis(Tensor x) {
        check("Walloc.analysis", x);
        return WaveletPacket2D.toChannels(x, wavelet, config.levels());
    }

    /**
     * The unbounded latent z {@code [N, d, H/2^J, W/2^J]}: the packet transform and the 1 x 1 encoder,
     * {@code z = s (W X + b)}.
     */
    public Tensor encode(Tensor x) {
        return encoder.forward(analysis(x)).mul(bottleneck.scale());
    }

    /**
     * The rounded latent levels of {@code x} (integer values in {@code [−maxLevel, maxLevel]}, in x's
     * float type), {@code [N, d, H/2^J, W/2^J]}: what a codec stores.
     */
    public Tensor latents(Tensor x) {
        return bottleneck.round(bottleneck.toUniform(encode(x)));
    }

    /** The reconstruction from latent levels, clamped to [−0.5, 0.5]: {@code [N, C, H, W]}. */
    public Tensor decode(Tensor levels) {
        return synthesis(levels).clamp(-0.5, 0.5);
    }

    /**
     * The training pass with explicit noise: {@code synthesis(toUniform(encode(x)) + noise)}, unclamped.
     *
     * @param noise the bottleneck's noise, {@code [N, d, H/2^J, W/2^J]}, normally uniform on [−½, ½)
     */
    public Tensor forward(Tensor x, Tensor noise) {
        Tensor u = bottleneck.toUniform(encode(x));
        if (!java.util.Arrays.equals(u.shape(), noise.shape())) {
            throw new IllegalArgumentException("Walloc.forward: noise must be " + Shapes.format(u.shape()) + ", got "
                    + Shapes.format(noise.shape()));
        }
        return synthesis(u.add(noise));
    }

    /**
     * In training, the pass with fresh noise from the model's generator (unclamped); otherwise
     * {@code decode(latents(x))}.
     */
    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining()) {
            return decode(latents(x));
        }
        Tensor u = bottleneck.toUniform(encode(x));
        return synthesis(bottleneck.addNoise(u, noise));
    }

    /** ToNormal, the decoder and the inverse packet transform, unclamped. */
    private Tensor synthesis(Tensor u) {
        Tensor y = bottleneck.toNormal(u).mul(1 / bottleneck.scale());
        Tensor h = decoderIn.forward(y);
        for (ResidualBlock b : blocks) {
            h = b.forward(h);
        }
        Tensor coefficients = decoderOut.forward(decoderNorm.forward(h).silu()).add(skip.forward(y));
        return WaveletPacket2D.fromChannels(coefficients, wavelet, config.levels());
    }

    private void check(String op, Tensor x) {
        int[] s = x.shape();
        int block = config.blockSize();
        if (s.length != 4 || s[1] != config.channels() || s[2] % block != 0 || s[3] % block != 0 || s[2] == 0 || s[3] == 0) {
            throw new IllegalArgumentException(op + ": expected [N, " + config.channels() + ", H, W] with H, W positive multiples of "
                    + block + ", got " + Shapes.format(s));
        }
    }

    /** GroupNorm, SiLU, 3 x 3 convolution, twice, plus the input. */
    static final class ResidualBlock extends Layer {
        private final GroupNorm norm1;
        private final Conv2d conv1;
        private final GroupNorm norm2;
        private final Conv2d conv2;

        ResidualBlock(int width, int groups, Generator gen) {
            norm1 = registerModule("norm1", GroupNorm.of(groups, width));
            conv1 = registerModule("conv1", Conv2d.builder(width, width, 3).padding(1).build(gen));
            norm2 = registerModule("norm2", GroupNorm.of(groups, width));
            conv2 = registerModule("conv2", Conv2d.builder(width, width, 3).padding(1).build(gen));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = conv1.forward(norm1.forward(x).silu());
            return x.add(conv2.forward(norm2.forward(h).silu()));
        }
    }
}
