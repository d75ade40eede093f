package dev.jacobi.algorithms.compress;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.GradCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The bottleneck oracles of walloc.md section 5, and Φ⁻¹ against known quantiles and its derivative. */
class BottleneckProperties {

    @Test
    void constantsFollowTheReference() {
        Bottleneck b = new Bottleneck(8);
        assertThat(b.maxLevel()).isEqualTo(127);
        assertThat(b.scale()).isEqualTo(127 / 1.85);
        assertThat(b.halfWidth()).isEqualTo(127.499);
        assertThatThrownBy(() -> new Bottleneck(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Bottleneck: latent bits must be in 2..16, got 1");
    }

    @Test
    void toNormalInvertsToUniformInsideTheClip() {
        qt().withExamples(20).forAll(longs().all(), integers().between(2, 12)).checkAssert((seed, bits) -> {
            Bottleneck b = new Bottleneck(bits);
            // |z| <= 3.7 s stays inside the clip [1e-4, 0.9999] (Φ(3.719) = 0.9999).
            Tensor z = Tensor.rand(Generator.seeded(seed), DType.FLOAT64, 500).sub(0.5).mul(2 * 3.7 * b.scale());
            Tensor u = b.toUniform(z);
            double m = b.halfWidth();
            assertThat(u.abs().max().item()).isLessThan(m);
            // Φ⁻¹(Φ(x)) loses about 1e-16 / φ(3.7) ≈ 3e-13 relative at the clip edge; times s <= 1107.
            double[] back = b.toNormal(u).toDoubleArray();
            double[] zs = z.toDoubleArray();
            for (int i = 0; i < zs.length; i++) {
                assertThat(back[i]).isCloseTo(zs[i], within(1e-9 * b.scale()));
            }
        });
    }

    @Test
    void roundedLatentsAreIntegersInRange() {
        qt().withExamples(20).forAll(longs().all(), integers().between(2, 10)).checkAssert((seed, bits) -> {
            Bottleneck b = new Bottleneck(bits);
            // Far outside the Gaussian range too: u saturates below m, so rounding stays in range.
            Tensor z = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2000).mul(10 * b.scale());
            double[] q = b.round(b.toUniform(z)).toDoubleArray();
            for (double v : q) {
                assertThat(v).isEqualTo(Math.rint(v)).isBetween((double) -b.maxLevel(), (double) b.maxLevel());
            }
            assertThat(q).contains((double) b.maxLevel(), (double) -b.maxLevel());
        });
    }

    @Test
    void trainingNoiseHasMeanZeroAndVarianceOneTwelfth() {
        Bottleneck b = new Bottleneck(8);
        int n = 100_000;
        Tensor u = Tensor.randn(Generator.seeded(1), DType.FLOAT64, n).mul(30);
        double[] e = b.addNoise(u, Generator.seeded(2)).sub(u).toDoubleArray();
        double mean = 0;
        double sq = 0;
        for (double v : e) {
            mean += v;
            sq += v * v;
        }
        mean /= n;
        double var = sq / n - mean * mean;
        // 4σ bands: sd of the mean sqrt(1/12/n) = 9.1e-4; sd of the variance estimate sqrt(1/180/n) = 2.4e-4.
        assertThat(mean).isCloseTo(0, within(4 * 9.2e-4));
        assertThat(var).isCloseTo(1.0 / 12, within(4 * 2.4e-4));
        for (double v : e) {
            assertThat(v).isBetween(-0.5, 0.5);
        }
    }

    @Test
    void normalQuantileMatchesKnownValuesAndHasTheInversePdfSlope() {
        // Φ⁻¹ at 0.975, 0.9999, 1e-4 and 0.5 as scipy.special.ndtri gives them.
        assertThat(Bottleneck.inverseNormalCdf(0.975)).isCloseTo(1.959963984540054, within(1e-13));
        assertThat(Bottleneck.inverseNormalCdf(0.9999)).isCloseTo(3.719016485455709, within(1e-12));
        assertThat(Bottleneck.inverseNormalCdf(1e-4)).isCloseTo(-3.719016485455709, within(1e-12));
        assertThat(Bottleneck.inverseNormalCdf(0.5)).isCloseTo(0, within(1e-15));
        Tensor p = Tensor.of(new double[] {0.01, 0.3, 0.5, 0.77, 0.999}, 5);
        GradCheck.check(t -> Bottleneck.normalQuantile(t), p).assertPassed();
        Bottleneck b = new Bottleneck(6);
        Tensor z = Tensor.of(new double[] {-30, -5, 0.3, 4, 12}, 5);
        GradCheck.check(t -> b.toNormal(b.toUniform(t)), z).assertPassed();
    }
}
