package dev.jacobi.nn.train;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Module;
import dev.jacobi.nn.data.Batches;
import dev.jacobi.nn.data.Checkpoints;
import dev.jacobi.nn.data.Checkpoints.Checkpoint;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.TrainingProgress;
import dev.jacobi.nn.optim.GradClip;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.nn.optim.LrScheduler;
import dev.jacobi.nn.optim.Optimizer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A small training loop: epochs of seeded shuffled mini-batches ({@link Batches#shuffled(Dataset, int,
 * long, long, boolean)}), one optimizer step per batch, an optional learning-rate schedule and gradient
 * clipping, a progress bar with rate, ETA and loss ({@link TrainingProgress}), an evaluation per epoch,
 * and checkpoints every few epochs that a later run resumes from.
 *
 * <pre>{@code
 * MLP model = MLP.of(new int[] {64, 256, 10}, ReLU::create, Generator.seeded(1));
 * TrainingHistory history = Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(1e-3)))
 *         .loss((out, batch) -> Losses.crossEntropy(out, batch.labels()))
 *         .epochs(20).batchSize(64).seed(7)
 *         .evaluate(epoch -> Map.of("test accuracy", Metrics.accuracy(model, test, 256)))
 *         .checkpoints(Path.of("out/run"), 5)
 *         .build()
 *         .fit(train);
 * }</pre>
 *
 * <p><b>One step</b> runs inside its own {@link Scope}: the batch is gathered, the model's output and
 * the loss computed, the loss backpropagated, the gradients clipped, the optimizer stepped and the
 * gradients dropped, and then the scope frees every tensor the step made. Only the loss value survives
 * (as a {@code double}); parameters change in place and optimizer state lives outside scopes, so memory
 * stays flat however long training runs.
 *
 * <p><b>Determinism.</b> The batches of epoch {@code e} depend only on the seed, {@code e} and the
 * dataset's size, so the same model initialisation, data and seed give bit-identical parameters. (A
 * model that draws random numbers itself, such as dropout, must be seeded by its owner.)
 *
 * <p><b>Checkpoints</b> ({@link Builder#checkpoints}) are written with
 * {@link Checkpoints#saveNumbered} after every {@code k}-th epoch and after the last. Each holds the
 * model's state dict (names prefixed {@code model.}), the optimizer's ({@code optimizer.}), the
 * history so far ({@code history.}), the step, the number of completed epochs as its epoch, and the
 * last loss. With resuming on (the default), {@link #fit} first loads the latest checkpoint in the
 * folder and continues from the epoch after it; since the batches, the learning rate and the optimizer
 * state depend only on the step and epoch, the result is bit-identical to a run that was never
 * interrupted.
 */
public final class Trainer {
    /** Prefix of the model's tensors in a checkpoint. */
    public static final String MODEL_PREFIX = "model.";
    /** Prefix of the optimizer's tensors in a checkpoint. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String HISTORY_LOSS = "history.loss";
    private static final String HISTORY_EPOCH_LOSS = "history.epoch_loss";
    private static final String HISTORY_EPOCH_SECONDS = "history.epoch_seconds";
    private static final String HISTORY_METRIC = "history.metric.";
    private static final String SEED = "trainer.seed";
    private static final String BATCH_SIZE = "trainer.batch_size";
    private static final String DROP_LAST = "trainer.drop_last";
    private static final String GENERATOR_PREFIX = "trainer.generator.";

    private final Module model;
    private final UnaryOperator<Tensor> forward;
    private final LossFunction loss;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double maxGradNorm;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final boolean dropLast;
    private final EpochEvaluator evaluator;
    private final Path checkpointDir;
    private final int checkpointEvery;
    private final int keepCheckpoints;
    private final boolean resume;
    private final TrainingProgress.Output progress;
    private final String name;
    private final Map<String, Generator> generators;

    private Trainer(Builder b) {
        this.model = b.model;
        this.forward = b.forward;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.maxGradNorm = b.maxGradNorm;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.evaluator = b.evaluator;
        this.checkpointDir = b.checkpointDir;
        this.checkpointEvery = b.checkpointEvery;
        this.keepCheckpoints = b.keepCheckpoints;
        this.resume = b.resume;
        this.progress = b.progress;
        this.name = b.name;
        this.generators = Map.copyOf(b.generators);
    }

    /**
     * Starts a trainer of {@code model} whose parameters {@code optimizer} updates. The model's
     * forward is {@link Layer#forward} when it is a {@link Layer}; otherwise give one with
     * {@link Builder#forward}. A {@link Builder#loss} is required.
     */
    public static Builder builder(Module model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /** The settings of a {@link Trainer}; every setter returns this builder. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private UnaryOperator<Tensor> forward;
        private LossFunction loss;
        private LrSchedule schedule;
        private double maxGradNorm = Double.NaN;
        private int epochs = 1;
        private int batchSize = 32;
        private long seed;
        private boolean dropLast;
        private EpochEvaluator evaluator;
        private Path checkpointDir;
        private int checkpointEvery = 1;
        private int keepCheckpoints = 2;
        private boolean resume = true;
        private TrainingProgress.Output progress = TrainingProgress.Output.AUTO;
        private String name = "training";
        private final Map<String, Generator> generators = new LinkedHashMap<>();

        private Builder(Module model, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "Trainer: model is null");
            this.optimizer = Objects.requireNonNull(optimizer, "Trainer: optimizer is null");
            if (model instanceof Layer layer) {
                forward = layer;
            }
        }

        /**
         * A generator the loss or forward draws from (noise, dropout masks, label drops), saved in every
         * checkpoint and moved back to the saved position on resume, so that a resumed run draws the
         * same values as an unbroken one. {@code name} keys it in the checkpoint.
         *
         * @throws IllegalArgumentException when {@code name} is already tracked
         */
        public Builder trackGenerator(String name, Generator generator) {
            Objects.requireNonNull(generator, "Trainer.trackGenerator: generator is null");
            if (generators.putIfAbsent(Objects.requireNonNull(name, "Trainer.trackGenerator: name is null"), generator) != null) {
                throw new IllegalArgumentException("Trainer.trackGenerator: a generator named '" + name + "' is already tracked");
            }
            return this;
        }

        /** How to compute the model's output from a batch's features (default: the layer's forward). */
        public Builder forward(UnaryOperator<Tensor> forward) {
            this.forward = Objects.requireNonNull(forward, "Trainer.forward: null");
            return this;
        }

        /** The loss of a batch (required). */
        public Builder loss(LossFunction loss) {
            this.loss = Objects.requireNonNull(loss, "Trainer.loss: null");
            return this;
        }

        /** The learning rate of each step, applied through an {@link LrScheduler} (default: the optimizer's own, unchanged). */
        public Builder schedule(LrSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "Trainer.schedule: null");
            return this;
        }

        /**
         * Clips the gradients' total Euclidean norm to {@code maxNorm} before each step
         * ({@link GradClip#clipNorm(List, double)}); default: no clipping.
         *
         * @throws IllegalArgumentException when {@code maxNorm} is not positive and finite
         */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("Trainer.clipGradNorm: max norm must be positive and finite, got " + maxNorm);
            }
            this.maxGradNorm = maxNorm;
            return this;
        }

        /**
         * The number of epochs to train in all (default 1); a resumed run trains the remaining ones.
         *
         * @throws IllegalArgumentException when {@code epochs < 1}
         */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("Trainer.epochs: must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /**
         * Examples per step (default 32).
         *
         * @throws IllegalArgumentException when {@code batchSize < 1}
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("Trainer.batchSize: must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** The seed of the batch order (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to leave out each epoch's last, smaller batch (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Measures the model after every epoch (default: nothing); see {@link EpochEvaluator}. */
        public Builder evaluate(EpochEvaluator evaluator) {
            this.evaluator = Objects.requireNonNull(evaluator, "Trainer.evaluate: null");
            return this;
        }

        /**
         * Writes a checkpoint to {@code directory} after every {@code everyEpochs}-th epoch and after the
         * last (default: none), keeping the latest {@link #keepCheckpoints} (2 by default).
         *
         * @throws IllegalArgumentException when {@code everyEpochs < 1}
         */
        public Builder checkpoints(Path directory, int everyEpochs) {
            if (everyEpochs < 1) {
                throw new IllegalArgumentException("Trainer.checkpoints: every must be >= 1 epoch, got " + everyEpochs);
            }
            this.checkpointDir = Objects.requireNonNull(directory, "Trainer.checkpoints: null directory");
            this.checkpointEvery = everyEpochs;
            return this;
        }

        /**
         * How many checkpoints to keep in the folder (default 2).
         *
         * @throws IllegalArgumentException when {@code keep < 1}
         */
        public Builder keepCheckpoints(int keep) {
            if (keep < 1) {
                throw new IllegalArgumentException("Trainer.keepCheckpoints: must be >= 1, got " + keep);
            }
            this.keepCheckpoints = keep;
            return this;
        }

        /** Whether {@link #fit} continues from the latest checkpoint in the folder (default true). */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Where the progress bar draws (default {@link TrainingProgress.Output#AUTO}). */
        public Builder progress(TrainingProgress.Output output) {
            this.progress = Objects.requireNonNull(output, "Trainer.progress: null");
            return this;
        }

        /** The progress bar's label (default {@code training}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "Trainer.name: null");
            return this;
        }

        /**
         * The trainer.
         *
         * @throws IllegalStateException when no loss was given, or no forward for a model that is not a {@link Layer}
         */
        public Trainer build() {
            if (loss == null) {
                throw new IllegalStateException("Trainer.build: no loss function; call loss(...)");
            }
            if (forward == null) {
                throw new IllegalStateException("Trainer.build: " + model.getClass().getSimpleName()
                        + " is not a Layer; say how to run it with forward(...)");
            }
            return new Trainer(this);
        }
    }

    /**
     * Trains on {@code train} for the configured epochs (the remaining ones after a checkpoint) and
     * returns what happened. The model is left in training mode.
     *
     * @throws IllegalStateException    when the loss is not a scalar that depends on the parameters, the
     *                                  evaluator's metric names change, or the checkpoint to resume from
     *                                  was written with another seed, batch size or batch dropping
     * @throws IllegalArgumentException when the checkpoint's tensors do not fit the model or optimizer, or
     *                                  the dataset gives no batch
     */
    public TrainingHistory fit(Dataset train) {
        long start = System.nanoTime();
        List<Double> losses = new ArrayList<>();
        List<TrainingHistory.EpochSummary> done = new ArrayList<>();
        long step = 0;
        Optional<Path> latest = checkpointDir != null && resume ? Checkpoints.latest(checkpointDir) : Optional.empty();
        if (latest.isPresent()) {
            step = restore(latest.get(), losses, done);
        }
        long resumedFrom = step;
        LrScheduler scheduler = schedule == null ? null : LrScheduler.of(optimizer, schedule);
        if (scheduler != null) {
            scheduler.setStep(step);
        }
        int batchesPerEpoch = dropLast ? train.size() / batchSize : Math.ceilDiv(train.size(), batchSize);
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("Trainer.fit: no batches: " + train.size() + " examples, batch size " + batchSize
                    + (dropLast ? " with the last smaller batch dropped" : ""));
        }
        model.train();
        try (TrainingProgress bar = TrainingProgress.start(name, (long) (epochs - done.size()) * batchesPerEpoch, progress)) {
            for (int epoch = done.size(); epoch < epochs; epoch++) {
                long epochStart = System.nanoTime();
                Iterator<Dataset> batches;
                try (Scope scope = Scope.open()) {
                    // The permutation tensor is read into the Batches' own array: free it now, not at the next GC.
                    batches = Batches.shuffled(train, batchSize, seed, epoch, dropLast).iterator();
                }
                double sum = 0;
                int count = 0;
                while (batches.hasNext()) {
                    double value = step(batches);
                    losses.add(value);
                    sum += value;
                    count++;
                    step++;
                    if (scheduler != null) {
                        scheduler.step();
                    }
                    bar.step(value);
                }
                double seconds = (System.nanoTime() - epochStart) * 1e-9;
                done.add(new TrainingHistory.EpochSummary(epoch, sum / count, evaluate(epoch, done), seconds));
                if (checkpointDir != null && ((epoch + 1) % checkpointEvery == 0 || epoch + 1 == epochs)) {
                    save(step, losses, done);
                }
            }
        }
        return new TrainingHistory(losses, done, resumedFrom, step - resumedFrom, (System.nanoTime() - start) * 1e-9);
    }

    /** One optimizer step on the next batch, inside its own scope; returns the batch's loss. */
    private double step(Iterator<Dataset> batches) {
        try (Scope scope = Scope.open()) {
            Dataset batch = batches.next();
            Tensor value = loss.loss(forward.apply(batch.features()), batch);
            if (value.numel() != 1) {
                throw new IllegalStateException("Trainer: the loss must be a scalar, got shape " + Shapes.format(value.shape()));
            }
            if (!value.requiresGrad()) {
                throw new IllegalStateException("Trainer: the loss does not depend on any parameter that requires grad");
            }
            double result = value.item();
            value.reshape().backward();
            if (!Double.isNaN(maxGradNorm)) {
                GradClip.clipNorm(optimizer.parameters(), maxGradNorm);
            }
            optimizer.step();
            // Gradients live in this scope: drop every reference before it frees them.
            optimizer.zeroGrad();
            model.zeroGrad();
            return result;
        }
    }

    private Map<String, Double> evaluate(int epoch, List<TrainingHistory.EpochSummary> done) {
        if (evaluator == null) {
            return Map.of();
        }
        Map<String, Double> metrics;
        model.eval();
        try (GradMode g = Autograd.noGrad(); Scope scope = Scope.open()) {
            metrics = new LinkedHashMap<>(evaluator.evaluate(epoch));
        } finally {
            model.train();
        }
        if (!done.isEmpty() && !done.getFirst().metrics().keySet().equals(metrics.keySet())) {
            throw new IllegalStateException("Trainer: the evaluator gave metrics " + metrics.keySet() + " after epoch " + epoch
                    + ", but " + done.getFirst().metrics().keySet() + " before; it must give the same names every epoch");
        }
        return metrics;
    }

    private void save(long step, List<Double> losses, List<TrainingHistory.EpochSummary> done) {
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> tensors.put(MODEL_PREFIX + k, v));
            optimizer.stateDict().forEach((k, v) -> tensors.put(OPTIMIZER_PREFIX + k, v));
            tensors.put(HISTORY_LOSS, doubles(losses.stream().mapToDouble(Double::doubleValue).toArray()));
            tensors.put(HISTORY_EPOCH_LOSS, doubles(done.stream().mapToDouble(TrainingHistory.EpochSummary::meanLoss).toArray()));
            tensors.put(HISTORY_EPOCH_SECONDS, doubles(done.stream().mapToDouble(TrainingHistory.EpochSummary::seconds).toArray()));
            for (String metric : done.getFirst().metrics().keySet()) {
                tensors.put(HISTORY_METRIC + metric, doubles(done.stream().mapToDouble(e -> e.metrics().get(metric)).toArray()));
            }
            Map<String, String> metadata = new LinkedHashMap<>(Map.of(SEED, Long.toString(seed),
                    BATCH_SIZE, Integer.toString(batchSize), DROP_LAST, Boolean.toString(dropLast)));
            generators.forEach((key, gen) -> metadata.put(GENERATOR_PREFIX + key, Long.toString(gen.position())));
            Checkpoints.saveNumbered(checkpointDir, new Checkpoint(tensors, step, done.size(), losses.getLast(), metadata),
                    keepCheckpoints);
        }
    }

    /** Loads the model, optimizer and history from {@code file}; returns the checkpoint's step. */
    private long restore(Path file, List<Double> losses, List<TrainingHistory.EpochSummary> done) {
        try (Scope scope = Scope.open()) {
            Checkpoint c = Checkpoints.load(file);
            Map<String, String> expected = Map.of(SEED, Long.toString(seed), BATCH_SIZE, Integer.toString(batchSize),
                    DROP_LAST, Boolean.toString(dropLast));
            expected.forEach((key, value) -> {
                if (!value.equals(c.metadata().get(key))) {
                    throw new IllegalStateException("Trainer: the checkpoint " + file + " was written with " + key + " = "
                            + c.metadata().get(key) + ", this trainer has " + value
                            + "; resuming would not continue the same run (start in another folder, or resume(false))");
                }
            });
            Map<String, Tensor> modelState = new LinkedHashMap<>();
            Map<String, Tensor> optimizerState = new LinkedHashMap<>();
            Map<String, Tensor> metrics = new LinkedHashMap<>();
            c.tensors().forEach((k, v) -> {
                if (k.startsWith(MODEL_PREFIX)) {
                    modelState.put(k.substring(MODEL_PREFIX.length()), v);
                } else if (k.startsWith(OPTIMIZER_PREFIX)) {
                    optimizerState.put(k.substring(OPTIMIZER_PREFIX.length()), v);
                } else if (k.startsWith(HISTORY_METRIC)) {
                    metrics.put(k.substring(HISTORY_METRIC.length()), v);
                }
            });
            double[] stepLosses = history(c, HISTORY_LOSS, file);
            double[] epochLosses = history(c, HISTORY_EPOCH_LOSS, file);
            double[] epochSeconds = history(c, HISTORY_EPOCH_SECONDS, file);
            if (stepLosses.length != c.step() || epochLosses.length != c.epoch() || epochSeconds.length != c.epoch()) {
                throw new IllegalArgumentException("Trainer: the checkpoint " + file + " at step " + c.step() + ", epoch "
                        + c.epoch() + " has a history of " + stepLosses.length + " steps and " + epochLosses.length + " epochs");
            }
            if (c.epoch() > epochs) {
                throw new IllegalStateException("Trainer: the checkpoint " + file + " has " + c.epoch()
                        + " epochs done, more than the " + epochs + " this trainer runs");
            }
            Map<String, Long> positions = new LinkedHashMap<>();
            generators.forEach((key, gen) -> {
                String saved = c.metadata().get(GENERATOR_PREFIX + key);
                if (saved == null && c.epoch() >= epochs) {
                    return; // a finished run draws nothing more: an older checkpoint without the position will do
                }
                if (saved == null) {
                    throw new IllegalStateException("Trainer: the checkpoint " + file + " has no position for the generator '"
                            + key + "' (it was written without it); resuming would draw other values");
                }
                positions.put(key, Long.parseLong(saved));
            });
            model.loadStateDict(modelState, true);
            optimizer.loadStateDict(optimizerState);
            positions.forEach((key, position) -> generators.get(key).seek(position));
            for (double l : stepLosses) {
                losses.add(l);
            }
            Map<String, double[]> metricValues = new LinkedHashMap<>();
            metrics.forEach((k, v) -> metricValues.put(k, v.to(DType.FLOAT64).toDoubleArray()));
            for (int e = 0; e < c.epoch(); e++) {
                Map<String, Double> m = new LinkedHashMap<>();
                for (Map.Entry<String, double[]> entry : metricValues.entrySet()) {
                    m.put(entry.getKey(), entry.getValue()[e]);
                }
                done.add(new TrainingHistory.EpochSummary(e, epochLosses[e], m, epochSeconds[e]));
            }
            return c.step();
        }
    }

    private static double[] history(Checkpoint c, String key, Path file) {
        Tensor t = c.tensors().get(key);
        if (t == null) {
            throw new IllegalArgumentException("Trainer: the checkpoint " + file + " has no '" + key
                    + "'; it was not written by a Trainer");
        }
        return t.to(DType.FLOAT64).toDoubleArray();
    }

    private static Tensor doubles(double[] values) {
        return Tensor.of(values, values.length);
    }
}
