package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradCheck;
import dev.jacobi.tensor.autograd.GradMode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * {@link BitLinear}: the packed integer path and the float fake-quantization path against a float64
 * reference built from the public quantizers (spec property 3), the straight-through gradients
 * (property 6, and a finite-difference check of the straight-through surrogate), and its settings.
 *
 * <p>Tolerances are in units of a row's "mass" {@code Σ_j |x̂_j ŵ_j|} (dequantized values): the
 * integer path is exact up to its final rescale (two float32 roundings, 2^-23 relative), the float
 * path sums in float32 (recursive-summation bound (in + 4)·2^-24 of the mass).
 */
class BitLinearProperties {

    private static BitLinear.Config config(int variant, boolean bias) {
        BitLinear.Norm norm = BitLinear.Norm.values()[variant % 4];
        Ternary.Measure measure = Ternary.Measure.values()[(variant / 4) % 2];
        int q = variant / 8 % 2 == 0 ? 127 : 128;
        return new BitLinear.Config(measure, q, norm, bias);
    }

    @Test
    void packedAndFloatPathsAgreeWithTheFloat64ReferenceOfTheDequantizedProduct() {
        qt().withExamples(25).forAll(longs().all(), integers().between(1, 300), integers().between(1, 24), integers().between(0, 31))
                .checkAssert((seed, in, out, variant) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int rows = r.nextInt(1, 5);
                    BitLinear layer = BitLinear.of(in, out, config(variant, variant % 3 == 0), Generator.seeded(seed));
                    Tensor x = Tensor.randn(Generator.seeded(seed + 1), DType.FLOAT32, rows, in).mul(r.nextDouble(0.1, 10));
                    Tensor floatPath;
                    Tensor xn;
                    try (GradMode g = Autograd.noGrad()) {
                        floatPath = layer.forward(x);
                        xn = layer.normalize(x); // the norms themselves are checked in the surrogate test below
                    }
                    Tensor packed = layer.usePackedInference(true).forward(x);
                    assertThat(packed.shape()).containsExactly(rows, out);
                    assertThat(packed.requiresGrad()).isFalse();

                    // Reference: quantize with the public API, then Σ_j (x̃_j / s)(γ w̃_j) in float64 from the
                    // integer codes.
                    TernaryTensor w = Ternary.quantize(layer.weight(), layer.config().weightMeasure());
                    QuantizedActivations a = ActivationQuant.absmax(xn, layer.config().activationBound());
                    int[] wc = w.codes().toIntArray();
                    int[] xc = a.codes().toIntArray();
                    double[] s = a.scales().toDoubleArray();
                    double[] bias = layer.bias() == null ? new double[out] : layer.bias().toDoubleArray();
                    double[] fp = floatPath.toDoubleArray();
                    double[] pk = packed.toDoubleArray();
                    for (int i = 0; i < rows; i++) {
                        for (int o = 0; o < out; o++) {
                            double y = 0;
                            double mass = Math.abs(bias[o]);
                            for (int j = 0; j < in; j++) {
                                double t = (xc[i * in + j] / s[i]) * ((double) w.scale() * wc[o * in + j]);
                                y += t;
                                mass += Math.abs(t);
                            }
                            y += bias[o];
                            assertThat(pk[i * out + o]).as("packed [%d, %d]", i, o).isCloseTo(y, within(0x1p-23 * mass));
                            assertThat(fp[i * out + o]).as("float [%d, %d]", i, o).isCloseTo(y, within((in + 4) * 0x1p-24 * mass));
                        }
                    }
                });
    }

    @Test
    void straightThroughGradientsAreThoseOfALinearLayerFedTheDequantizedValues() {
        // Spec property 6 (no norm, so X itself is quantized): ∂(Σ Y⊙G)/∂W = Gᵀ X̂ and ∂/∂X = G Ŵ,
        // written out in float64; float32 sums of at most 40 terms: tolerance 1e-5 of the mass.
        qt().withExamples(20).forAll(longs().all(), integers().between(1, 40), integers().between(1, 24), integers().between(1, 5))
                .checkAssert((seed, in, out, rows) -> {
                    BitLinear layer = BitLinear.of(in, out, BitLinear.Config.bitnet158().withNorm(BitLinear.Norm.NONE), Generator.seeded(seed));
                    Tensor x = Tensor.randn(Generator.seeded(seed + 7), DType.FLOAT32, rows, in).requiresGrad(true);
                    Tensor gOut = Tensor.randn(Generator.seeded(seed + 8), DType.FLOAT32, rows, out);
                    layer.forward(x).mul(gOut).sum().backward();
                    double[] xh = ActivationQuant.absmax8(x.detach()).dequantize().toDoubleArray();
                    double[] wh = layer.ternaryWeight().dequantize().toDoubleArray();
                    double[] g = gOut.toDoubleArray();
                    double[] gw = layer.weight().grad().toDoubleArray();
                    double[] gx = x.grad().toDoubleArray();
                    for (int o = 0; o < out; o++) {
                        for (int j = 0; j < in; j++) {
                            double ref = 0;
                            double mass = 0;
                            for (int i = 0; i < rows; i++) {
                                ref += g[i * out + o] * xh[i * in + j];
                                mass += Math.abs(g[i * out + o] * xh[i * in + j]);
                            }
                            assertThat(gw[o * in + j]).isCloseTo(ref, within(1e-5 * mass + 1e-12));
                        }
                    }
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < in; j++) {
                            double ref = 0;
                            double mass = 0;
                            for (int o = 0; o < out; o++) {
                                ref += g[i * out + o] * wh[o * in + j];
                                mass += Math.abs(g[i * out + o] * wh[o * in + j]);
                            }
                            assertThat(gx[i * in + j]).isCloseTo(ref, within(1e-5 * mass + 1e-12));
                        }
                    }
                });
    }

    @Test
    void gradientsEqualThoseOfTheStraightThroughSurrogateWhichGradCheckConfirms() {
        // The STE's surrogate: each quantizer replaced by v ↦ v + c, c = λ(q(v₀) - v₀) frozen at the base
        // point. Its derivative, checked by finite differences in float64, is what the layer's autograd
        // must give at the base point, for every norm and strength (float32 layer: 1e-4 relative).
        long[] seeds = {3, 17};
        double[] strengths = {1, 0.5};
        for (BitLinear.Norm norm : List.of(BitLinear.Norm.RMS, BitLinear.Norm.LAYER_NORM, BitLinear.Norm.NONE)) {
            for (int k = 0; k < seeds.length; k++) {
                long seed = seeds[k];
                double lambda = strengths[k % 2];
                BitLinear layer = BitLinear.of(7, 4, BitLinear.Config.bitnet158().withNorm(norm).withBias(true), Generator.seeded(seed))
                        .setQuantizationStrength(lambda);
                Tensor x0 = Tensor.randn(Generator.seeded(seed + 1), DType.FLOAT32, 2, 7);
                Tensor w0 = layer.weight().detach();
                Tensor b0 = layer.bias().detach();
                Tensor xn0;
                Tensor cx;
                Tensor cw;
                try (GradMode g = Autograd.noGrad()) {
                    xn0 = layer.normalize(x0);
                    cx = ActivationQuant.absmax8(xn0).dequantize().sub(xn0).mul(lambda).to(DType.FLOAT64);
                    cw = layer.ternaryWeight().dequantize().sub(w0).mul(lambda).to(DType.FLOAT64);
                }
                java.util.function.Function<List<Tensor>, Tensor> surrogate = in -> {
                    Tensor x = in.get(0);
                    Tensor xn = switch (norm) {
                        case NONE -> x;
                        case RMS -> x.mul(x.square().mean(new int[] {1}, true).add(1e-5).rsqrt());
                        case LAYER_NORM -> x.layerNorm(null, null, 1e-5);
                        default -> throw new IllegalStateException();
                    };
                    return xn.add(cx).matmul(in.get(1).add(cw).mT()).add(in.get(2));
                };
                GradCheck.check(surrogate, List.of(x0, w0, b0), GradCheck.Options.defaults().withTolerance(1e-6, 1e-5)).assertPassed();

                Tensor gOut = Tensor.randn(Generator.seeded(seed + 2), DType.FLOAT64, 2, 4);
                Tensor xs = x0.to(DType.FLOAT64).requiresGrad(true);
                Tensor ws = w0.to(DType.FLOAT64).requiresGrad(true);
                Tensor bs = b0.to(DType.FLOAT64).requiresGrad(true);
                Tensor ySur = surrogate.apply(List.of(xs, ws, bs));
                ySur.mul(gOut).sum().backward();

                Tensor xl = x0.copy().requiresGrad(true);
                Tensor yLayer = layer.forward(xl);
                yLayer.mul(gOut.to(DType.FLOAT32)).sum().backward();
                String where = norm + ", seed " + seed + ", λ " + lambda;
                assertClose(yLayer, ySur, "output, " + where);
                assertClose(xl.grad(), xs.grad(), "∂X, " + where);
                assertClose(layer.weight().grad(), ws.grad(), "∂W, " + where);
                assertClose(layer.bias().grad(), bs.grad(), "∂b, " + where);
            }
        }
    }

    private static void assertClose(Tensor actual, Tensor expected, String what) {
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s [%d]", what, i).isCloseTo(e[i], within(1e-4 * (scale + 1e-3)));
        }
    }

    @Test
    void zeroStrengthIsTheUnquantizedLayerAndHalfStrengthIsHalfway() {
        BitLinear layer = BitLinear.of(16, 4, BitLinear.Config.reloaded(), Generator.seeded(5));
        Tensor x = Tensor.randn(Generator.seeded(6), DType.FLOAT32, 2, 16);
        try (GradMode g = Autograd.noGrad()) {
            Tensor xn = layer.normalize(x);
            Tensor plain = xn.matmul(layer.weight().mT());
            Tensor quantized = layer.forward(x);
            assertClose(layer.setQuantizationStrength(0).forward(x), plain, "λ = 0");
            assertClose(layer.setQuantizationStrength(0.5).forward(x),
                    ActivationQuant.absmax(xn, 128).dequantize().add(xn).mul(0.5)
                            .matmul(layer.ternaryWeight().dequantize().add(layer.weight()).mul(0.5).mT()), "λ = 1/2");
            assertThat(quantized.toDoubleArray()).isNotEqualTo(plain.toDoubleArray());
        }
    }

    @Test
    void thePackedPathRepacksAfterTheWeightChanges() {
        BitLinear layer = BitLinear.of(130, 3, Generator.seeded(1)).usePackedInference(true);
        Tensor x = Tensor.randn(Generator.seeded(2), DType.FLOAT32, 4, 2, 130);
        Tensor before = layer.forward(x);
        assertThat(before.shape()).containsExactly(4, 2, 3);
        try (GradMode g = Autograd.noGrad()) {
            layer.weight().mulInPlace(-1);
        }
        // Negating W negates every code and keeps γ: the output flips sign exactly.
        double[] after = layer.forward(x).toDoubleArray();
        double[] b = before.toDoubleArray();
        for (int i = 0; i < b.length; i++) {
            assertThat(after[i]).isEqualTo(-b[i]);
        }
    }

    @Test
    void parametersHaveTorchNames() {
        assertThat(BitLinear.of(4, 3, BitLinear.Config.bitnet158().withNorm(BitLinear.Norm.RMS_AFFINE).withBias(true), Generator.seeded(0))
                .namedParameters().keySet()).containsExactly("weight", "bias", "norm.weight");
        assertThat(BitLinear.of(4, 3, Generator.seeded(0)).namedParameters().keySet()).containsExactly("weight");
    }

    @Test
    void badInputIsRejected() {
        BitLinear layer = BitLinear.of(4, 3, Generator.seeded(0));
        assertThatThrownBy(() -> layer.forward(Tensor.zeros(DType.FLOAT32, 2, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("BitLinear(").hasMessageContaining("[2, 5]");
        assertThatThrownBy(() -> layer.forward(Tensor.ofInts(new int[] {1, 2, 3, 4}, 1, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int32");
        assertThatThrownBy(() -> layer.setQuantizationStrength(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new BitLinear.Config(Ternary.Measure.ABSMEAN, 100, BitLinear.Norm.NONE, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100");
        assertThatThrownBy(() -> BitLinear.of(0, 3, Generator.seeded(0))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in=0");
    }
}
