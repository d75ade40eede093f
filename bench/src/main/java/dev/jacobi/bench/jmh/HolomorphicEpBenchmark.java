package dev.jacobi.bench.jmh;

import dev.jacobi.algorithms.ep.Activation;
import dev.jacobi.algorithms.ep.EpLoss;
import dev.jacobi.algorithms.ep.EpNetwork;
import dev.jacobi.algorithms.ep.EpTrainer;
import dev.jacobi.algorithms.ep.GradientMethod;
import dev.jacobi.nn.optim.SGD;
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
 * JMH benchmark of one training step of the same EP network, MLP 64-256-256-10 (sigmoid rates, MSE),
 * batch 50, free phase T1 = 30, SGD with momentum, by:
 * <ul>
 *   <li>{@code hep-simd}: holomorphic EP, N = 4 (conjugate pairs: 3 nudged phases of T2 = 10 steps, two
 *       of them complex), relaxed by {@link dev.jacobi.algorithms.ep.PlaneRelaxer} on the Vector API;</li>
 *   <li>{@code hep-scalar}: the same with the plane kernels' scalar loops;</li>
 *   <li>{@code hep-tensor}: the same relaxed by tensor ops on complex64 tensors;</li>
 *   <li>{@code bptt}: backprop through the 30 free steps (tensor ops, reverse mode);</li>
 *   <li>{@code rbp}: recurrent backprop, free phase by the plane kernels and 10 backward iterations.</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main HolomorphicEpBenchmark \
 *     -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class HolomorphicEpBenchmark {
    /** The network, its trainer and one fixed batch. */
    @State(Scope.Benchmark)
    public static class Problem {
        /** hep-simd, hep-scalar, hep-tensor, bptt or rbp. */
        @Param({"hep-simd", "hep-scalar", "hep-tensor", "bptt", "rbp"})
        public String method;

        EpTrainer trainer;
        Tensor features;
        Tensor labels;

        @Setup(Level.Trial)
        public void setUp() {
            Generator gen = Generator.seeded(42);
            EpNetwork net = EpNetwork.mlp(new int[] {64, 256, 256, 10}, Activation.SIGMOID, EpLoss.MSE, 10, true, 0,
                    DType.FLOAT32, gen);
            GradientMethod hep = new GradientMethod.Holomorphic(0.25, 4, 10, true);
            EpTrainer.Config config = switch (method) {
                case "hep-simd", "hep-scalar" -> new EpTrainer.Config(30, hep, 0, 1, true);
                case "hep-tensor" -> new EpTrainer.Config(30, hep, 0, 1, false);
                case "bptt" -> new EpTrainer.Config(30, new GradientMethod.Backprop(), 0, 1, false);
                case "rbp" -> new EpTrainer.Config(30, new GradientMethod.RecurrentBackprop(10), 0, 1, true);
                default -> throw new IllegalArgumentException("HolomorphicEpBenchmark: unknown method " + method);
            };
            SGD sgd = SGD.of(net.parameters(), new SGD.Options(0.01, 0.9, 0, false, 0, true));
            trainer = method.equals("hep-scalar") ? EpTrainer.withRelaxer(net, sgd, config, gen,
                    dev.jacobi.algorithms.ep.PlaneRelaxer.of(net, false)) : new EpTrainer(net, sgd, config, gen);
            features = gen.uniform(DType.FLOAT32, 0, 1, 50, 64);
            labels = gen.randint(0, 10, 50);
        }
    }

    /** One training step; returns the loss so that nothing is optimised away. */
    @Benchmark
    public double step(Problem p) {
        return p.trainer.step(p.features, p.labels);
    }
}
