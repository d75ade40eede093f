package dev.jacobi.nn.layers;

import dev.jacobi.nn.attention.Attention;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradCheck;
import dev.jacobi.tensor.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Multi-head attention, the KV cache and the pre-LN block: outputs and gradients against PyTorch 1.13
 * (reference file made by src/test/resources/torch/make_attention_reference.py), the float32 attention
 * op's rules against the float64 reference formula, and incremental decoding against the full pass.
 */
class AttentionLayerTests {
    /**
     * float32 against PyTorch's float32: both round each of a few hundred operations per output, so
     * relative differences of a few 1e-6 are expected; 2e-4 of the largest magnitude leaves room and still
     * catches any wrong weight layout or mask (which change values at the 1e-1 level).
     */
    private static final double TORCH_TOLERANCE = 2e-4;
    private static Map<String, Tensor> ref;

    @BeforeAll
    static void load() throws Exception {
        ref = Npz.read(Path.of(AttentionLayerTests.class.getResource("/torch/attention_reference.npz").toURI()));
    }

    private static Map<String, Tensor> params(String caseName) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        String prefix = caseName + "/param/";
        ref.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                p.put(k.substring(prefix.length()), v);
            }
        });
        return p;
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double scale = Math.max(1e-3, expected.abs().max().item());
        double err = actual.to(DType.FLOAT64).sub(expected.to(DType.FLOAT64)).abs().max().item();
        assertThat(err / scale).as(what + ": max error " + err + " at scale " + scale).isLessThan(TORCH_TOLERANCE);
    }

    private static void checkCase(String name, dev.jacobi.nn.Module module, java.util.function.UnaryOperator<Tensor> run) {
        module.loadStateDict(params(name), true); // strict: proves the parameter names are PyTorch's
        Tensor x = ref.get(name + "/x").detach().requiresGrad(true);
        Tensor y = run.apply(x);
        assertClose(name + " output", y, ref.get(name + "/out"));
        y.backward(ref.get(name + "/seed"));
        assertClose(name + " input gradient", x.grad(), ref.get(name + "/grad/x"));
        module.namedParameters().forEach((p, t) -> assertClose(name + " gradient of " + p, t.grad(), ref.get(name + "/grad/" + p)));
    }

    @Test
    void multiHeadAttentionMatchesPyTorch() {
        Generator gen = Generator.seeded(1);
        MultiHeadAttention plain = MultiHeadAttention.of(12, 3, gen);
        checkCase("mha_plain", plain, x -> plain.forward(x, AttentionOptions.defaults()));
        MultiHeadAttention causal = MultiHeadAttention.of(12, 3, gen);
        checkCase("mha_causal", causal, x -> causal.forward(x, AttentionOptions.causalMask()));
        MultiHeadAttention padded = MultiHeadAttention.of(12, 3, gen);
        int[] lengths = ref.get("mha_padding/lengths").toIntArray();
        checkCase("mha_padding", padded, x -> padded.forward(x, AttentionOptions.defaults().withKeyLengths(lengths)));
    }

    @Test
    void transformerBlockMatchesPyTorch() {
        TransformerBlock block = TransformerBlock.of(12, 3, AttentionOptions.causalMask(), Generator.seeded(2));
        checkCase("block_causal", block, block::forward);
    }

    @Test
    void incrementalDecodingWithCacheEqualsFullCausalPass() {
        Generator gen = Generator.seeded(3);
        TransformerBlock block = TransformerBlock.of(16, 4, AttentionOptions.causalMask().withAlibi(
                dev.jacobi.nn.attention.Alibi.slopes(4)), gen);
        Tensor x = gen.normal(DType.FLOAT32, 0, 1, 2, 9, 16);
        Tensor full = block.forward(x);
        KvCache cache = block.attention().newCache(2, 16);
        List<Tensor> steps = new ArrayList<>();
        steps.add(block.forward(x.slice(1, 0, 3), cache)); // a prompt of 3 tokens, then one token at a time
        for (int t = 3; t < 9; t++) {
            steps.add(block.forward(x.slice(1, t, t + 1), cache));
        }
        Tensor incremental = Tensor.concat(steps, 1);
        // The same float32 operations on the same rows, grouped differently: rounding-level agreement.
        assertThat(incremental.sub(full).abs().max().item()).isLessThan(1e-5);
        assertThat(cache.length()).isEqualTo(9);
        assertThatThrownBy(() -> block.forward(gen.normal(DType.FLOAT32, 0, 1, 2, 8, 16), cache))
                .hasMessageContaining("exceed the capacity 16");
    }

    /** The float32 op (FlashAttention kernels) against autograd through the float64 formula. */
    @Test
    void flashAttentionOpGradientsMatchFloat64Reference() {
        Generator gen = Generator.seeded(4);
        for (AttentionOptions opts : List.of(AttentionOptions.defaults(), AttentionOptions.causalMask(),
                AttentionOptions.causalMask().withAlibi(dev.jacobi.nn.attention.Alibi.slopes(3)),
                AttentionOptions.defaults().withBlockCausal(2).withKeyLengths(new int[] {5, 3}))) {
            Tensor q = gen.normal(DType.FLOAT32, 0, 1, 2, 3, 5, 8);
            Tensor k = gen.normal(DType.FLOAT32, 0, 1, 2, 3, 5, 8);
            Tensor v = gen.normal(DType.FLOAT32, 0, 1, 2, 3, 5, 8);
            Tensor seed = gen.normal(DType.FLOAT32, 0, 1, 2, 3, 5, 8);
            List<Tensor> f32 = gradients(q, k, v, seed, opts);
            List<Tensor> f64 = gradients(q.to(DType.FLOAT64), k.to(DType.FLOAT64), v.to(DType.FLOAT64), seed.to(DType.FLOAT64), opts);
            for (int i = 0; i < 3; i++) {
                // float32 kernels against float64: relative rounding of ~1e-6 per accumulated term.
                assertThat(f32.get(i).to(DType.FLOAT64).sub(f64.get(i)).abs().max().item()).as(opts + " input " + i).isLessThan(1e-4);
            }
        }
    }

    private static List<Tensor> gradients(Tensor q, Tensor k, Tensor v, Tensor seed, AttentionOptions opts) {
        Tensor qq = q.detach().requiresGrad(true);
        Tensor kk = k.detach().requiresGrad(true);
        Tensor vv = v.detach().requiresGrad(true);
        return Autograd.grad(Attention.scaledDotProduct(qq, kk, vv, opts), List.of(qq, kk, vv), seed, false);
    }

    /** Second order and forward mode of the float32 op go through the reference formula; checked in float64. */
    @Test
    void attentionIsDifferentiableTwiceAndInForwardMode() {
        Generator gen = Generator.seeded(5);
        AttentionOptions opts = AttentionOptions.causalMask().withAlibi(dev.jacobi.nn.attention.Alibi.slopes(2));
        List<Tensor> inputs = List.of(gen.normal(DType.FLOAT64, 0, 1, 1, 2, 4, 3), gen.normal(DType.FLOAT64, 0, 1, 1, 2, 4, 3),
                gen.normal(DType.FLOAT64, 0, 1, 1, 2, 4, 3));
        GradCheck.check(xs -> Attention.scaledDotProduct(xs.get(0), xs.get(1), xs.get(2), opts), inputs).assertPassed();
        GradCheck.checkSecondOrder(xs -> Attention.scaledDotProduct(xs.get(0), xs.get(1), xs.get(2), opts), inputs,
                GradCheck.Options.defaults()).assertPassed();
        // The float32 op's own createGraph and jvp paths agree with the float64 ones.
        Tensor q = inputs.get(0).to(DType.FLOAT32).requiresGrad(true);
        Tensor k = inputs.get(1).to(DType.FLOAT32);
        Tensor v = inputs.get(2).to(DType.FLOAT32);
        Tensor tangent = gen.normal(DType.FLOAT32, 0, 1, 1, 2, 4, 3);
        Tensor jvp32 = Autograd.jvp(x -> Attention.scaledDotProduct(x, k, v, opts), q.detach(), tangent).tangent();
        Tensor jvp64 = Autograd.jvp(x -> Attention.scaledDotProduct(x, k.to(DType.FLOAT64), v.to(DType.FLOAT64), opts),
                inputs.get(0), tangent.to(DType.FLOAT64)).tangent();
        assertThat(jvp32.to(DType.FLOAT64).sub(jvp64).abs().max().item()).isLessThan(1e-4);
        Tensor g = Autograd.grad(Attention.scaledDotProduct(q, k, v, opts).square().sum(), List.of(q), null, true).get(0);
        Tensor hvp = Autograd.grad(g.mul(tangent).sum(), List.of(q)).get(0);
        Tensor q64 = inputs.get(0).detach().requiresGrad(true);
        Tensor g64 = Autograd.grad(Attention.scaledDotProduct(q64, k.to(DType.FLOAT64), v.to(DType.FLOAT64), opts).square().sum(),
                List.of(q64), null, true).get(0);
        Tensor hvp64 = Autograd.grad(g64.mul(tangent.to(DType.FLOAT64)).sum(), List.of(q64)).get(0);
        assertThat(hvp.to(DType.FLOAT64).sub(hvp64).abs().max().item()).isLessThan(1e-3 * Math.max(1, hvp64.abs().max().item()));
    }

    @Test
    void badShapesNameTheLayerAndShape() {
        MultiHeadAttention mha = MultiHeadAttention.of(8, 2, Generator.seeded(6));
        assertThatThrownBy(() -> mha.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 6), AttentionOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MultiHeadAttention(dim=8, heads=2)").hasMessageContaining("[2, 3, 6]");
        assertThatThrownBy(() -> MultiHeadAttention.of(10, 3, Generator.seeded(6)))
                .hasMessageContaining("multiple of heads 3");
    }
}
