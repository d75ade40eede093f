package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Divergence detection: a block whose Jacobi passes overflow, or whose residual grows pass after
 * pass, falls back to the sequential inverse, returns exactly its sample and reports both attempts; a
 * tame block never falls back.
 */
class FlowSamplerFallbackTest {

    /**
     * One float64 block on 8x8 images (T = 16) with an output head of std 1: log-scales of order 10 on
     * O(1) inputs. Its forward pass maps data x to a latent z with entries in the thousands, which the
     * sequential inverse maps back to O(1) values, while the first Jacobi pass evaluates the head on z
     * itself, so exp(a) overflows.
     */
    private static TarFlow steepModel(Generator gen) {
        TarFlow model = TinyFlows.model(8, 1, DType.FLOAT64, gen);
        setHead(model, 1.0, gen);
        return model;
    }

    /** Redraws the output heads with std {@code std}. */
    private static void setHead(TarFlow model, double std, Generator gen) {
        try (var g = Autograd.noGrad()) {
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                if (e.getKey().endsWith("proj_out.weight")) {
                    e.getValue().copyFrom(gen.normal(DType.FLOAT64, 0, std, e.getValue().shape()));
                }
            }
        }
    }

    @Test
    void anOverflowingJacobiSolveFallsBackToTheSequentialInverse() {
        qt().withExamples(4).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, choice) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = steepModel(gen);
            Tensor x = TinyFlows.latent(model, 2, gen);
            Tensor z;
            try (var g = Autograd.noGrad()) {
                z = model.blocks().getFirst().forward(x, null).z();
            }
            FlowSampler.BlockInverse exact = FlowSampler.inverse(model, 0, z, BlockStrategy.sequential(), null);
            int modules = choice < 2 ? 1 : 4;
            BlockStrategy strategy = BlockStrategy.gaussSeidelJacobi(modules, 15, 1e-6, InitialGuess.Z).withClamp(choice % 2 == 0);
            FlowSampler.BlockInverse inv = FlowSampler.inverse(model, 0, z, strategy, null);

            BlockReport report = inv.report();
            assertThat(report.fellBack()).as("residuals %s", residuals(report)).isTrue();
            assertThat(report.fallback().reason()).isIn(Fallback.Reason.NON_FINITE, Fallback.Reason.GROWING_RESIDUAL);
            assertThat(report.strategy()).isEqualTo(strategy);
            // The fallback is the sequential inverse itself: the same operations in the same order, so the
            // same bits (compared bitwise: on a steep model the sequential inverse may overflow too).
            assertThat(java.util.Arrays.equals(inv.x().toDoubleArray(), exact.x().toDoubleArray())).isTrue();
            assertThat(report.modules()).hasSize(15);
            Fallback fallback = report.fallback();
            assertThat(fallback.attempt()).isNotEmpty();
            assertThat(fallback.attempt().getLast().firstToken()).isEqualTo(fallback.firstToken());
            assertThat(fallback.attempt().getLast().iterations()).isEqualTo(fallback.pass() + 1);
            // Both attempts are counted: the abandoned passes plus one per token of the sequential inverse.
            assertThat(report.networkEvaluations()).isEqualTo(fallback.networkEvaluations() + 15);
            assertThat(fallback.networkEvaluations()).isPositive();
        });
    }

    @Test
    void aResidualGrowingPassAfterPassFallsBackBeforeItOverflows() {
        // A fixed rig (seed 3, head std 0.15, clamp off) whose Jacobi residuals were seen to run
        // 2.9, 3.7, 101, 9e38: three rises in a row while every iterate is still finite.
        Generator gen = Generator.seeded(3);
        TarFlow model = TinyFlows.model(8, 1, DType.FLOAT64, gen);
        setHead(model, 0.15, gen);
        Tensor x = TinyFlows.latent(model, 2, gen);
        Tensor z;
        try (var g = Autograd.noGrad()) {
            z = model.blocks().getFirst().forward(x, null).z();
        }
        FlowSampler.BlockInverse exact = FlowSampler.inverse(model, 0, z, BlockStrategy.sequential(), null);
        // The sequential inverse gives back the data (float64 rounding through an amplifying block: 1e-10).
        assertThat(TinyFlows.maxAbsDiff(exact.x(), x)).isLessThan(1e-10);
        FlowSampler.BlockInverse inv = FlowSampler.inverse(model, 0, z,
                BlockStrategy.jacobi(15, 0, InitialGuess.Z).withClamp(false), null);
        Fallback fallback = inv.report().fallback();
        assertThat(fallback).isNotNull();
        assertThat(fallback.reason()).isEqualTo(Fallback.Reason.GROWING_RESIDUAL);
        assertThat(fallback.pass()).isEqualTo(FlowSampler.DIVERGENCE_PASSES);
        double[] r = fallback.attempt().getLast().residuals();
        assertThat(r).hasSize(FlowSampler.DIVERGENCE_PASSES + 1);
        for (int i = 1; i < r.length; i++) {
            assertThat(r[i]).isGreaterThan(r[i - 1]).isFinite();
        }
        assertThat(TinyFlows.maxAbsDiff(inv.x(), exact.x())).isEqualTo(0.0);
        assertThat(inv.report().networkEvaluations()).isEqualTo(FlowSampler.DIVERGENCE_PASSES + 1 + 15);
    }

    @Test
    void aTameBlockDoesNotFallBack() {
        qt().withExamples(4).forAll(longs().all(), integers().between(0, 3)).checkAssert((seed, choice) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(8, 2, DType.FLOAT32, gen);
            Tensor z = TinyFlows.latent(model, 2, gen);
            int modules = choice < 2 ? 1 : 4;
            InitialGuess guess = choice % 2 == 0 ? InitialGuess.Z : InitialGuess.ZERO;
            for (int block = 0; block < 2; block++) {
                BlockReport report = FlowSampler.inverse(model, block, z,
                        BlockStrategy.gaussSeidelJacobi(modules, 15, 0, guess), null).report();
                assertThat(report.fellBack()).as("residuals %s", residuals(report)).isFalse();
                assertThat(report.fallback()).isNull();
            }
        });
    }

    private static String residuals(BlockReport report) {
        StringBuilder sb = new StringBuilder();
        for (ModuleReport m : report.modules()) {
            sb.append(Arrays.toString(m.residuals()));
        }
        if (report.fellBack()) {
            sb.append(" abandoned: ");
            for (ModuleReport m : report.fallback().attempt()) {
                sb.append(Arrays.toString(m.residuals()));
            }
        }
        return sb.toString();
    }
}
