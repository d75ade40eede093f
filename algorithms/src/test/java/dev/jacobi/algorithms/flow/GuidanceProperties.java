package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Classifier-free guidance in the samplers, against a guided inverse written here without caches (every
 * step recomputes both branches over the whole prefix), in float64.
 */
class GuidanceProperties {

    private static TarFlow conditionalModel(Generator gen) {
        TarFlow model = TarFlow.create(new TarFlowConfig(1, 6, 2, 32, 2, 2, 16, 4, 3, DType.FLOAT64), gen);
        try (var g = Autograd.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                if (e.getKey().endsWith("proj_out.weight")) {
                    e.getValue().copyFrom(gen.normal(DType.FLOAT64, 0, 0.03, e.getValue().shape()));
                } else if (e.getKey().endsWith("class_embed")) {
                    // Spread the classes apart so that the two branches differ visibly.
                    e.getValue().copyFrom(gen.normal(DType.FLOAT64, 0, 1, e.getValue().shape()));
                }
            }
        }
        return model;
    }

    /** The guided block inverse, token by token, each step a full pass of both branches over the prefix. */
    private static Tensor uncachedGuidedInverse(FlowBlock flow, Tensor z, int[] labels, Guidance guidance) {
        Tensor zp = flow.permute(z);
        int t = z.size(1);
        Tensor y = zp.slice(1, 0, 1);
        for (int i = 1; i < t; i++) {
            FlowBlock.Affine c = flow.affine(y, null, labels, 1.0);
            FlowBlock.Affine u = flow.affine(y, null, null, guidance.temperature());
            double w = guidance.weightAt(i - 1, t);
            Tensor ac = c.logScale().slice(1, i - 1, i);
            Tensor bc = c.shift().slice(1, i - 1, i);
            Tensor a = ac.add(ac.sub(u.logScale().slice(1, i - 1, i)).mul(w));
            Tensor b = bc.add(bc.sub(u.shift().slice(1, i - 1, i)).mul(w));
            y = Tensor.concat(List.of(y, zp.slice(1, i, i + 1).mul(a.exp()).add(b)), 1);
        }
        return flow.permute(y);
    }

    @Test
    void guidedSamplersMatchAnUncachedGuidedInverse() {
        qt().withExamples(6).forAll(longs().all(), integers().between(0, 1), integers().between(0, 2)).checkAssert((seed, block, g) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = conditionalModel(gen);
            Tensor z = TinyFlows.latent(model, 2, gen);
            int[] labels = {2, 0};
            Guidance guidance = new Guidance(1.5, 0.7, true);
            Tensor reference = uncachedGuidedInverse(model.blocks().get(block), z, labels, guidance);
            int[] modules = {1, 3, 9};
            int size = 9 / modules[g];
            FlowSampler.BlockInverse seq = FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), labels, guidance);
            FlowSampler.BlockInverse gs = FlowSampler.inverse(model, block, z,
                    BlockStrategy.gaussSeidelJacobi(modules[g], size, 0, InitialGuess.Z).withClamp(false), labels, guidance);
            // float64 rounding of O(1) values through 2 layers: 1e-12.
            assertThat(TinyFlows.maxAbsDiff(seq.x(), reference)).isLessThan(1e-12);
            assertThat(TinyFlows.maxAbsDiff(gs.x(), reference)).isLessThan(1e-12);
            // Two transformer passes per Jacobi pass.
            assertThat(seq.report().networkEvaluations()).isEqualTo(2 * 8);
            // Guidance changes the sample (the branches differ).
            Tensor unguided = FlowSampler.inverse(model, block, z, BlockStrategy.sequential(), labels).x();
            assertThat(TinyFlows.maxAbsDiff(seq.x(), unguided)).isGreaterThan(1e-6);
        });
    }

    @Test
    void zeroWeightIsTheConditionalPass() {
        Generator gen = Generator.seeded(31);
        TarFlow model = conditionalModel(gen);
        Tensor z = TinyFlows.latent(model, 2, gen);
        int[] labels = {1, 2};
        Tensor conditional = FlowSampler.sampleSequential(model, z, labels).sequence();
        Tensor guided = FlowSampler.sample(model, z, List.of(BlockStrategy.sequential(), BlockStrategy.sequential()), labels,
                new Guidance(0, 0.5, true)).sequence();
        // a_c + 0 (a_c - a_u) is a_c exactly.
        assertThat(guided.toDoubleArray()).containsExactly(conditional.toDoubleArray());
    }

    @Test
    void annealedWeightRisesLinearlyToWAtTheLastStep() {
        Guidance g = Guidance.annealed(2.0);
        assertThat(g.weightAt(14, 16)).isEqualTo(2.0); // input token T-2 produces the last token
        assertThat(g.weightAt(0, 16)).isEqualTo(2.0 / 15);
        assertThat(new Guidance(2.0, 1, false).weightAt(0, 16)).isEqualTo(2.0);
    }
}
