package dev.jacobi.nn.layers;

import dev.jacobi.nn.LayerChecks;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * LayerNorm, RMSNorm and LowPrecisionLayerNorm against float64 formulas written here, with random
 * weights and biases, and LayerNorm/RMSNorm gradients against finite differences. Float64 outputs agree to
 * 1e-12 (rows of at most 12 values of order one); the bf16 layer to one bf16 step (2^-8 relative, plus the
 * error of rounding the input to bf16 first, which the reference also does).
 */
class NormalizationProperties {

    @Test
    void layerNormMatchesFormulaAndFiniteDifferences() {
        qt().withExamples(15).forAll(longs().all(), integers().between(1, 12), integers().between(1, 3)).checkAssert((seed, dim, rows) -> {
            Generator gen = Generator.seeded(seed);
            LayerNorm ln = LayerNorm.of(new int[] {dim}, 1e-5, true, true, DType.FLOAT64);
            randomize(ln, gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, rows, 2, dim).mul(3).add(1);
            double[] w = ln.weight().toDoubleArray();
            double[] b = ln.bias().toDoubleArray();
            double[] xv = x.toDoubleArray();
            double[] expect = new double[xv.length];
            for (int r = 0; r < xv.length / dim; r++) {
                double mean = 0;
                for (int i = 0; i < dim; i++) {
                    mean += xv[r * dim + i] / dim;
                }
                double var = 0;
                for (int i = 0; i < dim; i++) {
                    var += (xv[r * dim + i] - mean) * (xv[r * dim + i] - mean) / dim;
                }
                for (int i = 0; i < dim; i++) {
                    expect[r * dim + i] = (xv[r * dim + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
                }
            }
            assertThat(LayerChecks.maxAbsDiff(ln.forward(x), Tensor.of(expect, x.shape()))).isLessThan(1e-12);
            LayerChecks.gradCheck(ln, x).assertPassed();
        });
    }

    @Test
    void layerNormOverSeveralTrailingDimensionsEqualsFlattened() {
        Generator gen = Generator.seeded(3);
        LayerNorm ln = LayerNorm.of(new int[] {3, 4}, 1e-5, true, true, DType.FLOAT64);
        randomize(ln, gen);
        LayerNorm flat = LayerNorm.of(new int[] {12}, 1e-5, true, true, DType.FLOAT64);
        flat.loadStateDict(java.util.Map.of("weight", ln.weight().reshape(12), "bias", ln.bias().reshape(12)), true);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 3, 4);
        assertThat(LayerChecks.maxAbsDiff(ln.forward(x), flat.forward(x.reshape(2, 12)).reshape(2, 3, 4))).isZero();
        LayerChecks.gradCheck(ln, x).assertPassed();
        assertThatThrownBy(() -> ln.forward(Tensor.zeros(DType.FLOAT64, 2, 4, 3)))
                .hasMessage("LayerNorm([3, 4], eps=1.0E-5, affine=true): input must end in [3, 4], shape is [2, 4, 3]");
    }

    @Test
    void rmsNormMatchesFormulaAndFiniteDifferences() {
        qt().withExamples(15).forAll(longs().all(), integers().between(1, 12)).checkAssert((seed, dim) -> {
            Generator gen = Generator.seeded(seed);
            RMSNorm norm = RMSNorm.of(new int[] {dim}, 1e-6, DType.FLOAT64);
            randomize(norm, gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, dim);
            double[] w = norm.weight().toDoubleArray();
            double[] xv = x.toDoubleArray();
            double[] expect = new double[xv.length];
            for (int r = 0; r < 3; r++) {
                double ms = 0;
                for (int i = 0; i < dim; i++) {
                    ms += xv[r * dim + i] * xv[r * dim + i] / dim;
                }
                for (int i = 0; i < dim; i++) {
                    expect[r * dim + i] = xv[r * dim + i] / Math.sqrt(ms + 1e-6) * w[i];
                }
            }
            assertThat(LayerChecks.maxAbsDiff(norm.forward(x), Tensor.of(expect, 3, dim))).isLessThan(1e-12);
            LayerChecks.gradCheck(norm, x).assertPassed();
        });
        // Without an eps, PyTorch uses the input dtype's machine epsilon.
        assertThat(RMSNorm.machineEpsilon(DType.FLOAT32)).isEqualTo(0x1p-23);
        assertThat(RMSNorm.machineEpsilon(DType.BFLOAT16)).isEqualTo(0x1p-7);
    }

    @Test
    void lowPrecisionLayerNormStoresBf16AndComputesInFloat32() {
        qt().withExamples(15).forAll(longs().all(), integers().between(2, 40)).checkAssert((seed, dim) -> {
            Generator gen = Generator.seeded(seed);
            LowPrecisionLayerNorm ln = LowPrecisionLayerNorm.of(dim, 1e-12);
            randomize(ln, gen);
            assertThat(ln.parameters()).allMatch(p -> p.dtype() == DType.BFLOAT16);
            Tensor x = Tensor.randn(gen, DType.FLOAT32, 3, dim).mul(4).add(100);
            Tensor y = ln.forward(x);
            assertThat(y.dtype()).isEqualTo(DType.BFLOAT16);
            // Reference: the input rounded to bf16 (as autocast does), then LayerNorm in float64.
            double[] xv = x.to(DType.BFLOAT16).toDoubleArray();
            double[] w = ln.weight().toDoubleArray();
            double[] b = ln.bias().toDoubleArray();
            double[] yv = y.toDoubleArray();
            for (int r = 0; r < 3; r++) {
                double mean = 0;
                for (int i = 0; i < dim; i++) {
                    mean += xv[r * dim + i] / dim;
                }
                double var = 0;
                for (int i = 0; i < dim; i++) {
                    var += (xv[r * dim + i] - mean) * (xv[r * dim + i] - mean) / dim;
                }
                for (int i = 0; i < dim; i++) {
                    double e = (xv[r * dim + i] - mean) / Math.sqrt(var + 1e-12) * w[i] + b[i];
                    assertThat(Math.abs(yv[r * dim + i] - e)).isLessThanOrEqualTo(0x1p-8 * Math.abs(e) + 1e-5);
                }
            }
        });
    }

    /** Weights 1 + 0.5 N(0, 1) and biases 0.5 N(0, 1), so that they are not the trivial ones and zeros. */
    static void randomize(dev.jacobi.nn.Module m, Generator gen) {
        try (var g = Autograd.noGrad()) {
            m.namedParameters().forEach((name, p) -> p.copyFrom(gen.normal(DType.FLOAT64, name.endsWith("bias") ? 0 : 1, 0.5, p.shape())));
        }
    }
}
