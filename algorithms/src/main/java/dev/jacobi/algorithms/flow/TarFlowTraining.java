package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.optim.Adam;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.nn.train.Trainer;
import dev.jacobi.nn.train.TrainingHistory;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.io.Npy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Trains a {@link TarFlow} on images with {@link Trainer}, as the reference's {@code train.py}: images
 * in [0, 1] are scaled to [−1, 1], every batch gets fresh Gaussian noise of std σ (noise augmentation),
 * class labels are dropped to "no class" (the mean class embedding) with a small probability so the
 * model also learns the unconditional branch that guidance needs, and AdamW follows a cosine schedule.
 * The loss each step reports is the negative log-likelihood of the noisy batch in bits per dimension,
 * in the [−1, 1] space ({@link TarFlow#bitsPerDim}).
 *
 * <pre>{@code
 * TarFlow model = TarFlow.create(TarFlowTraining.digitsConfig(64, 4, 2, 32, true), Generator.seeded(1));
 * TrainingHistory history = TarFlowTraining.trainDigits(model, TarFlowTraining.Settings.of(20, 64, 2e-3),
 *         b -> b.checkpoints(Path.of("out/tarflow"), 5));
 * }</pre>
 *
 * <p><b>Determinism.</b> Batch order, noise and label drops all come from {@link Settings#seed}, so the
 * same initial model, data and settings give bit-identical parameters; the noise generator's position
 * is saved in every checkpoint ({@link Trainer.Builder#trackGenerator}), so a run resumed from one
 * continues bit-identically too (with {@code -Djacobi.simd=false}; see the README on SIMD reruns).
 */
public final class TarFlowTraining {
    private TarFlowTraining() {
    }

    /**
     * Training settings.
     *
     * @param epochs      passes over the data
     * @param batchSize   images per step
     * @param lr          peak learning rate
     * @param minLr       learning rate reached at the last step (cosine annealing)
     * @param warmupSteps steps of linear warm-up before the cosine (0: none)
     * @param weightDecay AdamW's decoupled weight decay
     * @param beta1       AdamW's β1
     * @param beta2       AdamW's β2
     * @param noiseStd    σ of the noise added to every training batch (in the [−1, 1] space)
     * @param labelDrop   probability of replacing a label by "no class" (conditional models only)
     * @param seed        seed of the batch order, the noise and the label drops
     */
    public record Settings(int epochs, int batchSize, double lr, double minLr, long warmupSteps, double weightDecay,
                           double beta1, double beta2, double noiseStd, double labelDrop, long seed) {
        /** Checks the numbers. */
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(lr > 0) || !(minLr >= 0) || minLr > lr || warmupSteps < 0
                    || !(weightDecay >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(noiseStd >= 0)
                    || !(labelDrop >= 0 && labelDrop <= 1)) {
                throw new IllegalArgumentException("TarFlowTraining.Settings: bad values: epochs=" + epochs + ", batchSize="
                        + batchSize + ", lr=" + lr + ", minLr=" + minLr + ", warmupSteps=" + warmupSteps + ", weightDecay="
                        + weightDecay + ", betas=(" + beta1 + ", " + beta2 + "), noiseStd=" + noiseStd + ", labelDrop="
                        + labelDrop);
            }
        }

        /**
         * The reference's recipe (apple/ml-tarflow README) with peak learning rate {@code lr}: AdamW with
         * β = (0.9, 0.95) and weight decay 1e-4, cosine annealing to 1e-6 without warm-up, label drop
         * 0.1, noise σ = 0.1 (the reference's CPU toy; on the digits, whose 17 grey levels lie 0.125
         * apart in [−1, 1], it blurs neighbouring levels into each other), seed 0. The reference uses
         * 1e-4 for its large models and 2e-3 for the small CPU toy.
         */
        public static Settings of(int epochs, int batchSize, double lr) {
            return new Settings(epochs, batchSize, lr, Math.min(1e-6, lr), 0, 1e-4, 0.9, 0.95, 0.1, 0.1, 0);
        }

        /** These settings with another seed. */
        public Settings withSeed(long newSeed) {
            return new Settings(epochs, batchSize, lr, minLr, warmupSteps, weightDecay, beta1, beta2, noiseStd, labelDrop,
                    newSeed);
        }

        /** These settings with another noise std σ. */
        public Settings withNoiseStd(double sigma) {
            return new Settings(epochs, batchSize, lr, minLr, warmupSteps, weightDecay, beta1, beta2, sigma, labelDrop, seed);
        }

        /** These settings with another label drop probability. */
        public Settings withLabelDrop(double p) {
            return new Settings(epochs, batchSize, lr, minLr, warmupSteps, weightDecay, beta1, beta2, noiseStd, p, seed);
        }

        /** These settings with {@code steps} steps of linear warm-up. */
        public Settings withWarmup(long steps) {
            return new Settings(epochs, batchSize, lr, minLr, steps, weightDecay, beta1, beta2, noiseStd, labelDrop, seed);
        }
    }

    /**
     * A float32 model for the 8x8 digits: one channel, patch 2 (T = 16 tokens of D = 4), MLP expansion 4,
     * conditional on the 10 digits or not.
     */
    public static TarFlowConfig digitsConfig(int width, int blocks, int layersPerBlock, int headDim, boolean conditional) {
        return new TarFlowConfig(1, Digits.SIDE, 2, width, blocks, layersPerBlock, headDim, 4,
                conditional ? Digits.CLASSES : 0, DType.FLOAT32);
    }

    /**
     * The images of {@code data} in the model's space: features {@code [N, C·S·S]} or {@code [N, C, S, S]}
     * in [0, 1] become {@code [N, C, S, S]} in [−1, 1] ({@code 2x − 1}) of the model's dtype; labels are kept.
     *
     * @throws IllegalArgumentException when the features do not hold {@code C·S·S} values per example
     */
    public static Dataset images(Dataset data, TarFlowConfig config) {
        int c = config.imageChannels();
        int s = config.imageSize();
        Tensor f = data.features();
        if (f.numel() != (long) f.size(0) * c * s * s) {
            throw new IllegalArgumentException("TarFlowTraining.images: features " + Shapes.format(f.shape())
                    + " do not hold " + c + "x" + s + "x" + s + " images");
        }
        Tensor scaled = f.to(config.dtype()).reshape(f.size(0), c, s, s).mul(2.0).add(-1.0);
        return new Dataset(scaled, data.labels());
    }

    /**
     * An image stack from {@code .npy} files, ready for {@link #train}: {@code images} holds
     * {@code [N, H, W]} (one channel), {@code [N, C, H, W]} or {@code [N, H, W, C]} (C of 1, 3 or 4 last,
     * as images are usually saved), either uint8 (0..255, divided by 255) or floating point in [0, 1];
     * {@code labels} (or null: every label 0) holds {@code [N]} integer class labels. Features come out
     * {@code [N, C, H, W]} float32 in [0, 1].
     *
     * @throws IllegalArgumentException when the arrays have another rank or dtype, floating values leave
     *                                  [0, 1], or the label count differs from N
     * @throws dev.jacobi.tensor.io.TensorFormatException when a file is not a valid {@code .npy} file
     */
    public static Dataset npyImages(Path images, Path labels) {
        Tensor raw = Npy.read(images);
        String source = "TarFlowTraining.npyImages: " + images;
        Tensor x = switch (raw.rank()) {
            case 3 -> raw.unsqueeze(1);
            case 4 -> channelsLast(raw) ? raw.permute(0, 3, 1, 2) : raw;
            default -> throw new IllegalArgumentException(source + " is " + Shapes.format(raw.shape())
                    + "; expected [N, H, W], [N, C, H, W] or [N, H, W, C]");
        };
        Tensor features;
        if (raw.dtype() == DType.INT32 || raw.dtype() == DType.INT8) {
            double min = x.min().to(DType.FLOAT64).item();
            double max = x.max().to(DType.FLOAT64).item();
            if (min < 0 || max > 255) {
                throw new IllegalArgumentException(source + ": integer pixels must lie in 0..255 (uint8), found "
                        + min + ".." + max);
            }
            features = x.to(DType.FLOAT32).div(255.0).contiguous();
        } else if (raw.dtype().isFloatingPoint()) {
            double min = x.min().to(DType.FLOAT64).item();
            double max = x.max().to(DType.FLOAT64).item();
            if (!(min >= 0 && max <= 1)) {
                throw new IllegalArgumentException(source + ": floating-point pixels must lie in [0, 1], found "
                        + min + ".." + max + " (divide by 255 first, or save uint8)");
            }
            features = x.to(DType.FLOAT32).contiguous();
        } else {
            throw new IllegalArgumentException(source + " has dtype " + raw.dtype() + "; expected uint8 or floating point");
        }
        int n = features.size(0);
        Tensor y;
        if (labels == null) {
            y = Tensor.zeros(DType.INT32, n);
        } else {
            Tensor l = Npy.read(labels);
            if (l.rank() != 1 || l.size(0) != n || l.dtype().isFloatingPoint() || l.dtype().isComplex() || l.dtype() == DType.BOOL) {
                throw new IllegalArgumentException("TarFlowTraining.npyImages: labels " + labels + " are " + l.dtype() + " "
                        + Shapes.format(l.shape()) + "; expected " + n + " integer labels [N]");
            }
            y = l.to(DType.INT32);
        }
        return new Dataset(features, y);
    }

    /** Whether a rank-4 stack is {@code [N, H, W, C]}: a last axis of 1, 3 or 4 channels and a second axis that is not. */
    private static boolean channelsLast(Tensor t) {
        int last = t.size(3);
        int second = t.size(1);
        boolean channelCount = last == 1 || last == 3 || last == 4;
        return channelCount && !(second == 1 || second == 3 || second == 4);
    }

    /** {@link #train} on the bundled digits ({@link Digits#load()}), all 1,797 of them. */
    public static TrainingHistory trainDigits(TarFlow model, Settings settings, UnaryOperator<Trainer.Builder> customize) {
        return train(model, Digits.load(), settings, customize);
    }

    /**
     * Trains {@code model} on {@code data} (features images in [0, 1], see {@link #images}; int32 labels,
     * used when the model is conditional).
     *
     * @param customize further settings of the trainer (checkpoints, progress, evaluation, name), or
     *                  {@code b -> b}
     * @return the trainer's history; its step losses are bits per dimension of the noisy batches
     */
    public static TrainingHistory train(TarFlow model, Dataset data, Settings settings, UnaryOperator<Trainer.Builder> customize) {
        Objects.requireNonNull(customize, "TarFlowTraining.train: customize is null (pass b -> b)");
        TarFlowConfig config = model.config();
        Dataset scaled = images(data, config);
        long steps = (long) settings.epochs() * Math.ceilDiv(scaled.size(), settings.batchSize());
        Adam.Options options = Adam.Options.of(settings.lr()).withBetas(settings.beta1(), settings.beta2())
                .withWeightDecay(settings.weightDecay());
        AdamW optimizer = AdamW.of(model.parameters(), options);
        LrSchedule schedule = settings.warmupSteps() > 0
                ? LrSchedule.warmupCosine(settings.lr(), settings.minLr(), settings.warmupSteps(), steps)
                : LrSchedule.cosine(settings.lr(), settings.minLr(), steps);
        // One generator for noise and label drops, separate from the trainer's batch order (which comes
        // from the seed itself), so both streams are fixed by the seed.
        Generator gen = Generator.seeded(settings.seed() ^ 0x7a4f1c3b5e2d9a01L);
        boolean conditional = config.numClasses() > 0;
        Trainer.Builder builder = Trainer.builder(model, optimizer)
                .forward(x -> x) // the loss needs the labels too, so the model runs inside it
                .loss((images, batch) -> {
                    Tensor noisy = images.add(gen.normal(images.dtype(), 0, settings.noiseStd(), images.shape()));
                    int[] labels = conditional ? dropLabels(batch.labels().toIntArray(), settings.labelDrop(), gen) : null;
                    return bitsPerDim(model.forward(model.patchify(noisy), labels));
                })
                .schedule(schedule)
                .epochs(settings.epochs())
                .batchSize(settings.batchSize())
                .seed(settings.seed())
                .name("tarflow")
                .trackGenerator("tarflow.noise", gen);
        return customize.apply(builder).build().fit(scaled);
    }

    /**
     * Negative log-likelihood of {@code data} (images in [0, 1], see {@link #images}) with noise of std
     * {@code noiseStd} drawn from {@code seed} added, in bits per dimension in the [−1, 1] space,
     * averaged over batches of {@code batchSize} weighted by their size; labels used when the model is
     * conditional.
     */
    public static double bitsPerDim(TarFlow model, Dataset data, double noiseStd, int batchSize, long seed) {
        Dataset scaled = images(data, model.config());
        Generator gen = Generator.seeded(seed);
        boolean conditional = model.config().numClasses() > 0;
        double total = 0;
        int n = scaled.size();
        try (var g = Autograd.noGrad()) {
            for (int lo = 0; lo < n; lo += batchSize) {
                int hi = Math.min(n, lo + batchSize);
                Tensor x = scaled.features().slice(0, lo, hi);
                Tensor noisy = x.add(gen.normal(x.dtype(), 0, noiseStd, x.shape()));
                int[] labels = conditional ? scaled.labels().slice(0, lo, hi).toIntArray() : null;
                total += TarFlow.bitsPerDim(model.forward(model.patchify(noisy), labels)) * (hi - lo);
            }
        }
        return total / n;
    }

    /** The differentiable bits per dimension of a forward pass, {@code (loss + ½ log 2π) / ln 2}. */
    static Tensor bitsPerDim(TarFlow.FlowOutput output) {
        return TarFlow.loss(output).add(0.5 * Math.log(2 * Math.PI)).div(Math.log(2));
    }

    /** Each label replaced by −1 ("no class": the mean class embedding) with probability {@code p}. */
    private static int[] dropLabels(int[] labels, double p, Generator gen) {
        if (p == 0) {
            return labels;
        }
        double[] u = gen.uniform(DType.FLOAT64, 0, 1, labels.length).toDoubleArray();
        int[] out = labels.clone();
        for (int i = 0; i < out.length; i++) {
            if (u[i] < p) {
                out[i] = -1;
            }
        }
        return out;
    }
}
