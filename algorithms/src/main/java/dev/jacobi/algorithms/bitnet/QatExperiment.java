package dev.jacobi.algorithms.bitnet;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Sequential;
import dev.jacobi.nn.data.Batches;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.data.TrainingProgress;
import dev.jacobi.nn.layers.Embedding;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.nn.layers.ReLU;
import dev.jacobi.nn.loss.Losses;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.nn.train.Metrics;
import dev.jacobi.nn.train.Trainer;
import dev.jacobi.nn.train.TrainingHistory;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The small-scale reproduction of BitNet b1.58 Reloaded's comparison: the same small networks trained
 * in full precision and with 1.58-bit quantization-aware training ({@link BitLinear}), at hidden size
 * {@code h} and {@code 2h}, on real data:
 * <ul>
 *   <li>an MLP classifier 64-h-h-10 (ReLU) on the bundled 8x8 digits (stratified 80/20 split), measured
 *       by held-out accuracy;</li>
 *   <li>a character-level language model on the bundled Book of Genesis ({@link CharCorpus#genesis()}):
 *       the previous {@code context} characters embedded, concatenated, then {@code h-h} (ReLU) and a
 *       softmax over the characters (Bengio et al.'s neural LM at character level); trained on the first
 *       90% of the text, measured by perplexity per character on the last 10%.</li>
 * </ul>
 * As in BitNet, only the hidden linear layers are quantized: embeddings and the output head stay in
 * full precision. Every variant of a task starts from the same seed and sees the same batches; all use
 * AdamW with a warm-up/cosine learning rate and weight decay on the (latent) weights
 * ({@link QatOptimizers}).
 */
public final class QatExperiment {
    private static final String ACCURACY = "test accuracy";

    private QatExperiment() {
    }

    /** How the hidden linear layers compute. */
    public enum Precision {
        /** Plain float32 {@link Linear} layers: the baseline. */
        FP32("fp32"),
        /** {@link BitLinear} with the absmean scale (BitNet b1.58). */
        ABSMEAN("1.58-bit absmean"),
        /** {@link BitLinear} with the lower-median scale (Reloaded). */
        ABSMEDIAN("1.58-bit absmedian");

        private final String label;

        Precision(String label) {
            this.label = label;
        }

        /** A short name for tables. */
        public String label() {
            return label;
        }

        /** A hidden linear layer of this precision, with a bias (the baseline's usual form). */
        public Layer linear(int in, int out, Generator gen) {
            return switch (this) {
                case FP32 -> Linear.of(in, out, gen);
                case ABSMEAN -> BitLinear.of(in, out, BitLinear.Config.bitnet158().withBias(true), gen);
                case ABSMEDIAN -> BitLinear.of(in, out, BitLinear.Config.bitnet158().withMeasure(Ternary.Measure.ABSMEDIAN).withBias(true), gen);
            };
        }
    }

    /** The two tasks. */
    public enum Task {
        /** The 8x8 digits classifier; metric: held-out accuracy (higher is better). */
        DIGITS,
        /** The character-level language model; metric: held-out perplexity per character (lower is better). */
        CHAR_LM
    }

    /**
     * Sizes and lengths of the experiment.
     *
     * @param digitsHidden h of the digits MLP
     * @param digitsEpochs its epochs (batch 64)
     * @param lmHidden     h of the language model
     * @param lmContext    characters of context
     * @param lmEmbed      embedding width per character
     * @param lmStride     every lmStride-th position of the training text is an example
     * @param lmEpochs     epochs over those examples (batch 128)
     * @param lr           the peak learning rate (both tasks, all precisions)
     * @param weightDecay  the AdamW weight decay on the hidden and head weights
     * @param precisions   the variants to train
     * @param seed         the seed of initializations, splits and batch order
     */
    public record Settings(int digitsHidden, int digitsEpochs, int lmHidden, int lmContext, int lmEmbed, int lmStride, int lmEpochs,
                           double lr, double weightDecay, List<Precision> precisions, long seed) {
        /** @throws IllegalArgumentException for a non-positive size or length */
        public Settings {
            if (digitsHidden < 1 || digitsEpochs < 1 || lmHidden < 1 || lmContext < 1 || lmEmbed < 1 || lmStride < 1 || lmEpochs < 1
                    || !(lr > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("QatExperiment.Settings: sizes, lengths and the learning rate must be positive, got " + this);
            }
            precisions = List.copyOf(precisions);
        }

        /** About a minute on 2 cores for all twelve runs. */
        public static Settings quick(long seed) {
            return new Settings(32, 30, 64, 16, 12, 4, 2, 1e-2, 0.01, List.of(Precision.values()), seed);
        }

        /** Longer training of wider models. */
        public static Settings full(long seed) {
            return new Settings(64, 60, 128, 24, 16, 1, 3, 1e-2, 0.01, List.of(Precision.values()), seed);
        }

        /** These settings with other precisions. */
        public Settings withPrecisions(List<Precision> ps) {
            return new Settings(digitsHidden, digitsEpochs, lmHidden, lmContext, lmEmbed, lmStride, lmEpochs, lr, weightDecay, ps, seed);
        }

        /** These settings with another learning rate and weight decay. */
        public Settings withOptimizer(double newLr, double newWeightDecay) {
            return new Settings(digitsHidden, digitsEpochs, lmHidden, lmContext, lmEmbed, lmStride, lmEpochs, newLr, newWeightDecay, precisions, seed);
        }
    }

    /**
     * One trained model.
     *
     * @param task       which task
     * @param precision  which precision
     * @param hidden     its hidden size
     * @param parameters its number of parameters (latent weights counted once)
     * @param metric     held-out accuracy (digits) or perplexity per character (language model)
     * @param history    the training losses per step and per epoch
     * @param seconds    training and evaluation time
     * @param model      the trained model (in training mode)
     */
    public record Run(Task task, Precision precision, int hidden, long parameters, double metric, TrainingHistory history, double seconds,
                      Layer model) {
    }

    /** Runs every task, precision and hidden size ({@code h}, then {@code 2h}) of {@code settings}, digits first. */
    public static List<Run> runAll(Settings settings) {
        List<Run> runs = new ArrayList<>();
        Dataset.Split digits = Digits.load().stratifiedSplit(0.2, settings.seed());
        for (int hidden : new int[] {settings.digitsHidden(), 2 * settings.digitsHidden()}) {
            for (Precision p : settings.precisions()) {
                runs.add(digits(p, hidden, digits, settings));
            }
        }
        CharCorpus corpus = CharCorpus.genesis();
        for (int hidden : new int[] {settings.lmHidden(), 2 * settings.lmHidden()}) {
            for (Precision p : settings.precisions()) {
                runs.add(charLm(p, hidden, corpus, settings));
            }
        }
        return runs;
    }

    /** The digits MLP 64-h-h-10 with hidden layers of precision {@code p} and a float32 head. */
    public static Sequential mlpClassifier(Precision p, int hidden, Generator gen) {
        return Sequential.of(p.linear(Digits.PIXELS, hidden, gen), ReLU.create(), p.linear(hidden, hidden, gen), ReLU.create(),
                Linear.of(hidden, Digits.CLASSES, gen));
    }

    /** Trains and measures the digits MLP. */
    public static Run digits(Precision p, int hidden, Dataset.Split split, Settings s) {
        long start = System.nanoTime();
        Sequential model = mlpClassifier(p, hidden, Generator.seeded(s.seed()));
        int batch = 64;
        long steps = (long) s.digitsEpochs() * Math.ceilDiv(split.train().size(), batch);
        TrainingHistory h = Trainer.builder(model, QatOptimizers.adamW(model, s.lr(), s.weightDecay()))
                .loss((out, b) -> Losses.crossEntropy(out, b.labels()))
                .schedule(LrSchedule.warmupCosine(s.lr(), s.lr() / 100, Math.max(1, steps / 20), steps))
                .epochs(s.digitsEpochs())
                .batchSize(batch)
                .seed(s.seed())
                .evaluate(epoch -> Map.of(ACCURACY, Metrics.accuracy(model, split.test(), 512)))
                .progress(TrainingProgress.Output.QUIET)
                .name("digits " + p.label() + " h=" + hidden)
                .build()
                .fit(split.train());
        return new Run(Task.DIGITS, p, hidden, model.numParameters(), h.finalMetrics().get(ACCURACY), h, seconds(start), model);
    }

    /**
     * The character model: embedding {@code [vocab, embed]} of each of {@code context} characters,
     * concatenated, then hidden layers {@code context·embed - h - h} (ReLU) of precision {@code p}, and a
     * float32 head {@code h - vocab}. Input: INT32 ids {@code [batch, context]}; output: logits
     * {@code [batch, vocab]}.
     */
    public static Layer charModel(Precision p, int vocab, int context, int embed, int hidden, Generator gen) {
        return new CharMlp(p, vocab, context, embed, hidden, gen);
    }

    /** Trains the character model on the first 90% of {@code corpus} and measures it on the rest. */
    public static Run charLm(Precision p, int hidden, CharCorpus corpus, Settings s) {
        long start = System.nanoTime();
        int cut = corpus.length() * 9 / 10;
        Dataset train = corpus.windows(s.lmContext(), 0, cut, s.lmStride());
        Dataset test = corpus.windows(s.lmContext(), cut, corpus.length(), 1);
        Layer model = charModel(p, corpus.vocabularySize(), s.lmContext(), s.lmEmbed(), hidden, Generator.seeded(s.seed()));
        int batch = 128;
        long steps = (long) s.lmEpochs() * Math.ceilDiv(train.size(), batch);
        TrainingHistory h = Trainer.builder(model, QatOptimizers.adamW(model, s.lr(), s.weightDecay()))
                .loss((out, b) -> Losses.crossEntropy(out, b.labels()))
                .schedule(LrSchedule.warmupCosine(s.lr(), s.lr() / 100, Math.max(1, steps / 20), steps))
                .epochs(s.lmEpochs())
                .batchSize(batch)
                .seed(s.seed())
                .progress(TrainingProgress.Output.QUIET)
                .name("char LM " + p.label() + " h=" + hidden)
                .build()
                .fit(train);
        double perplexity = Math.exp(meanCrossEntropy(model, test, 1024));
        return new Run(Task.CHAR_LM, p, hidden, model.numParameters(), perplexity, h, seconds(start), model);
    }

    /** The mean cross-entropy (nats) of {@code model} on {@code data}, in evaluation mode, without gradients. */
    public static double meanCrossEntropy(Layer model, Dataset data, int batchSize) {
        double sum = 0;
        try (GradMode g = Autograd.noGrad()) {
            Batches batches = Batches.inOrder(data, batchSize);
            for (int b = 0; b < batches.count(); b++) {
                try (Scope scope = Scope.open()) {
                    Dataset part = data.batch(batches.indices(b));
                    sum += Losses.crossEntropy(model.forward(part.features()), part.labels()).item() * part.size();
                }
            }
        }
        return sum / data.size();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The character model of {@link #charModel}. */
    private static final class CharMlp extends Layer {
        private final int context;
        private final int embed;
        private final Embedding embedding;
        private final Sequential body;

        CharMlp(Precision p, int vocab, int context, int embed, int hidden, Generator gen) {
            this.context = context;
            this.embed = embed;
            this.embedding = registerModule("embed", Embedding.of(vocab, embed, gen));
            this.body = registerModule("body", Sequential.of(p.linear(context * embed, hidden, gen), ReLU.create(),
                    p.linear(hidden, hidden, gen), ReLU.create(), Linear.of(hidden, vocab, gen)));
        }

        @Override
        public Tensor forward(Tensor ids) {
            Objects.requireNonNull(ids, "CharMlp: ids");
            if (ids.rank() != 2 || ids.size(1) != context) {
                throw new IllegalArgumentException("CharMlp: ids must be [batch, " + context + "], got " + java.util.Arrays.toString(ids.shape()));
            }
            return body.forward(embedding.forward(ids).reshape(ids.size(0), context * embed));
        }

        @Override
        protected String extraRepr() {
            return "context=" + context + ", embed=" + embed;
        }
    }
}
