package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.LayerChecks;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Activations against their scalar formulas in float64 (1e-14: one or two roundings of order-one values),
 * MLP and the gated feed-forward layers by finite differences, the MLP's PyTorch names, and the GeGLU
 * identity of the MosaicBERT spec: with the gate half of gated_layers the identity and the other half all
 * ones (and wo the identity, zero bias), the output is GELU(x) * sum(x).
 */
class ActivationAndFeedForwardProperties {

    @Test
    void activationsMatchTheirFormulas() {
        Tensor x = Tensor.randn(Generator.seeded(1), DType.FLOAT64, 50).mul(3);
        check(ReLU.create(), x, v -> Math.max(v, 0));
        check(Sigmoid.create(), x, v -> 1 / (1 + Math.exp(-v)));
        check(Tanh.create(), x, Math::tanh);
        check(SiLU.create(), x, v -> v / (1 + Math.exp(-v)));
        check(GELU.tanh(), x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
        // Exact GELU: x Phi(x); Phi from the tensor's erf is itself checked in the tensor module, so compare
        // with the identity x Phi(x) - (-x) Phi(-x) = x, which holds for the exact GELU only.
        Tensor g = GELU.exact().forward(x);
        Tensor gNeg = GELU.exact().forward(x.neg());
        assertThat(LayerChecks.maxAbsDiff(g.sub(gNeg), x)).isLessThan(1e-14);
        for (Layer a : List.of(ReLU.create(), Sigmoid.create(), Tanh.create(), SiLU.create(), GELU.tanh(), GELU.exact())) {
            // ReLU's kink at 0 is never hit by normal samples.
            LayerChecks.gradCheck(a, Tensor.randn(Generator.seeded(2), DType.FLOAT64, 3, 4)).assertPassed();
        }
    }

    private static void check(Layer a, Tensor x, DoubleUnaryOperator f) {
        double[] xv = x.toDoubleArray();
        double[] yv = a.forward(x).toDoubleArray();
        for (int i = 0; i < xv.length; i++) {
            assertThat(Math.abs(yv[i] - f.applyAsDouble(xv[i]))).as(a + " at " + xv[i]).isLessThan(1e-14);
        }
    }

    @Test
    void mlpHasSequentialNamesAndCorrectGradients() {
        MLP mlp = MLP.of(new int[] {4, 8, 8, 3}, ReLU::create, Generator.seeded(3));
        assertThat(mlp.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias");
        assertThat(mlp.numParameters()).isEqualTo(4 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3);
        qt().withExamples(5).forAll(longs().all(), integers().between(1, 4)).checkAssert((seed, rows) -> {
            MLP m = MLP.of(new int[] {3, 5, 2}, Tanh::create, Generator.seeded(seed));
            LayerChecks.gradCheck(m, Tensor.randn(Generator.seeded(seed + 1), DType.FLOAT32, rows, 3)).assertPassed();
        });
    }

    @Test
    void gatedFeedForwardLayoutsHaveReferenceNamesAndCorrectGradients() {
        GatedFeedForward fused = GatedFeedForward.fused(GatedFeedForward.Gate.GEGLU, 4, 6, Generator.seeded(4));
        assertThat(fused.stateDict().keySet()).containsExactly("gated_layers.weight", "wo.weight", "wo.bias");
        assertThat(fused.stateDict().get("gated_layers.weight").shape()).containsExactly(12, 4);
        GatedFeedForward separate = GatedFeedForward.separate(GatedFeedForward.Gate.SWIGLU, 4, 6, Generator.seeded(4));
        assertThat(separate.stateDict().keySet()).containsExactly("w1.weight", "w2.weight", "w3.weight");
        // Three d x F matrices (the spec's parameter count 3dF), plus wo's bias in the fused layout.
        assertThat(separate.numParameters()).isEqualTo(3 * 4 * 6);
        assertThat(fused.numParameters()).isEqualTo(3 * 4 * 6 + 4);
        qt().withExamples(6).forAll(longs().all(), integers().between(0, 5)).checkAssert((seed, variant) -> {
            GatedFeedForward.Gate gate = GatedFeedForward.Gate.values()[variant % 3];
            GatedFeedForward f = variant < 3 ? GatedFeedForward.fused(gate, 3, 4, Generator.seeded(seed))
                    : GatedFeedForward.separate(gate, 3, 4, Generator.seeded(seed));
            LayerChecks.gradCheck(f, Tensor.randn(Generator.seeded(seed + 1), DType.FLOAT32, 2, 3)).assertPassed();
        });
    }

    @Test
    void gegluReducesToGeluTimesSumForIdentityGateAndOnesUp() {
        int d = 5;
        GatedFeedForward f = GatedFeedForward.fused(GatedFeedForward.Gate.GEGLU, d, d, Generator.seeded(5));
        f.to(DType.FLOAT64);
        try (var g = Autograd.noGrad()) {
            Tensor gl = f.stateDict().get("gated_layers.weight");
            gl.slice(0, 0, d).copyFrom(Tensor.eye(DType.FLOAT64, d));
            gl.slice(0, d, 2 * d).fill(1);
            f.stateDict().get("wo.weight").copyFrom(Tensor.eye(DType.FLOAT64, d));
            f.stateDict().get("wo.bias").fill(0);
        }
        Tensor x = Tensor.randn(Generator.seeded(6), DType.FLOAT64, 3, d);
        Tensor expect = x.gelu().mul(x.sum(new int[] {1}, true));
        assertThat(LayerChecks.maxAbsDiff(f.forward(x), expect)).isLessThan(1e-13);
    }
}
