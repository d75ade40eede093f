package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Gradient clipping against a naive float64 loop over all gradient elements, for random parameter
 * lists (some without gradients), norm types 1, 2, 3 and infinity and max norms both above and below
 * the total, from one seed that QuickTheories prints. The total norm must match to 1e-12 relative (both
 * accumulate in float64; only the order differs); a clipped float32 gradient must equal
 * {@code (float) (g * (float) coef)} exactly (one float32 multiplication), and an unclipped one is untouched.
 */
class GradClipProperties {

    @Test
    void clipNormMatchesNaiveFloat64Reference() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            Generator gen = Generator.seeded(seed);
            List<Tensor> params = new ArrayList<>();
            List<double[]> grads = new ArrayList<>();
            int count = 1 + r.nextInt(4);
            for (int k = 0; k < count; k++) {
                int n = 1 + r.nextInt(50);
                Tensor p = Tensor.zeros(DType.FLOAT32, n).requiresGrad(true);
                if (k == 0 || r.nextInt(4) != 0) {
                    Tensor g = gen.normal(DType.FLOAT32, 0, 1, n);
                    p.setGrad(g);
                    grads.add(g.to(DType.FLOAT64).toDoubleArray());
                } else {
                    grads.add(null);
                }
                params.add(p);
            }
            double type = new double[] {1, 2, 3, Double.POSITIVE_INFINITY}[r.nextInt(4)];
            double acc = 0;
            for (double[] g : grads) {
                for (int i = 0; g != null && i < g.length; i++) {
                    acc = Double.isInfinite(type) ? Math.max(acc, Math.abs(g[i])) : acc + Math.pow(Math.abs(g[i]), type);
                }
            }
            double expected = Double.isInfinite(type) ? acc : Math.pow(acc, 1 / type);
            double maxNorm = expected * (r.nextBoolean() ? 0.5 * r.nextDouble() : 1 + r.nextDouble());
            List<Tensor> before = params.stream().map(Tensor::grad).toList();
            double total = GradClip.clipNorm(params, maxNorm, type);
            assertThat(total).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expected));
            double coef = maxNorm / (expected + 1e-6);
            for (int k = 0; k < count; k++) {
                double[] g = grads.get(k);
                if (g == null) {
                    assertThat(params.get(k).grad()).isNull();
                    continue;
                }
                if (coef >= 1) {
                    assertThat(params.get(k).grad()).isSameAs(before.get(k));
                    continue;
                }
                float[] clipped = params.get(k).grad().toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    assertThat(clipped[i]).isEqualTo((float) g[i] * (float) coef);
                }
            }
        });
    }

    @Test
    void clipValueClampsEveryElement() {
        Tensor p = Tensor.zeros(DType.FLOAT32, 4).requiresGrad(true);
        p.setGrad(Tensor.of(new float[] {-3, -0.5f, 0.25f, 7}, 4));
        GradClip.clipValue(List.of(p), 1);
        assertThat(p.grad().toFloatArray()).containsExactly(-1, -0.5f, 0.25f, 1);
    }

    @Test
    void argumentErrors() {
        assertThatThrownBy(() -> GradClip.clipNorm(List.of(), 1, 0)).hasMessageContaining("clipNorm: norm type 0.0 must be > 0");
        assertThatThrownBy(() -> GradClip.clipNorm(List.of(), -1)).hasMessageContaining("clipNorm: max norm -1.0 must be >= 0");
        assertThatThrownBy(() -> GradClip.clipValue(List.of(), Double.NaN)).hasMessageContaining("clipValue: clip value NaN");
    }
}
