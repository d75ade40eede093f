package dev.jacobi.nn.layers;

import dev.jacobi.nn.LayerChecks;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Embedding: rows by index for any index shape, a padding row that starts at zero and gets no gradient,
 * gradients against finite differences; Dropout: same masks for the same seed, identity in evaluation,
 * inverted scaling (exact), and a dropped fraction within 5 standard deviations of p.
 */
class EmbeddingDropoutTest {

    @Test
    void embeddingLooksUpRowsForAnyIndexShape() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Generator gen = Generator.seeded(seed);
            Embedding e = Embedding.of(7, 3, gen);
            Tensor idx = gen.randint(0, 7, 2, 3, 2);
            Tensor y = e.forward(idx);
            assertThat(y.shape()).containsExactly(2, 3, 2, 3);
            int[] iv = idx.toIntArray();
            double[] w = e.weight().toDoubleArray();
            double[] yv = y.toDoubleArray();
            for (int i = 0; i < iv.length; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(yv[i * 3 + j]).isEqualTo(w[iv[i] * 3 + j]);
                }
            }
            LayerChecks.gradCheck(e, idx).assertPassed();
        });
    }

    @Test
    void paddingRowStartsAtZeroAndGetsNoGradient() {
        Embedding e = Embedding.withPadding(5, 4, 2, Generator.seeded(1));
        assertThat(e.weight().select(0, 2).toDoubleArray()).containsOnly(0);
        Tensor idx = Tensor.ofInts(new int[] {2, 0, 2, 4, 0}, 5);
        e.forward(idx).mul(Tensor.randn(Generator.seeded(2), DType.FLOAT32, 5, 4)).sum().backward();
        Tensor g = e.weight().grad();
        assertThat(g.select(0, 2).toDoubleArray()).containsOnly(0);
        assertThat(g.select(0, 1).toDoubleArray()).containsOnly(0);
        assertThat(g.select(0, 0).toDoubleArray()).doesNotContain(0.0);
        assertThat(g.select(0, 4).toDoubleArray()).doesNotContain(0.0);
        assertThat(Embedding.withPadding(5, 4, -1, Generator.seeded(1)).paddingIndex()).isEqualTo(4);
    }

    @Test
    void embeddingErrorsNameTheLayer() {
        Embedding e = Embedding.of(5, 4, Generator.seeded(1));
        assertThatThrownBy(() -> e.forward(Tensor.zeros(DType.FLOAT32, 3)))
                .hasMessage("Embedding(num=5, dim=4): indices must be int32 or int8, got float32 of shape [3]");
        assertThatThrownBy(() -> e.forward(Tensor.ofInts(new int[] {1, 5}, 2)))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageStartingWith("Embedding(num=5, dim=4): ");
    }

    @Test
    void dropoutIsDeterministicPerSeedAndIdentityInEval() {
        Tensor x = Tensor.randn(Generator.seeded(3), DType.FLOAT32, 64, 64);
        Tensor a = Dropout.of(0.3, Generator.seeded(7)).forward(x);
        Tensor b = Dropout.of(0.3, Generator.seeded(7)).forward(x);
        Tensor c = Dropout.of(0.3, Generator.seeded(8)).forward(x);
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
        Dropout d = Dropout.of(0.3, Generator.seeded(7));
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
        assertThat(Dropout.of(0, Generator.seeded(7)).forward(x)).isSameAs(x);
        assertThat(java.util.Arrays.stream(Dropout.of(1, Generator.seeded(7)).forward(x).toDoubleArray()).allMatch(v -> v == 0)).isTrue();
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRestExactly() {
        double p = 0.25;
        Tensor x = Tensor.randn(Generator.seeded(4), DType.FLOAT64, 200, 200);
        Tensor y = Dropout.of(p, Generator.seeded(5)).forward(x);
        double[] xv = x.toDoubleArray();
        double[] yv = y.toDoubleArray();
        int dropped = 0;
        for (int i = 0; i < xv.length; i++) {
            if (yv[i] == 0) {
                dropped++;
            } else {
                assertThat(yv[i]).isEqualTo(xv[i] * (1 / (1 - p))); // the kept elements times 1/(1-p), one rounding
            }
        }
        // Binomial(40000, 0.25): standard deviation sqrt(n p (1-p)) = 86.6; allow 5 of them.
        assertThat((double) dropped).isBetween(10000 - 5 * 86.6, 10000 + 5 * 86.6);
        // The gradient is the same mask, scaled.
        Tensor xr = x.copy().requiresGrad(true);
        Dropout.of(p, Generator.seeded(5)).forward(xr).sum().backward();
        double[] g = xr.grad().toDoubleArray();
        for (int i = 0; i < xv.length; i++) {
            assertThat(g[i]).isEqualTo(yv[i] == 0 ? 0 : 1 / (1 - p));
        }
    }
}
