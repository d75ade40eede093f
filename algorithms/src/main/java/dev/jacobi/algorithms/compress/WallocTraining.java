package dev.jacobi.algorithms.compress;

import dev.jacobi.nn.data.Checkpoints;
import dev.jacobi.nn.data.TrainingProgress;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.GradClip;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.nn.optim.ParamGroup;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Trains a {@link Walloc} as the reference does, at small scale: batches of random square crops (with
 * random horizontal flips) of photographs, values shifted to [−0.5, 0.5], the loss
 * {@code MSE(x, x̂_unclamped)} with the bottleneck's noise on, AdamW without weight decay, a linear
 * warm-up then cosine decay of the learning rate, gradient norm clipped at 1. Unlike the reference,
 * which trains tens of thousands of steps from a random start, a fresh run starts by default from the
 * PCA codec ({@link Walloc#initializeLinear}), so that a few hundred steps give a usable codec. The
 * crops of step k come from a generator seeded by (seed, k), so a run resumed from a checkpoint sees
 * the same data.
 *
 * <p>With a checkpoint folder, the model, the optimizer, the step and the loss history are saved there
 * ({@link Checkpoints}) every {@code checkpointEvery} steps and at the end; a later call resumes from the
 * newest checkpoint, and one that finds a finished run only restores the weights.
 */
public final class WallocTraining {
    private static final String LOSSES = "walloc.losses";
    private static final String SECONDS = "walloc.seconds";

    private WallocTraining() {
    }

    /**
     * How to train.
     *
     * @param steps           optimizer steps
     * @param batchSize       crops per step
     * @param cropSize        side of the square crops, a multiple of {@code 2^J}
     * @param peakLr          the learning rate after warm-up (the first 5% of the steps)
     * @param seed            seed of the crops
     * @param checkpointEvery steps between checkpoints
     * @param linearInit      whether a fresh run starts from {@link Walloc#initializeLinear} on
     *                        {@link #PCA_CROPS} crops (the PCA codec) instead of the random initialisation
     * @param linearLrScale   the learning rate of the linear path (encoder and skip) relative to the rest,
     *                        in (0, 1]: with the PCA start, a small share keeps the noise of small batches
     *                        from pulling the encoder away from directions that are already nearly optimal
     */
    public record Settings(int steps, int batchSize, int cropSize, double peakLr, long seed, int checkpointEvery, boolean linearInit,
                           double linearLrScale) {
        /** @throws IllegalArgumentException when a count is not positive or a rate is not positive and finite */
        public Settings {
            if (steps < 1 || batchSize < 1 || cropSize < 1 || checkpointEvery < 1 || !(peakLr > 0) || Double.isInfinite(peakLr)
                    || !(linearLrScale > 0 && linearLrScale <= 1)) {
                throw new IllegalArgumentException("WallocTraining.Settings: counts and the learning rate must be positive and the"
                        + " linear share in (0, 1], got steps " + steps + ", batch " + batchSize + ", crop " + cropSize + ", lr "
                        + peakLr + ", checkpoint every " + checkpointEvery + ", linear share " + linearLrScale);
            }
        }

        /** Settings that start from the PCA codec and train its linear path at a tenth of the learning rate. */
        public Settings(int steps, int batchSize, int cropSize, double peakLr, long seed, int checkpointEvery) {
            this(steps, batchSize, cropSize, peakLr, seed, checkpointEvery, true, 0.1);
        }
    }

    /** Crops of the batch that {@link #initializeLinear} computes the principal directions from. */
    public static final int PCA_CROPS = 32;

    /**
     * What a training call did.
     *
     * @param losses    the loss of every step of the whole run (restored ones included)
     * @param stepsRun  steps this call ran (0 when it found a finished checkpoint)
     * @param seconds   training time of the whole run (as recorded when restored)
     */
    public record Result(List<Double> losses, long stepsRun, double seconds) {
        public Result {
            losses = List.copyOf(losses);
        }

        /** The mean loss of the last tenth of the steps. */
        public double finalLoss() {
            int from = losses.size() - Math.max(1, losses.size() / 10);
            return losses.subList(from, losses.size()).stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    /**
     * Trains {@code model} on random crops of {@code photos} ({@code [C, H, W]} in [0, 1], each at least
     * the crop size on both sides), resuming from and saving to {@code checkpoints} when it is not null.
     * Leaves the model in eval mode.
     *
     * @throws IllegalArgumentException when a photo has the wrong channel count or is smaller than the crops,
     *                                  or the crop size is not a multiple of {@code 2^J}
     */
    public static Result train(Walloc model, List<Tensor> photos, Settings settings, Path checkpoints) {
        int crop = settings.cropSize();
        Walloc.Config config = model.config();
        if (crop % config.blockSize() != 0) {
            throw new IllegalArgumentException("WallocTraining.train: crop size " + crop + " is not a multiple of " + config.blockSize());
        }
        for (Tensor p : photos) {
            if (p.rank() != 3 || p.size(0) != config.channels() || p.size(1) < crop || p.size(2) < crop) {
                throw new IllegalArgumentException("WallocTraining.train: photos must be [" + config.channels() + ", H, W] with H, W >= "
                        + crop + ", got " + Arrays.toString(p.shape()));
            }
        }
        if (photos.isEmpty()) {
            throw new IllegalArgumentException("WallocTraining.train: no photos");
        }
        Map<String, Tensor> named = model.namedParameters();
        List<Tensor> linear = new ArrayList<>();
        List<Tensor> rest = new ArrayList<>();
        named.forEach((name, t) -> (name.startsWith("encoder.") || name.startsWith("skip.") ? linear : rest).add(t));
        double linearShare = settings.linearLrScale();
        AdamW optimizer = AdamW.withGroups(List.of(
                new ParamGroup<>(linear, AdamW.options(settings.peakLr() * linearShare).withWeightDecay(0)),
                new ParamGroup<>(rest, AdamW.options(settings.peakLr()).withWeightDecay(0))));
        LrSchedule schedule = LrSchedule.warmupCosine(settings.peakLr(), settings.peakLr() / 20,
                Math.max(1, settings.steps() / 20), settings.steps());
        List<Double> losses = new ArrayList<>();
        long start = 0;
        double previousSeconds = 0;
        Optional<Path> latest = checkpoints == null ? Optional.empty() : Checkpoints.latest(checkpoints);
        if (latest.isPresent()) {
            Checkpoints.Checkpoint c = Checkpoints.load(latest.get());
            model.loadStateDict(prefixed(c.tensors(), "model."), true);
            start = c.step();
            losses.addAll(parseLosses(c.metadata().getOrDefault(LOSSES, "")));
            previousSeconds = Double.parseDouble(c.metadata().getOrDefault(SECONDS, "0"));
            if (start >= settings.steps()) {
                model.eval();
                return new Result(losses, 0, previousSeconds);
            }
            optimizer.loadStateDict(prefixed(c.tensors(), "optimizer."));
        } else if (settings.linearInit()) {
            initializeLinear(model, photos, settings);
        }
        model.train();
        long began = System.nanoTime();
        try (TrainingProgress progress = TrainingProgress.start("WaLLoC d=" + config.latentChannels(), settings.steps() - start)) {
            for (long step = start; step < settings.steps(); step++) {
                optimizer.setLearningRate(0, schedule.lr(step) * linearShare);
                optimizer.setLearningRate(1, schedule.lr(step));
                Tensor batch = batch(photos, settings, step);
                Tensor loss = model.forward(batch).sub(batch).square().mean();
                optimizer.zeroGrad();
                loss.backward();
                GradClip.clipNorm(optimizer.parameters(), 1.0);
                optimizer.step();
                double value = loss.item();
                losses.add(value);
                progress.step(value);
                boolean last = step + 1 == settings.steps();
                if (checkpoints != null && ((step + 1) % settings.checkpointEvery() == 0 || last)) {
                    double seconds = previousSeconds + (System.nanoTime() - began) / 1e9;
                    save(checkpoints, model, optimizer, step + 1, value, losses, seconds);
                }
            }
        }
        model.eval();
        return new Result(losses, settings.steps() - start, previousSeconds + (System.nanoTime() - began) / 1e9);
    }

    /**
     * Sets {@code model} to the PCA codec ({@link Walloc#initializeLinear}) of {@link #PCA_CROPS} crops of
     * {@code photos}, drawn as the batches are but from their own seed; what a fresh {@link #train} run
     * with {@link Settings#linearInit()} starts from.
     *
     * @return the fraction of the packet coefficients' variance the latents keep
     */
    public static double initializeLinear(Walloc model, List<Tensor> photos, Settings settings) {
        Settings pca = new Settings(settings.steps(), PCA_CROPS, settings.cropSize(), settings.peakLr(), settings.seed(),
                settings.checkpointEvery(), true, settings.linearLrScale());
        return model.initializeLinear(batch(photos, pca, -1));
    }

    /**
     * The batch of step {@code step}: {@code [B, C, S, S]} random crops, each flipped left-right with
     * probability ½, minus 0.5.
     */
    static Tensor batch(List<Tensor> photos, Settings settings, long step) {
        Generator gen = Generator.seeded(settings.seed() * 1_000_003L + step);
        int crop = settings.cropSize();
        int[] picks = gen.randint(0, Integer.MAX_VALUE, settings.batchSize(), 4).toIntArray();
        List<Tensor> crops = new ArrayList<>();
        try (var off = Autograd.noGrad()) {
            for (int i = 0; i < settings.batchSize(); i++) {
                Tensor p = photos.get(picks[4 * i] % photos.size());
                int top = picks[4 * i + 1] % (p.size(1) - crop + 1);
                int left = picks[4 * i + 2] % (p.size(2) - crop + 1);
                Tensor c = p.slice(1, top, top + crop).slice(2, left, left + crop);
                crops.add(picks[4 * i + 3] % 2 == 1 ? c.flip(2) : c);
            }
            return Tensor.stack(crops, 0).sub(0.5).contiguous();
        }
    }

    private static void save(Path dir, Walloc model, AdamW optimizer, long step, double loss, List<Double> losses, double seconds) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> tensors.put("model." + k, v));
        optimizer.stateDict().forEach((k, v) -> tensors.put("optimizer." + k, v));
        Map<String, String> metadata = Map.of(
                LOSSES, losses.stream().map(d -> String.format(Locale.ROOT, "%.6g", d)).collect(Collectors.joining(",")),
                SECONDS, Double.toString(seconds));
        Checkpoints.saveNumbered(dir, new Checkpoints.Checkpoint(tensors, step, 0, loss, metadata), 1);
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static List<Double> parseLosses(String text) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(Double::parseDouble).toList();
    }
}
