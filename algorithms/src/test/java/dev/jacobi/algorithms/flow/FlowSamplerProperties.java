package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The samplers against the sequential inverse (itself checked against the forward pass in
 * {@link TarFlowProperties}): Jacobi is exact on the first m tokens after m passes, GS-Jacobi equals
 * the sequential inverse when each module gets as many passes as it has tokens, and the reports count
 * what ran. All in float64 with the clamp off, so "equal" means equal to rounding.
 */
class FlowSamplerProperties {

    /** Sides 4, 6, 8 give T = 4, 9, 16 tokens of D = 4. */
    private static int side(int choice) {
        return 4 + 2 * choice;
    }

    @Test
    void jacobiIsExactOnTheFirstMTokensAfterMPasses() {
        qt().withExamples(12).forAll(longs().all(), integers().between(0, 2), integers().between(1, 15), integers().between(0, 1))
                .checkAssert((seed, sideChoice, mRaw, block) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(side(sideChoice), 2, DType.FLOAT64, gen);
            int t = model.config().tokens();
            int m = 1 + (mRaw - 1) % (t - 1);
            Tensor z = TinyFlows.latent(model, 3, gen);
            FlowBlock flow = model.blocks().get(block);
            Tensor exact = flow.permute(FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), null).x());
            BlockStrategy jacobi = BlockStrategy.jacobi(m, 0, InitialGuess.Z).withClamp(false);
            FlowSampler.BlockInverse inv = FlowSampler.inverse(model, block, z, jacobi, null);
            Tensor y = flow.permute(inv.x());
            // Tokens 0..m (in the block's own order) are exact up to float64 rounding of O(1) values.
            assertThat(TinyFlows.maxAbsDiff(y.slice(1, 0, m + 1), exact.slice(1, 0, m + 1))).isLessThan(1e-12);
            if (m < t - 1 && m <= 2) {
                // ... and the next one is not yet (a random non-trivial flow). Only for few passes: Jacobi
                // contracts fast on these tame models, so after ~9 passes the next token is within 1e-9 too.
                assertThat(TinyFlows.maxAbsDiff(y.slice(1, m + 1, m + 2), exact.slice(1, m + 1, m + 2))).isGreaterThan(1e-9);
            }
            assertThat(inv.report().iterations()).isEqualTo(m);
            assertThat(inv.report().modules()).hasSize(1);
        });
    }

    @Test
    void gaussSeidelJacobiEqualsSequentialWhenPassesCoverEachModule() {
        qt().withExamples(12).forAll(longs().all(), integers().between(0, 2), integers().between(0, 7), integers().between(0, 3))
                .checkAssert((seed, sideChoice, gChoice, extra) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(side(sideChoice), 2, DType.FLOAT64, gen);
            int t = model.config().tokens();
            List<Integer> divisors = new ArrayList<>();
            for (int g = 1; g <= t; g++) {
                if (t % g == 0) {
                    divisors.add(g);
                }
            }
            int modules = divisors.get(gChoice % divisors.size());
            int size = t / modules;
            InitialGuess guess = extra % 2 == 0 ? InitialGuess.Z : InitialGuess.ZERO;
            int block = extra / 2;
            Tensor z = TinyFlows.latent(model, 2, gen);
            Tensor exact = FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), null).x();
            BlockStrategy gs = BlockStrategy.gaussSeidelJacobi(modules, size + extra, 0, guess).withClamp(false);
            FlowSampler.BlockInverse inv = FlowSampler.inverse(model, block, z, gs, null);
            // float64 rounding of O(1) values through 2 layers: 1e-12.
            assertThat(TinyFlows.maxAbsDiff(inv.x(), exact)).isLessThan(1e-12);
            // G modules of s tokens, the last s - 1 (none when s = 1). Tolerance 0 never stops a module
            // early, but the exact front does: a module of n tokens is exact after n passes, so the
            // J - n passes the reference would still run (recomputing the same numbers) are skipped.
            int nonEmpty = size == 1 ? modules - 1 : modules;
            assertThat(inv.report().modules()).hasSize(nonEmpty);
            for (int g = 0; g < nonEmpty; g++) {
                ModuleReport r = inv.report().modules().get(g);
                int tokens = g == modules - 1 ? size - 1 : size;
                assertThat(r.firstToken()).isEqualTo(g * size + 1);
                assertThat(r.tokens()).isEqualTo(tokens);
                assertThat(r.iterations()).isEqualTo(tokens);
                assertThat(r.networkEvaluations()).isEqualTo(tokens);
                assertThat(r.residuals()).hasSize(tokens);
            }
        });
    }

    @Test
    void jacobiStopsWhenTheExactFrontCoversTheModule() {
        qt().withExamples(8).forAll(longs().all(), integers().between(0, 2), integers().between(0, 1))
                .checkAssert((seed, sideChoice, block) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(side(sideChoice), 2, DType.FLOAT64, gen);
            int t = model.config().tokens();
            Tensor z = TinyFlows.latent(model, 2, gen);
            // Plain Jacobi over T - 1 unknowns: pass m makes token m exact, so after T - 1 passes
            // nothing is left to recompute (a tolerance of 1e-300 never stops it sooner), and the
            // result is the sequential inverse (float64 rounding through 2 layers: 1e-12).
            BlockStrategy jacobi = BlockStrategy.jacobi(4 * t, 1e-300, InitialGuess.ZERO).withClamp(false);
            FlowSampler.BlockInverse inv = FlowSampler.inverse(model, block, z, jacobi, null);
            ModuleReport r = inv.report().modules().getFirst();
            assertThat(r.iterations()).isEqualTo(t - 1);
            assertThat(r.residuals()[0]).isPositive();
            Tensor exact = FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), null).x();
            assertThat(TinyFlows.maxAbsDiff(inv.x(), exact)).isLessThan(1e-12);
        });
    }

    @Test
    void sequentialInverseRunsOnePassPerToken() {
        TarFlow model = TinyFlows.model(6, 2, DType.FLOAT64, Generator.seeded(5));
        Tensor z = TinyFlows.latent(model, 2, Generator.seeded(6));
        BlockReport report = FlowSampler.inverse(model, 1, z, BlockStrategy.sequential(), null).report();
        assertThat(report.block()).isEqualTo(1);
        assertThat(report.modules()).hasSize(8);
        assertThat(report.networkEvaluations()).isEqualTo(8);
        assertThat(report.modules()).extracting(ModuleReport::tokens).containsOnly(1);
    }

    @Test
    void strategiesAreInSamplingOrderAndAFullGaussSeidelJacobiSampleInvertsTheForwardPass() {
        Generator gen = Generator.seeded(21);
        TarFlow model = TinyFlows.model(8, 3, DType.FLOAT64, gen);
        Tensor x = TinyFlows.latent(model, 2, gen);
        Tensor z;
        try (var g = Autograd.noGrad()) {
            z = model.forward(x, null).z();
        }
        // Index 0 = the last block (K - 1), as the reference's num_GS_list / max_jacobi_list / guess_list.
        List<BlockStrategy> strategies = List.of(
                BlockStrategy.gaussSeidelJacobi(4, 4, 0, InitialGuess.ZERO).withClamp(false),
                BlockStrategy.sequential(),
                BlockStrategy.jacobi(15, 0, InitialGuess.Z).withClamp(false));
        FlowSampler.SampleResult result = FlowSampler.sample(model, z, strategies, null);
        assertThat(result.reports()).extracting(BlockReport::block).containsExactly(2, 1, 0);
        assertThat(result.reports()).extracting(BlockReport::strategy).containsExactlyElementsOf(strategies);
        assertThat(result.reports().get(0).modules()).hasSize(4);
        // Exact solves in float64: the forward pass's input comes back to rounding.
        assertThat(TinyFlows.maxAbsDiff(result.sequence(), x)).isLessThan(1e-11);
    }

    @Test
    void float32GaussSeidelJacobiMatchesTheFloat32SequentialInverse() {
        qt().withExamples(6).forAll(longs().all(), integers().between(0, 2)).checkAssert((seed, block) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(8, 3, DType.FLOAT32, gen);
            Tensor z = TinyFlows.latent(model, 2, gen);
            Tensor exact = FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), null).x();
            BlockStrategy gs = BlockStrategy.gaussSeidelJacobi(4, 4, 0, InitialGuess.Z).withClamp(false);
            // The float32 attention kernels on a cached prefix with several queries (GS-Jacobi) against
            // one query at a time (sequential): same maths, float32 rounding of O(1) values (1e-5).
            assertThat(TinyFlows.maxAbsDiff(FlowSampler.inverse(model, block, z, gs, null).x(), exact)).isLessThan(1e-5);
        });
    }

    @Test
    void theClampBoundsEveryJacobiUpdateButNotTheSequentialInverse() {
        TarFlow model = TinyFlows.model(4, 1, DType.FLOAT64, Generator.seeded(8));
        Tensor z = TinyFlows.latent(model, 2, Generator.seeded(9)).mul(4); // latents beyond ±3
        Tensor clamped = FlowSampler.inverse(model, 0, z, BlockStrategy.jacobi(3, 0, InitialGuess.Z), null).x();
        Tensor exact = FlowSampler.inverse(model, 0, z, BlockStrategy.sequential(), null).x();
        double[] c = clamped.slice(1, 1, 4).toDoubleArray();
        assertThat(java.util.Arrays.stream(c).map(Math::abs).max().orElseThrow()).isLessThanOrEqualTo(3.0);
        assertThat(java.util.Arrays.stream(exact.toDoubleArray()).map(Math::abs).max().orElseThrow()).isGreaterThan(3.0);
    }

    @Test
    void badStrategiesAreRejected() {
        TarFlow model = TinyFlows.model(6, 2, DType.FLOAT64, Generator.seeded(5));
        Tensor z = TinyFlows.latent(model, 1, Generator.seeded(6));
        assertThatThrownBy(() -> FlowSampler.inverse(model, 0, z, BlockStrategy.gaussSeidelJacobi(2, 4, 0, InitialGuess.Z), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FlowSampler.inverse: 2 modules do not divide 9 tokens");
        assertThatThrownBy(() -> FlowSampler.sample(model, z, List.of(BlockStrategy.sequential()), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FlowSampler.sample: 1 strategies for 2 blocks");
        assertThatThrownBy(() -> FlowSampler.inverse(model, 0, z.to(DType.FLOAT32), BlockStrategy.sequential(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("FlowSampler.inverse: z is float32 but the model is float64");
        assertThatThrownBy(() -> BlockStrategy.jacobi(0, 0, InitialGuess.Z)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BlockStrategy:");
    }
}
