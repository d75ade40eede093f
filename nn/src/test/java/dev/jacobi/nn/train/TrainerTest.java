package dev.jacobi.nn.train;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.TrainingProgress;
import dev.jacobi.nn.layers.MLP;
import dev.jacobi.nn.layers.Tanh;
import dev.jacobi.nn.loss.Losses;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The training loop: the same seed gives bit-identical parameters, a run resumed from a checkpoint
 * ends bit-identical to an uninterrupted one (parameters and history), memory stays flat over many
 * steps, the loss falls on a separable problem, and misuse is reported.
 */
class TrainerTest {
    private static final int EXAMPLES = 96;
    private static final int BATCH = 16;

    /**
     * Two classes on either side of the line x0 + x1 = 0, with a margin: points drawn uniformly in
     * [-1, 1]^2 and pushed 0.2 away from the line along its normal.
     */
    private static Dataset separable(long seed) {
        Generator gen = Generator.seeded(seed);
        float[] x = gen.uniform(DType.FLOAT32, -1, 1, EXAMPLES, 2).toFloatArray();
        int[] y = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            float side = x[2 * i] + x[2 * i + 1] >= 0 ? 1 : -1;
            x[2 * i] += 0.2f * side;
            x[2 * i + 1] += 0.2f * side;
            y[i] = side > 0 ? 1 : 0;
        }
        return new Dataset(Tensor.of(x, EXAMPLES, 2), Tensor.ofInts(y, EXAMPLES));
    }

    private static MLP model(long seed) {
        return MLP.of(new int[] {2, 16, 2}, Tanh::create, Generator.seeded(seed));
    }

    /**
     * A trainer with a schedule, clipping and an evaluator: every feature whose state a resume must
     * restore. The schedule spans 30 steps (5 epochs of 6 batches) whatever {@code epochs} is, so that
     * a run cut short follows the same learning rates as the whole run.
     */
    private static Trainer.Builder trainer(MLP model, Dataset data, int epochs, long seed) {
        return Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.05)))
                .loss((out, batch) -> Losses.crossEntropy(out, batch.labels()))
                .schedule(LrSchedule.warmupCosine(0.05, 0.001, 5, 30))
                .clipGradNorm(1.0)
                .epochs(epochs)
                .batchSize(BATCH)
                .seed(seed)
                .evaluate(epoch -> Map.of("accuracy", Metrics.accuracy(model, data, 32)))
                .progress(TrainingProgress.Output.QUIET);
    }

    private static List<float[]> parameters(MLP model) {
        List<float[]> out = new ArrayList<>();
        model.parameters().forEach(p -> out.add(p.toFloatArray()));
        return out;
    }

    private static void assertBitIdentical(List<float[]> a, List<float[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            // containsExactly compares float values with equals: bit patterns up to NaN, exact otherwise.
            assertThat(a.get(i)).as("parameter %d", i).containsExactly(b.get(i));
        }
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        Dataset data = separable(1);
        MLP a = model(5);
        MLP b = model(5);
        MLP c = model(5);
        trainer(a, data, 3, 11).build().fit(data);
        trainer(b, data, 3, 11).build().fit(data);
        trainer(c, data, 3, 12).build().fit(data);
        assertBitIdentical(parameters(a), parameters(b));
        // Another shuffling seed must change the result, or the comparison above proves nothing.
        assertThat(parameters(c).getFirst()).isNotEqualTo(parameters(a).getFirst());
    }

    @Test
    void resumingFromACheckpointEqualsUninterruptedTraining(@TempDir Path dir) {
        Dataset data = separable(2);
        MLP whole = model(3);
        TrainingHistory uninterrupted = trainer(whole, data, 5, 21).build().fit(data);

        // First run: stops after 2 of the 5 epochs, leaving a checkpoint (as if killed then).
        MLP first = model(3);
        trainer(first, data, 2, 21).checkpoints(dir, 1).build().fit(data);
        // Second run: a fresh model with other initial weights and a fresh optimizer; all state comes from the checkpoint.
        MLP resumed = model(99);
        TrainingHistory history = trainer(resumed, data, 5, 21).checkpoints(dir, 1).build().fit(data);

        int perEpoch = EXAMPLES / BATCH;
        assertThat(history.resumedFromStep()).isEqualTo(2L * perEpoch);
        assertThat(history.stepsRun()).isEqualTo(3L * perEpoch);
        assertBitIdentical(parameters(resumed), parameters(whole));
        assertThat(history.stepLosses()).containsExactlyElementsOf(uninterrupted.stepLosses());
        assertThat(history.metric("accuracy")).containsExactlyElementsOf(uninterrupted.metric("accuracy"));
        assertThat(history.epochs()).extracting(TrainingHistory.EpochSummary::meanLoss)
                .containsExactlyElementsOf(uninterrupted.epochs().stream().map(TrainingHistory.EpochSummary::meanLoss).toList());

        // A third run finds everything done: no steps, the same history.
        TrainingHistory again = trainer(model(4), data, 5, 21).checkpoints(dir, 1).build().fit(data);
        assertThat(again.stepsRun()).isZero();
        assertThat(again.stepLosses()).containsExactlyElementsOf(uninterrupted.stepLosses());
    }

    @Test
    void trackedGeneratorsResumeWhereTheyStopped(@TempDir Path dir) {
        Dataset data = separable(2);
        // A loss that draws from a generator every step (input noise), so its position matters.
        java.util.function.BiFunction<MLP, Generator, Trainer.Builder> noisy = (model, gen) -> trainer(model, data, 4, 21)
                .forward(x -> model.forward(x.add(gen.normal(x.dtype(), 0, 0.1, x.shape()))))
                .trackGenerator("noise", gen);
        MLP whole = model(3);
        noisy.apply(whole, Generator.seeded(8)).build().fit(data);

        noisy.apply(model(3), Generator.seeded(8)).epochs(2).checkpoints(dir, 1).build().fit(data);
        MLP resumed = model(99);
        noisy.apply(resumed, Generator.seeded(8)).checkpoints(dir, 1).build().fit(data);
        assertBitIdentical(parameters(resumed), parameters(whole));

        // A run that needs a generator position its checkpoint lacks is refused; a finished one loads.
        Path plain = dir.resolve("plain");
        trainer(model(3), data, 1, 21).checkpoints(plain, 1).build().fit(data);
        assertThatThrownBy(() -> trainer(model(3), data, 2, 21).trackGenerator("noise", Generator.seeded(1))
                .checkpoints(plain, 1).build().fit(data))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no position for the generator 'noise'");
        assertThat(trainer(model(3), data, 1, 21).trackGenerator("noise", Generator.seeded(1))
                .checkpoints(plain, 1).build().fit(data).stepsRun()).isZero();
        assertThatThrownBy(() -> trainer(model(3), data, 1, 21).trackGenerator("noise", Generator.seeded(1))
                .trackGenerator("noise", Generator.seeded(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already tracked");
    }

    @Test
    void resumingWithAnotherSeedIsRefused(@TempDir Path dir) {
        Dataset data = separable(2);
        trainer(model(3), data, 1, 21).checkpoints(dir, 1).build().fit(data);
        assertThatThrownBy(() -> trainer(model(3), data, 2, 22).checkpoints(dir, 1).build().fit(data))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trainer.seed = 21, this trainer has 22");
    }

    @Test
    void memoryStaysFlatOverManySteps() {
        Dataset data = separable(4);
        MLP model = model(6);
        long scopedBefore = Scope.liveBytes();
        List<Long> scoped = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        int epochs = 40;
        Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.01)))
                .loss((out, batch) -> Losses.crossEntropy(out, batch.labels()))
                .clipGradNorm(1.0)
                .epochs(epochs).batchSize(BATCH).seed(1)
                .progress(TrainingProgress.Output.QUIET)
                .evaluate(epoch -> {
                    // Sampled before the evaluator allocates anything in its (empty) scope.
                    scoped.add(Scope.liveBytes());
                    direct.add(directBytes());
                    return Map.of();
                })
                .build().fit(data);
        // Every step's tensors are freed when its scope closes: nothing scoped is left between epochs.
        assertThat(scoped).allSatisfy(b -> assertThat(b).isEqualTo(scopedBefore));
        // Off-heap memory (scoped and garbage-collected tensors, pooled blocks) does not grow with the number
        // of steps: after the first epoch (which creates the optimizer state), no step and no epoch leaves
        // even one allocation behind for the garbage collector, so the reserved bytes never exceed their
        // value after epoch 1 (they can only fall, if a collection frees something older).
        long settled = direct.get(1);
        assertThat(direct.subList(1, epochs)).as("direct bytes after each epoch").allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(settled));
    }

    /**
     * Bytes of off-heap memory reserved through the JDK, which counts every MemorySegment arena
     * allocation: the "direct" buffer pool's memory used. Read by reflection because the module
     * dev.jacobi.nn (which the tests patch) does not read java.management; core reflection needs no
     * readability.
     */
    private static long directBytes() {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
            long used = 0;
            for (Object bean : (List<?>) factory.getMethod("getPlatformMXBeans", Class.class).invoke(null, pool)) {
                if (pool.getMethod("getName").invoke(bean).equals("direct")) {
                    used += (Long) pool.getMethod("getMemoryUsed").invoke(bean);
                }
            }
            return used;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot read the direct buffer pool", e);
        }
    }

    @Test
    void lossFallsAndTheModelSeparatesTheClasses() {
        Dataset data = separable(3);
        MLP model = model(8);
        TrainingHistory history = trainer(model, data, 8, 5).build().fit(data);
        List<TrainingHistory.EpochSummary> epochs = history.epochs();
        assertThat(epochs).hasSize(8);
        // ln 2 = 0.69 is the loss of a guess; a separable problem with margin must end far below it.
        assertThat(epochs.getLast().meanLoss()).isLessThan(0.25 * epochs.getFirst().meanLoss());
        assertThat(history.finalMetrics().get("accuracy")).isEqualTo(1.0);
        assertThat(history.steps()).isEqualTo(8L * EXAMPLES / BATCH);
        assertThat(history.stepsPerSecond()).isPositive();
    }

    @Test
    void misuseIsReported() {
        Dataset data = separable(1);
        MLP model = model(1);
        assertThatThrownBy(() -> Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.01))).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no loss function");
        Trainer perExample = Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.01)))
                .loss((out, batch) -> out.sum(1)).progress(TrainingProgress.Output.QUIET).build();
        assertThatThrownBy(() -> perExample.fit(data))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the loss must be a scalar, got shape [32]");
        Trainer changing = Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.01)))
                .loss((out, batch) -> Losses.crossEntropy(out, batch.labels())).epochs(2)
                .evaluate(epoch -> Map.of("m" + epoch, 1.0)).progress(TrainingProgress.Output.QUIET).build();
        assertThatThrownBy(() -> changing.fit(data))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("same names every epoch");
        assertThatThrownBy(() -> Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(0.01))).clipGradNorm(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clipGradNorm");
    }
}
