package dev.jacobi.nn.layers;

import dev.jacobi.nn.LayerChecks;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Linear: y = x W^T + b against a float64 loop, gradients by finite differences, PyTorch's default init. */
class LinearProperties {

    @Test
    void matchesFloat64LoopOnAnyLeadingShape() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 7), integers().between(1, 7), integers().between(0, 7))
                .checkAssert((seed, in, out, leadAndBias) -> {
            int lead = leadAndBias / 2;
            boolean bias = leadAndBias % 2 == 1;
            Generator gen = Generator.seeded(seed);
            Linear l = Linear.of(in, out, bias, DType.FLOAT64, gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, lead + 1, 2, in);
            Tensor y = l.forward(x);
            assertThat(y.shape()).containsExactly(lead + 1, 2, out);
            double[] xv = x.toDoubleArray();
            double[] w = l.weight().toDoubleArray();
            double[] b = bias ? l.bias().toDoubleArray() : new double[out];
            double[] expect = new double[(lead + 1) * 2 * out];
            for (int r = 0; r < (lead + 1) * 2; r++) {
                for (int o = 0; o < out; o++) {
                    double s = b[o];
                    for (int i = 0; i < in; i++) {
                        s += xv[r * in + i] * w[o * in + i];
                    }
                    expect[r * out + o] = s;
                }
            }
            // float64 throughout: the only difference is summation order, a few ulps of sums of order 10.
            assertThat(LayerChecks.maxAbsDiff(y, Tensor.of(expect, expect.length).reshape(y.shape()))).isLessThan(1e-12);
        });
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        qt().withExamples(15).forAll(longs().all(), integers().between(1, 5), integers().between(1, 5), booleans().all())
                .checkAssert((seed, in, out, bias) -> {
                    Generator gen = Generator.seeded(seed);
                    Linear l = Linear.of(in, out, bias, gen);
                    LayerChecks.gradCheck(l, Tensor.randn(gen, DType.FLOAT32, 3, in)).assertPassed();
                });
    }

    @Test
    void defaultInitIsBoundedByOneOverSqrtFanIn() {
        Linear l = Linear.of(50, 400, Generator.seeded(3));
        double bound = 1 / Math.sqrt(50);
        assertThat(java.util.Arrays.stream(l.weight().toDoubleArray()).boxed().toList()).allMatch(v -> Math.abs(v) <= bound * (1 + 1e-6));
        assertThat(java.util.Arrays.stream(l.bias().toDoubleArray()).boxed().toList()).allMatch(v -> Math.abs(v) <= bound * (1 + 1e-6));
        // Same seed, same layer.
        assertThat(Linear.of(50, 400, Generator.seeded(3)).weight().toFloatArray()).containsExactly(l.weight().toFloatArray());
        assertThat(l.parameters()).hasSize(2);
        assertThat(l.stateDict().keySet()).containsExactly("weight", "bias");
    }

    @Test
    void wrongInputSizeNamesTheLayerAndShape() {
        Linear l = Linear.of(4, 3, Generator.seeded(1));
        assertThatThrownBy(() -> l.forward(Tensor.zeros(DType.FLOAT32, 2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Linear(in=4, out=3): input must be [..., 4], shape is [2, 5]");
    }
}
