package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The automatic strategy samples what the sequential inverse samples (the reference for every sampler,
 * itself checked against the forward pass), and the reference's hand-set lists map to the right blocks.
 */
class StrategySelectorTest {

    /**
     * Factor 1: every block with an above-average CRM share is tough, so both kinds of solve occur on these
     * tame random models (with the default 2 none would reach the threshold).
     */
    private static final StrategySelector.Options MIXED = new StrategySelector.Options(1.0, 8, 32, 10, 1e-6, true);

    @Test
    void automaticSampleMatchesSequentialInFloat32() {
        qt().withExamples(4).forAll(longs().all(), integers().between(2, 4)).checkAssert((seed, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(8, blocks, DType.FLOAT32, gen);
            // As the tour: plain-Jacobi blocks get up to T passes and the clamp is off. The sequential
            // inverse has no clamp, so wherever a random model's block leaves ±3 the clamped solve is of
            // another equation (seen: 4.6e-2 apart, for seed 26222370291548).
            StrategySelector.Options options = MIXED.withIterations(MIXED.toughIterations(), model.config().tokens())
                    .withTolerance(MIXED.tolerance(), false);
            List<BlockStrategy> strategies = StrategySelector.automatic(model, ConvergenceMetricsProperties.data(model, 8, gen), options);
            assertThat(strategies).anyMatch(s -> s.modules() == 8).anyMatch(s -> s.modules() == 1);
            Tensor z = TinyFlows.latent(model, 3, gen).mul(0.5);
            Tensor exact = FlowSampler.sampleSequential(model, z, null).sequence();
            FlowSampler.SampleResult fast = FlowSampler.sample(model, z, strategies, null);
            // The accuracy goal: 1e-3 from the sequential sample; ε = 1e-6 stops the solves far below it.
            assertThat(TinyFlows.maxAbsDiff(fast.sequence(), exact)).isLessThan(1e-3);
            for (int r = 0; r < blocks; r++) {
                assertThat(fast.reports().get(r).strategy()).isEqualTo(strategies.get(r));
            }
        });
    }

    @Test
    void automaticSampleEqualsSequentialInFloat64WithEnoughPasses() {
        qt().withExamples(4).forAll(longs().all(), integers().between(2, 3)).checkAssert((seed, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(8, blocks, DType.FLOAT64, gen);
            int t = model.config().tokens();
            // J = T/G for tough blocks and T − 1 for the rest cover every module (spec oracle 3), ε = 0, no clamp.
            StrategySelector.Options options = MIXED.withIterations(t / 8, t - 1).withTolerance(0, false);
            List<BlockStrategy> strategies = StrategySelector.automatic(model, ConvergenceMetricsProperties.data(model, 8, gen), options);
            Tensor z = TinyFlows.latent(model, 3, gen);
            Tensor exact = FlowSampler.sampleSequential(model, z, null).sequence();
            // Equal up to float64 rounding of O(1) values through a few blocks.
            assertThat(TinyFlows.maxAbsDiff(FlowSampler.sample(model, z, strategies, null).sequence(), exact)).isLessThan(1e-10);
        });
    }

    @Test
    void automaticWithDefaultsIsChooseOfTheMeasuredMetrics() {
        Generator gen = Generator.seeded(11);
        TarFlow model = TinyFlows.model(8, 3, DType.FLOAT32, gen);
        Tensor data = ConvergenceMetricsProperties.data(model, 4, gen);
        assertThat(StrategySelector.automatic(model, data)).isEqualTo(StrategySelector.choose(
                ConvergenceMetrics.measure(model, data), model.config().tokens(), StrategySelector.Options.defaults()));
    }

    @Test
    void handSetListsAreInSamplingOrder() {
        // The reference's Img64cond lists, cut to 4 blocks: G = [8, 1, 1, 0], J = [2, 15, 15, 1], guess = [1, 0, 0, 1].
        List<BlockStrategy> s = StrategySelector.fromLists(new int[] {8, 1, 1, 0}, new int[] {2, 15, 15, 1}, new int[] {1, 0, 0, 1}, 0);
        assertThat(s.get(0)).isEqualTo(BlockStrategy.gaussSeidelJacobi(8, 2, 0, InitialGuess.ZERO));
        assertThat(s.get(1)).isEqualTo(BlockStrategy.jacobi(15, 0, InitialGuess.Z));
        assertThat(s.get(3)).isEqualTo(BlockStrategy.sequential());
        Generator gen = Generator.seeded(42);
        TarFlow model = TinyFlows.model(8, 4, DType.FLOAT64, gen);
        Tensor z = TinyFlows.latent(model, 2, gen).mul(0.5);
        FlowSampler.SampleResult result = FlowSampler.sample(model, z, s, null);
        // Index 0 = block K−1, and J covers each module: equal to the sequential sample up to rounding.
        assertThat(result.reports().get(0).block()).isEqualTo(3);
        assertThat(result.reports().get(0).modules()).hasSize(8);
        assertThat(TinyFlows.maxAbsDiff(result.sequence(), FlowSampler.sampleSequential(model, z, null).sequence())).isLessThan(1e-10);
    }

    @Test
    void toughModulesFallToADivisorOfT() {
        TarFlow model = TinyFlows.model(6, 2, DType.FLOAT32, Generator.seeded(7));
        ConvergenceMetrics.Report report = new ConvergenceMetrics.Report(List.of(
                new ConvergenceMetrics.BlockMetrics(0, 9, 90, 1, 2), new ConvergenceMetrics.BlockMetrics(1, 1, 10, 2, 1)),
                MatrixNorm.SPECTRAL);
        List<BlockStrategy> s = StrategySelector.choose(report, model.config().tokens(), StrategySelector.Options.defaults());
        // Defaults with K = 2: the threshold is 2·100/2 = 100 %, so neither block is tough. Sampling order: block 1
        // first (zero-init wins, IGM 1 < 2), then block 0.
        assertThat(s.get(0)).isEqualTo(BlockStrategy.jacobi(10, 1e-6, InitialGuess.ZERO));
        assertThat(s.get(1).modules()).isEqualTo(1);
        // Factor 1.5: threshold 75 %, block 0 (90 %) is tough; 8 modules do not divide T = 9, so G = 3.
        List<BlockStrategy> loose = StrategySelector.choose(report, 9, new StrategySelector.Options(1.5, 8, 32, 10, 1e-6, true));
        assertThat(loose.get(1)).isEqualTo(BlockStrategy.gaussSeidelJacobi(3, 32, 1e-6, InitialGuess.Z));
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() -> StrategySelector.fromLists(new int[] {1, 1}, new int[] {3}, new int[] {0, 0}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("StrategySelector.fromLists: lists differ");
        assertThatThrownBy(() -> StrategySelector.fromLists(new int[] {1}, new int[] {3}, new int[] {2}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guesses[0] = 2");
        assertThatThrownBy(() -> StrategySelector.fromLists(new int[] {-1}, new int[] {3}, new int[] {0}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 0").hasMessageContaining("modules=-1");
        assertThatThrownBy(() -> new StrategySelector.Options(0, 8, 32, 10, 1e-6, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toughFactor=0.0");
        ConvergenceMetrics.Report empty = new ConvergenceMetrics.Report(List.of(), MatrixNorm.SPECTRAL);
        assertThatThrownBy(() -> StrategySelector.choose(empty, 16, StrategySelector.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 blocks");
    }
}
