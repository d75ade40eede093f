package dev.jacobi.bench.jmh;

import dev.jacobi.algorithms.flow.BlockStrategy;
import dev.jacobi.algorithms.flow.FlowSampler;
import dev.jacobi.algorithms.flow.InitialGuess;
import dev.jacobi.algorithms.flow.StrategySelector;
import dev.jacobi.algorithms.flow.TarFlow;
import dev.jacobi.algorithms.flow.TarFlowConfig;
import dev.jacobi.bench.tour.entries.TarFlowTour;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
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

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmark of TarFlow sampling (issue 5): the sequential inverse with a KV cache against plain
 * Jacobi and the automatic GS-Jacobi strategy ({@link StrategySelector#automatic}), on the tour's model
 * (width 32, 4 blocks of 1 layer, 16 tokens of 2x2 patches, 15 epochs on the 8x8 digits; trained on
 * the first run and cached in {@code out/cache/tarflow}, the tour's folder, so the tour and this
 * benchmark measure the same weights), for a batch of 1 and of 64 latents drawn from a fixed seed.
 *
 * <p>Jacobi solves stop at ε = {@link #TOLERANCE} with the clamp off (as the tour). The setup prints,
 * per sampler, the network evaluations and the largest difference from the sequential sample, which
 * the issue bounds by 1e-3.
 *
 * <pre>
 * ./jacobi bench jmh TarFlowSampling            # or: -f 1 -wi 3 -i 5 TarFlowSampling
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TarFlowSamplingBenchmark {
    /** ε of the Jacobi solves: the tour's, which keeps the samples within 1e-5 of sequential. */
    public static final double TOLERANCE = StrategySelector.DEFAULT_TOLERANCE;
    /** The tour's default seed: its model, its split of the digits. */
    private static final long SEED = 42;

    /** The trained model and one batch of latents. */
    @State(Scope.Benchmark)
    public static class Problem {
        /** Latents per call. */
        @Param({"1", "64"})
        public int batch;
        /** sequential, jacobi or gs-jacobi (the automatic strategy). */
        @Param({"sequential", "jacobi", "gs-jacobi"})
        public String sampler;

        TarFlow model;
        Tensor z;
        List<BlockStrategy> strategies;

        @Setup(Level.Trial)
        public void setUp() {
            model = TarFlowTour.defaultModel(Path.of(System.getProperty("jacobi.cache", "out/cache")), SEED);
            TarFlowConfig config = model.config();
            int k = model.blocks().size();
            int t = config.tokens();
            z = Generator.seeded(44).normal(config.dtype(), 0, 1, batch, t, config.tokenSize());
            strategies = switch (sampler) {
                case "sequential" -> Collections.nCopies(k, BlockStrategy.sequential());
                case "jacobi" -> Collections.nCopies(k, BlockStrategy.jacobi(t, TOLERANCE, InitialGuess.Z).withClamp(false));
                case "gs-jacobi" -> TarFlowTour.automaticStrategy(model, Digits.load().stratifiedSplit(0.2, SEED).train());
                default -> throw new IllegalArgumentException("TarFlowSamplingBenchmark: unknown sampler " + sampler);
            };
            try (var g = Autograd.noGrad()) {
                FlowSampler.SampleResult result = FlowSampler.sample(model, z, strategies, null);
                FlowSampler.SampleResult exact = FlowSampler.sampleSequential(model, z, null);
                double diff = result.sequence().sub(exact.sequence()).abs().max().item();
                int evaluations = result.reports().stream().mapToInt(r -> r.networkEvaluations()).sum();
                System.out.printf(Locale.ROOT, "%n%s, batch %d: %d network evaluations, max |diff| from sequential %.2e%n",
                        sampler, batch, evaluations, diff);
            }
        }
    }

    /** One full sample (noise to patch sequence). */
    @Benchmark
    public float sample(Problem p) {
        try (var g = Autograd.noGrad(); var scope = dev.jacobi.tensor.Scope.open()) {
            return FlowSampler.sample(p.model, p.z, p.strategies, null).sequence().storage().getFloat(0);
        }
    }
}
