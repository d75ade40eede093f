package dev.jacobi.bench.jmh;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.layers.MLP;
import dev.jacobi.nn.layers.ReLU;
import dev.jacobi.nn.loss.Losses;
import dev.jacobi.nn.models.PixelTransformer;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.Optimizer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH benchmark of one training step on one thread: forward, cross-entropy, backward, AdamW step
 * (lr 1e-3, weight decay 0.01), zero grad, the step {@code bench/scripts/torch_training_step.py} times in
 * PyTorch. Models:
 * <ul>
 *   <li>{@code mlp}: Linear 64-256, ReLU, Linear 256-256, ReLU, Linear 256-10, batch 64;</li>
 *   <li>{@code transformer}: {@link PixelTransformer} with d = 128, 4 heads, 2 blocks, T = 64 tokens,
 *       batch 32.</li>
 * </ul>
 * Inputs are uniform in [0, 1) with random labels, fixed per trial. Each step runs inside its own
 * {@link dev.jacobi.tensor.Scope}, as {@link dev.jacobi.nn.train.Trainer} runs it.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main TrainingStepBenchmark \
 *     -f 1 -wi 2 -i 3
 * </pre>
 *
 * <p>The forks see one processor ({@code -XX:ActiveProcessorCount=1}), so the kernels split no work
 * across threads, as PyTorch with {@code torch.set_num_threads(1)}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-XX:ActiveProcessorCount=1"})
public class TrainingStepBenchmark {
    /** The model, its optimizer and one fixed batch. */
    @State(Scope.Benchmark)
    public static class Problem {
        /** mlp or transformer. */
        @Param({"mlp", "transformer"})
        public String model;

        Layer network;
        Optimizer optimizer;
        Tensor features;
        Tensor labels;

        @Setup(Level.Trial)
        public void setUp() {
            Generator gen = Generator.seeded(42);
            int batch;
            switch (model) {
                case "mlp" -> {
                    network = MLP.of(new int[] {64, 256, 256, 10}, ReLU::create, gen);
                    batch = 64;
                }
                case "transformer" -> {
                    network = PixelTransformer.of(PixelTransformer.Config.digits(128, 4, 2), gen);
                    batch = 32;
                }
                default -> throw new IllegalArgumentException("TrainingStepBenchmark: unknown model " + model);
            }
            optimizer = AdamW.of(network.parameters(), AdamW.options(1e-3));
            features = gen.uniform(DType.FLOAT32, 0, 1, batch, 64);
            labels = gen.randint(0, 10, batch);
        }
    }

    /** One AdamW step; returns the loss so that nothing is optimised away. */
    @Benchmark
    public double step(Problem p) {
        try (dev.jacobi.tensor.Scope scope = dev.jacobi.tensor.Scope.open()) {
            Tensor loss = Losses.crossEntropy(p.network.forward(p.features), p.labels);
            double value = loss.item();
            loss.backward();
            p.optimizer.step();
            p.optimizer.zeroGrad();
            return value;
        }
    }
}
