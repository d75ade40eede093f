package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** WaLLoC's channel layout: inverse, gradients (true transposes), linearity, shift and error messages. */
class WaveletPacket2DProperties {
    private static final Wavelet BIOR44 = Wavelet.named("bior4.4");

    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    /**
     * fromChannels(toChannels(x)) = x for J in 1..3, down to N = 2 and 4 per level (true circular wrap).
     * Tolerance 1e-10: pywt's bior4.4 taps carry ~1e-12 rounding (spec section 5), amplified by J levels.
     */
    @Test
    void fromChannelsInvertsToChannelsInFloat64() {
        qt().withExamples(20).forAll(longs().all(), integers().between(1, 3), integers().between(1, 3))
                .checkAssert((seed, levels, scale) -> {
                    int h = (1 << levels) * scale;
                    int w = (1 << levels) * (4 - scale);
                    Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2, h, w);
                    Tensor y = WaveletPacket2D.toChannels(x, BIOR44, levels);
                    assertThat(y.shape()).containsExactly(2 << (2 * levels), scale, 4 - scale);
                    assertThat(maxAbsDiff(WaveletPacket2D.fromChannels(y, BIOR44, levels), x))
                            .as("seed %d", seed).isLessThan(1e-10);
                });
    }

    /** float32 round trip on a WaLLoC-sized image, 1e-5 as the spec's oracle (float32 eps ~ 1.2e-7 times ~60 terms). */
    @Test
    void fromChannelsInvertsToChannelsInFloat32() {
        Tensor x = Tensor.rand(Generator.seeded(7), DType.FLOAT32, 3, 32, 32).sub(0.5);
        Tensor y = WaveletPacket2D.toChannels(x, BIOR44, 3);
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(y.shape()).containsExactly(192, 4, 4);
        assertThat(maxAbsDiff(WaveletPacket2D.fromChannels(y, BIOR44, 3), x)).isLessThan(1e-5);
    }

    /** Finite differences against autograd, both directions, float64 (GradCheck defaults: 1e-6 + 1e-5 rel). */
    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor x = Tensor.randn(Generator.seeded(11), DType.FLOAT64, 1, 2, 8, 4);
        GradCheck.check(t -> WaveletPacket2D.toChannels(t, BIOR44, 2), x).assertPassed();
        Tensor y = Tensor.randn(Generator.seeded(12), DType.FLOAT64, 1, 32, 2, 1);
        GradCheck.check(t -> WaveletPacket2D.fromChannels(t, BIOR44, 2), y).assertPassed();
    }

    /**
     * The gradient is the transpose, not the inverse: <toChannels(x), g> = <x, grad> exactly (1e-12), and
     * for bior4.4 the transpose differs from fromChannels (biorthogonal filters are not orthogonal).
     */
    @Test
    void gradientIsTheTransposeNotTheInverse() {
        Tensor x = Tensor.randn(Generator.seeded(3), DType.FLOAT64, 1, 16, 16).requiresGrad(true);
        Tensor g = Tensor.randn(Generator.seeded(4), DType.FLOAT64, 16, 4, 4);
        Tensor y = WaveletPacket2D.toChannels(x, BIOR44, 2);
        Tensor grad = Autograd.grad(y, List.of(x), g, false).get(0);
        double lhs = y.detach().mul(g).sum().item();
        double rhs = x.detach().mul(grad).sum().item();
        assertThat(Math.abs(lhs - rhs)).isLessThan(1e-12 * Math.max(1, Math.abs(lhs)));
        assertThat(maxAbsDiff(grad, WaveletPacket2D.fromChannels(g, BIOR44, 2))).isGreaterThan(1e-3);
    }

    /** Linear, and a circular shift by 2^J pixels shifts every channel by one (exact up to rounding, 1e-12). */
    @Test
    void linearAndShiftCovariant() {
        Generator gen = Generator.seeded(5);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 1, 16, 8);
        Tensor z = Tensor.randn(gen, DType.FLOAT64, 1, 16, 8);
        Tensor lhs = WaveletPacket2D.toChannels(x.mul(2.5).add(z.mul(-0.75)), BIOR44, 2);
        Tensor rhs = WaveletPacket2D.toChannels(x, BIOR44, 2).mul(2.5).add(WaveletPacket2D.toChannels(z, BIOR44, 2).mul(-0.75));
        assertThat(maxAbsDiff(lhs, rhs)).isLessThan(1e-12);
        Tensor shifted = Tensor.concat(List.of(x.slice(1, 4, 16), x.slice(1, 0, 4)), 1);
        Tensor y = WaveletPacket2D.toChannels(x, BIOR44, 2);
        Tensor ys = WaveletPacket2D.toChannels(shifted, BIOR44, 2);
        Tensor expected = Tensor.concat(List.of(y.slice(1, 1, 4), y.slice(1, 0, 1)), 1);
        assertThat(maxAbsDiff(ys, expected)).isLessThan(1e-12);
    }

    @Test
    void sizesNotDivisibleBy2PowJAreRejectedWithTheShape() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 3, 12, 16);
        assertThatThrownBy(() -> WaveletPacket2D.toChannels(x, BIOR44, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("WaveletPacket2D.toChannels")
                .hasMessageContaining("[3, 12, 16]").hasMessageContaining("2^3 = 8");
        assertThatThrownBy(() -> WaveletPacket2D.fromChannels(Tensor.zeros(DType.FLOAT32, 6, 2, 2), BIOR44, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a multiple of 4^1 = 4");
        assertThatThrownBy(() -> Wavelet.named("bior9.9")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown wavelet 'bior9.9'");
    }
}
