package dev.jacobi.nn.layers;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** GroupNorm equals a naive float64 loop over groups, and its gradients match finite differences. */
class GroupNormProperties {

    @Test
    void matchesNaiveGroupStatistics() {
        qt().withExamples(20).forAll(longs().all(), integers().between(1, 3), integers().between(1, 3), integers().between(1, 4))
                .checkAssert((seed, groups, perGroup, side) -> {
                    int n = 2;
                    int c = groups * perGroup;
                    Generator gen = Generator.seeded(seed);
                    Tensor x = Tensor.randn(gen, DType.FLOAT64, n, c, side, side + 1).mul(3).add(1);
                    GroupNorm layer = GroupNorm.of(groups, c, 1e-5, true, DType.FLOAT64);
                    Tensor w = Tensor.randn(gen, DType.FLOAT64, c);
                    Tensor b = Tensor.randn(gen, DType.FLOAT64, c);
                    try (var off = Autograd.noGrad()) {
                        layer.weight().copyFrom(w);
                        layer.bias().copyFrom(b);
                    }
                    Tensor y = layer.forward(x);
                    int positions = side * (side + 1);
                    for (int i = 0; i < n; i++) {
                        for (int g = 0; g < groups; g++) {
                            double sum = 0;
                            double sq = 0;
                            int count = perGroup * positions;
                            for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                                for (int p = 0; p < positions; p++) {
                                    double v = x.getDouble(i, ch, p / (side + 1), p % (side + 1));
                                    sum += v;
                                    sq += v * v;
                                }
                            }
                            double mean = sum / count;
                            double var = sq / count - mean * mean;
                            for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                                for (int p = 0; p < positions; p++) {
                                    double v = x.getDouble(i, ch, p / (side + 1), p % (side + 1));
                                    double expect = (v - mean) / Math.sqrt(var + 1e-5) * w.getDouble(ch) + b.getDouble(ch);
                                    // float64 throughout; the one-pass variance loses a few ulps of var ~ 9.
                                    assertThat(y.getDouble(i, ch, p / (side + 1), p % (side + 1))).isCloseTo(expect, within(1e-10));
                                }
                            }
                        }
                    }
                });
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Generator gen = Generator.seeded(7);
        GroupNorm layer = GroupNorm.of(2, 4, 1e-5, true, DType.FLOAT64);
        try (var off = Autograd.noGrad()) {
            layer.weight().copyFrom(Tensor.randn(gen, DType.FLOAT64, 4));
        }
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 4, 3, 2);
        GradCheck.check(t -> layer.forward(t).square().sum(), x).assertPassed();
    }

    @Test
    void channelsMustSplitIntoGroups() {
        assertThatThrownBy(() -> GroupNorm.of(3, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("GroupNorm: channels must be a positive multiple of groups, got 4 channels in 3 groups");
        assertThatThrownBy(() -> GroupNorm.of(2, 4).forward(Tensor.zeros(DType.FLOAT32, 1, 3, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 3, 2, 2]");
    }
}
