package dev.jacobi.algorithms.flow;

import dev.jacobi.nn.data.Checkpoints;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.data.TrainingProgress;
import dev.jacobi.nn.train.TrainingHistory;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A tiny conditional TarFlow trained on the digits for a few dozen steps learns (bits per dimension
 * fall) and training is reproducible for a seed.
 */
class TarFlowTrainingTest {
    private static final long SEED = 11;

    /** 320 digits, 2 epochs of batches of 16: 40 steps. */
    private static Dataset subset() {
        Dataset all = Digits.load();
        return all.batch(IntStream.range(0, 320).toArray());
    }

    private static TarFlow tinyModel() {
        return TarFlow.create(TarFlowTraining.digitsConfig(32, 2, 1, 16, true), Generator.seeded(SEED));
    }

    private static TrainingHistory train(TarFlow model, Dataset data) {
        return TarFlowTraining.train(model, data, TarFlowTraining.Settings.of(2, 16, 3e-3).withSeed(SEED),
                b -> b.progress(TrainingProgress.Output.QUIET));
    }

    @Test
    void bitsPerDimFallAndTrainingIsDeterministic() {
        Dataset data = subset();
        TarFlow model = tinyModel();
        double before = TarFlowTraining.bitsPerDim(model, data, 0.1, 64, 3);
        TrainingHistory first = train(model, data);
        double after = TarFlowTraining.bitsPerDim(model, data, 0.1, 64, 3);
        List<Double> losses = first.stepLosses();
        assertThat(losses).hasSize(40);
        double early = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double late = losses.subList(35, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        // The untrained model is the identity (zero output heads): ≈ ½ mean(x²) + ½ log 2π nats with most
        // pixels at −1, ≈ 2 bits/dim. Even 40 steps teach it the background scale; a margin of 0.2 bits
        // is far above the noise of a 5-step mean of 16-image batches here (~0.05).
        assertThat(late).as("losses %s", losses).isLessThan(early - 0.2);
        assertThat(after).isLessThan(before - 0.2);

        TarFlow again = tinyModel();
        TrainingHistory second = train(again, data);
        // Same seed, same initial model: the same batches, noise and label drops, so the same run. Not
        // bit for bit: the engine's float32 SIMD reductions (Vector API reduceLanes, whose order the JIT
        // may change between the first run's interpreted and the second's compiled code) differ in the
        // last bit now and then (seen: 1 ulp of the loss). Another seed moves the losses by ~1e-2.
        assertThat(second.stepLosses()).hasSize(losses.size());
        for (int i = 0; i < losses.size(); i++) {
            assertThat(second.stepLosses().get(i)).as("step %d", i).isCloseTo(losses.get(i), within(1e-5));
        }
        Map<String, Tensor> a = model.stateDict();
        Map<String, Tensor> b = again.stateDict();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        int width = model.config().width();
        for (String name : a.keySet()) {
            Tensor x = a.get(name);
            Tensor y = b.get(name);
            if (name.endsWith("attention.qkv.bias")) {
                // The key bias [width, 2·width) moves every logit of a query equally, which softmax ignores:
                // its exact gradient is 0, and Adam (m / (√v + ε)) turns the rounding noise there into full
                // steps of size lr, so it wanders (seen: 4e-4 apart). The queries' and values' parts must agree.
                assertThat(TinyFlows.maxAbsDiff(y.slice(0, 0, width), x.slice(0, 0, width))).as(name).isLessThan(1e-5);
                assertThat(TinyFlows.maxAbsDiff(y.slice(0, 2 * width, 3 * width), x.slice(0, 2 * width, 3 * width)))
                        .as(name).isLessThan(1e-5);
            } else {
                // Elsewhere the runs differ by float32 rounding that 40 Adam steps amplify (seen: 1.2e-7 to
                // 1.5e-6, depending on which kernels the JIT had compiled); another seed moves them by ~1e-2.
                assertThat(TinyFlows.maxAbsDiff(y, x)).as(name).isLessThan(1e-5);
            }
        }
    }

    @Test
    void aResumedRunDrawsTheSameNoiseAsAnUnbrokenOne(@TempDir Path dir) throws IOException {
        Dataset data = subset();
        TarFlowTraining.Settings settings = TarFlowTraining.Settings.of(2, 16, 3e-3).withSeed(SEED);
        TrainingHistory unbroken = TarFlowTraining.train(tinyModel(), data, settings,
                b -> b.progress(TrainingProgress.Output.QUIET).checkpoints(dir, 1).keepCheckpoints(2));
        // Drop the last checkpoint: a new trainer (new model, new noise generator) resumes after epoch 1.
        Files.delete(Checkpoints.latest(dir).orElseThrow());
        TrainingHistory resumed = TarFlowTraining.train(tinyModel(), data, settings,
                b -> b.progress(TrainingProgress.Output.QUIET).checkpoints(dir, 1).keepCheckpoints(2));
        assertThat(resumed.resumedFromStep()).isEqualTo(20);
        // Epoch 2's losses depend on its noise: drawn afresh from the seed, they would differ by ~1e-2;
        // from the saved position they are the unbroken run's, up to the SIMD rounding noted above.
        for (int i = 20; i < 40; i++) {
            assertThat(resumed.stepLosses().get(i)).as("step %d", i).isCloseTo(unbroken.stepLosses().get(i), within(1e-5));
        }
    }

    @Test
    void imagesAreScaledToMinusOneOne() {
        TarFlowConfig config = TarFlowTraining.digitsConfig(32, 2, 1, 16, false);
        Dataset data = new Dataset(Tensor.of(new float[] {0f, 0.5f, 1f, 0.25f}, 1, 4),
                Tensor.ofInts(new int[] {3}, 1));
        TarFlowConfig two = new TarFlowConfig(1, 2, 1, 32, 1, 1, 16, 4, 0, config.dtype());
        Dataset scaled = TarFlowTraining.images(data, two);
        assertThat(scaled.features().shape()).containsExactly(1, 1, 2, 2);
        assertThat(scaled.features().toDoubleArray()).containsExactly(-1, 0, 1, -0.5);
        assertThatThrownBy(() -> TarFlowTraining.images(data, config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("TarFlowTraining.images");
    }
}
