package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The fused float32 layer-norm backward ({@link LayerNormBackward}, what a plain backward uses) against
 * the same gradients in float64 through the tensor-op rule (which the autograd gradient checks verify
 * by finite differences).
 */
class LayerNormBackwardProperties {
    /**
     * float32 inputs, sums in double, one rounding per output: relative differences of a few 1e-7 of
     * the gradients' scale; 1e-5 leaves room and still catches a wrong term (those are O(1) errors).
     */
    private static final double TOLERANCE = 1e-5;

    @Test
    void fusedFloat32GradientsMatchTheFloat64Rule() {
        qt().withExamples(60).forAll(longs().all(), integers().between(1, 70), integers().between(1, 40), integers().between(0, 2))
                .checkAssert((seed, n, rows, affine) -> {
                    Generator gen = Generator.seeded(seed);
                    Tensor x = gen.normal(DType.FLOAT32, 0.3, 2, rows, n);
                    Tensor g = gen.normal(DType.FLOAT32, 0, 1, rows, n);
                    Tensor w = affine >= 1 ? gen.normal(DType.FLOAT32, 1, 0.5, n) : null;
                    Tensor b = affine == 2 ? gen.normal(DType.FLOAT32, 0, 0.5, n) : null;
                    List<Tensor> fused = gradients(x, w, b, g);
                    List<Tensor> reference = gradients(x.to(DType.FLOAT64), w == null ? null : w.to(DType.FLOAT64),
                            b == null ? null : b.to(DType.FLOAT64), g.to(DType.FLOAT64));
                    for (int i = 0; i < fused.size(); i++) {
                        Tensor ref = reference.get(i);
                        double scale = Math.max(1, ref.abs().max().item());
                        double err = fused.get(i).to(DType.FLOAT64).sub(ref).abs().max().item();
                        assertThat(err / scale).as("gradient " + i + " (seed " + seed + ", [" + rows + ", " + n + "])")
                                .isLessThan(TOLERANCE);
                    }
                });
    }

    private static List<Tensor> gradients(Tensor x, Tensor w, Tensor b, Tensor g) {
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(x.detach().requiresGrad(true));
        if (w != null) {
            inputs.add(w.detach().requiresGrad(true));
        }
        if (b != null) {
            inputs.add(b.detach().requiresGrad(true));
        }
        Tensor y = inputs.get(0).layerNorm(w == null ? null : inputs.get(1), b == null ? null : inputs.get(inputs.size() - 1), 1e-5);
        return Autograd.grad(y, inputs, g, false);
    }
}
