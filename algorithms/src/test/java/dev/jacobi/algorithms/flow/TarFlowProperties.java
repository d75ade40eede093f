package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The TarFlow forward pass: invertible by the sequential inverse, its log-determinant the log|det| of
 * the autograd Jacobian, the loss a Gaussian likelihood, blocks alternating, names as the reference.
 */
class TarFlowProperties {

    @Test
    void sequentialInverseUndoesForwardInFloat32() {
        qt().withExamples(8).forAll(longs().all(), integers().between(2, 4), integers().between(2, 4))
                .checkAssert((seed, half, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(2 * half, blocks, DType.FLOAT32, gen);
            Tensor x = TinyFlows.latent(model, 4, gen);
            Tensor z;
            try (var g = Autograd.noGrad()) {
                z = model.forward(x, null).z();
            }
            Tensor back = FlowSampler.sampleSequential(model, z, null).sequence();
            // The inverse recomputes a and b from its own float32 reconstruction, so rounding (6e-8
            // relative per op) compounds over K blocks of 2 layers on values up to ~4: errors of
            // 2e-7..1e-6 are seen; 1e-5 is the spec's bound.
            assertThat(TinyFlows.maxAbsDiff(back, x)).isLessThan(1e-5);
        });
    }

    @Test
    void sequentialInverseUndoesForwardInFloat64() {
        qt().withExamples(4).forAll(longs().all(), integers().between(2, 4), integers().between(2, 4))
                .checkAssert((seed, half, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(2 * half, blocks, DType.FLOAT64, gen);
            Tensor x = TinyFlows.latent(model, 3, gen);
            Tensor z;
            try (var g = Autograd.noGrad()) {
                z = model.forward(x, null).z();
            }
            // float64: the same rounding argument at 1e-16 per op.
            assertThat(TinyFlows.maxAbsDiff(FlowSampler.sampleSequential(model, z, null).sequence(), x)).isLessThan(1e-11);
        });
    }

    @Test
    void logDetIsLogAbsDetOfTheAutogradJacobian() {
        qt().withExamples(4).forAll(longs().all()).checkAssert(seed -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(4, 2, DType.FLOAT64, gen); // T = 4, D = 4: a 16 x 16 Jacobian
            Tensor x = TinyFlows.latent(model, 1, gen);
            int n = 16;
            for (int k = 0; k < 2; k++) {
                FlowBlock block = model.blocks().get(k);
                double[][] jac = new double[n][n];
                for (int i = 0; i < n; i++) {
                    double[] e = new double[n];
                    e[i] = 1;
                    Tensor column = Autograd.jvp(v -> block.forward(v, null).z(), x, Tensor.of(e, 1, 4, 4)).tangent();
                    double[] c = column.toDoubleArray();
                    for (int r = 0; r < n; r++) {
                        jac[r][i] = c[r];
                    }
                }
                double logDet = block.forward(x, null).logDet().item() * n; // the mean form times T·D
                // float64 LU of a well-conditioned 16 x 16 matrix: agreement to ~1e-12.
                assertThat(logDet).isCloseTo(logAbsDet(jac), org.assertj.core.data.Offset.offset(1e-10));
                assertThat(Math.abs(logDet)).isGreaterThan(1e-3); // a non-trivial block
            }
            // The model sums the blocks' log-dets.
            TarFlow.FlowOutput out = model.forward(x, null);
            double sum = model.blocks().get(0).forward(x, null).logDet().item()
                    + model.blocks().get(1).forward(out.outputs().get(0), null).logDet().item();
            assertThat(out.logDet().item()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(out.totalLogDet().item()).isCloseTo(sum * n, org.assertj.core.data.Offset.offset(1e-10));
        });
    }

    /** log|det| by LU with partial pivoting, in float64. */
    private static double logAbsDet(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
        }
        double sum = 0;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            sum += Math.log(Math.abs(a[col][col]));
            for (int r = col + 1; r < n; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        return sum;
    }

    @Test
    void anUntrainedBlockIsTheBiasAffineMapAndTheLossItsGaussianLikelihood() {
        Generator gen = Generator.seeded(11);
        TarFlow model = TarFlow.create(new TarFlowConfig(1, 4, 2, 32, 1, 1, 16, 4, 0, DType.FLOAT64), gen);
        int t = 4;
        int d = 4;
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, t, d);
        TarFlow.FlowOutput out = model.forward(x, null);
        // proj_out's weight starts at zero (its bias does not, as in the reference), so every token t >= 1
        // gets the same a = bias[0:D], b = bias[D:2D], and token 0 none: the shift, seen directly.
        double[] bias = model.stateDict().get("blocks.0.proj_out.bias").toDoubleArray();
        double[] expect = new double[3 * t * d];
        double sumSquares = 0;
        for (int n = 0; n < 3; n++) {
            for (int tok = 0; tok < t; tok++) {
                for (int c = 0; c < d; c++) {
                    double v = x.getDouble(n, tok, c);
                    double z = tok == 0 ? v : (v - bias[d + c]) * Math.exp(-bias[c]);
                    expect[(n * t + tok) * d + c] = z;
                    sumSquares += z * z;
                }
            }
        }
        assertThat(TinyFlows.maxAbsDiff(out.z(), Tensor.of(expect, 3, t, d))).isLessThan(1e-14);
        double sumA = 0;
        for (int c = 0; c < d; c++) {
            sumA += bias[c];
        }
        double logDet = -(t - 1) * sumA; // T-1 tokens carry the scale: the true log|det|
        assertThat(out.totalLogDet().toDoubleArray()).containsExactly(new double[] {logDet, logDet, logDet}, org.assertj.core.data.Offset.offset(1e-13));
        // Loss per dimension: ½ mean(z²) − log|det| / (T·D); bits per dim adds the prior's ½ log 2π.
        double loss = 0.5 * sumSquares / expect.length - logDet / (t * d);
        assertThat(TarFlow.loss(out).item()).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-13));
        double nats = loss + 0.5 * Math.log(2 * Math.PI);
        assertThat(TarFlow.bitsPerDim(out)).isCloseTo(nats / Math.log(2), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void blocksAlternateTheTokenOrderWithAnInvolution() {
        TarFlow model = TinyFlows.model(4, 4, DType.FLOAT64, Generator.seeded(2));
        Tensor x = Tensor.randn(Generator.seeded(3), DType.FLOAT64, 2, 4, 4);
        for (int k = 0; k < 4; k++) {
            FlowBlock block = model.blocks().get(k);
            assertThat(block.reversed()).isEqualTo(k % 2 == 1);
            assertThat(block.permute(block.permute(x)).toDoubleArray()).containsExactly(x.toDoubleArray());
        }
        assertThat(model.blocks().get(1).permute(x).getDouble(1, 0, 2)).isEqualTo(x.getDouble(1, 3, 2));
    }

    @Test
    void stateDictNamesFollowTheReference() {
        TarFlow model = TarFlow.create(new TarFlowConfig(3, 4, 2, 32, 2, 1, 16, 4, 5, DType.FLOAT32), Generator.seeded(1));
        Set<String> expected = new TreeSet<>(List.of("var"));
        for (int k = 0; k < 2; k++) {
            String p = "blocks." + k + ".";
            expected.addAll(List.of(p + "proj_in.weight", p + "proj_in.bias", p + "pos_embed", p + "class_embed",
                    p + "proj_out.weight", p + "proj_out.bias", p + "attn_mask"));
            String l = p + "attn_blocks.0.";
            for (String name : List.of("attention.norm", "attention.qkv", "attention.proj", "mlp.norm", "mlp.main.0", "mlp.main.2")) {
                expected.add(l + name + ".weight");
                expected.add(l + name + ".bias");
            }
        }
        assertThat(new TreeSet<>(model.stateDict().keySet())).isEqualTo(expected);
        var sd = model.stateDict();
        assertThat(sd.get("blocks.0.pos_embed").shape()).containsExactly(4, 32);
        assertThat(sd.get("blocks.0.class_embed").shape()).containsExactly(5, 1, 32);
        assertThat(sd.get("blocks.1.attn_blocks.0.attention.qkv.weight").shape()).containsExactly(96, 32);
        assertThat(sd.get("blocks.1.proj_out.weight").shape()).containsExactly(24, 32);
        assertThat(sd.get("var").shape()).containsExactly(4, 12);
    }

    @Test
    void classLabelsSelectTheirEmbeddingAndANegativeLabelTheMean() {
        Generator gen = Generator.seeded(4);
        TarFlow model = TarFlow.create(new TarFlowConfig(1, 4, 2, 32, 2, 1, 16, 4, 3, DType.FLOAT64), gen);
        try (var g = Autograd.noGrad()) {
            for (var e : model.namedParameters().entrySet()) {
                if (e.getKey().endsWith("proj_out.weight")) {
                    e.getValue().copyFrom(gen.normal(DType.FLOAT64, 0, 0.03, e.getValue().shape()));
                }
            }
        }
        Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 4, 4);
        Tensor unconditioned = model.forward(x, null).z();
        Tensor dropped = model.forward(x, new int[] {-1, -1}).z();
        Tensor labelled = model.forward(x, new int[] {2, 0}).z();
        // Same tensors, same ops: a dropped label is exactly the mean embedding.
        assertThat(dropped.toDoubleArray()).containsExactly(unconditioned.toDoubleArray());
        assertThat(TinyFlows.maxAbsDiff(labelled, unconditioned)).isGreaterThan(1e-8);
        // Labels condition the inverse the same way.
        Tensor back = FlowSampler.sample(model, labelled, List.of(BlockStrategy.sequential(), BlockStrategy.sequential()),
                new int[] {2, 0}).sequence();
        assertThat(TinyFlows.maxAbsDiff(back, x)).isLessThan(1e-12);
    }

    @Test
    void denoisingAGaussianModelShrinksByOneMinusSigmaSquaredOverVariance() {
        qt().withExamples(10).forAll(longs().all(), integers().between(1, 20), integers().between(1, 10)).checkAssert((seed, sTenths, sigmaTenths) -> {
            double s = sTenths / 10.0 + 0.2;
            double sigma = sigmaTenths / 20.0;
            Generator gen = Generator.seeded(seed);
            TarFlow model = TarFlow.create(new TarFlowConfig(1, 4, 2, 32, 1, 1, 16, 4, 0, DType.FLOAT64), gen);
            // Zero head weight, bias a = log s, b = 0: tokens 1.. are N(0, s²), token 0 (never scaled, the
            // shift) N(0, 1); Tweedie with m = 1 maps x to x (1 − σ²/variance).
            try (var g = Autograd.noGrad()) {
                double[] bias = new double[8];
                java.util.Arrays.fill(bias, 0, 4, Math.log(s));
                model.stateDict().get("blocks.0.proj_out.bias").copyFrom(Tensor.of(bias, 8));
            }
            Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, 4, 4);
            Tensor denoised = model.denoise(x, null, sigma, 1.0);
            double[] expect = x.toDoubleArray();
            for (int i = 0; i < expect.length; i++) {
                boolean firstToken = (i / 4) % 4 == 0;
                expect[i] *= 1 - sigma * sigma / (firstToken ? 1 : s * s);
            }
            // A gradient through exp(−a) and sums in float64: 1e-12.
            assertThat(TinyFlows.maxAbsDiff(denoised, Tensor.of(expect, 2, 4, 4))).isLessThan(1e-12);
            assertThat(model.parameters()).allSatisfy(p -> assertThat(p.grad()).isNull());
        });
    }

    @Test
    void wrongShapesNameTheExpectedSequence() {
        TarFlow model = TinyFlows.model(4, 2, DType.FLOAT32, Generator.seeded(1));
        assertThatThrownBy(() -> model.forward(Tensor.zeros(DType.FLOAT32, 2, 5, 4), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TarFlow.forward: sequence must be [B, 4, 4], shape is [2, 5, 4]");
    }
}
