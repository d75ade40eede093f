package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.jacobi.nn.attention.FlashAttentionProperties.assertClose;
import static dev.jacobi.nn.attention.FlashAttentionProperties.gaussian;
import static dev.jacobi.nn.attention.FlashAttentionProperties.widen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The variable-length (unpadded) layout: each sequence of a batch given by cumulative offsets gives
 * what it gives when run alone in the padded layout, and what the float64 reference gives for it.
 * Lengths are uneven and include 0 and 1; queries and keys may have different offsets (cross attention,
 * with bottom-right causal alignment per sequence); options: causal, block-causal, ALiBi, key padding.
 *
 * <p>Tolerances: against a sequence run alone, {@code 1e-6 max|x|}: the same tiles see the same
 * numbers in the same order in the forward pass; in the backward pass dQ partial sums may be added in
 * another grouping when the two runs split a head's key blocks differently (a few float32 roundings).
 * Against the float64 reference, the tolerances of {@link FlashAttentionProperties}. Naive against
 * flash varlen: 1e-4 (both are float32 computations of the same values).
 */
class VarlenAttentionProperties {
    /** Tokens [start, start + n) of a [tokens, heads, d] array as a row-major [1, heads, n, d] array. */
    private static float[] sequence(float[] tokens, int heads, int d, int start, int n) {
        float[] out = new float[heads * n * d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(tokens, ((start + i) * heads + h) * d, out, (h * n + i) * d, d);
            }
        }
        return out;
    }

    /** Rows [start, start + n) of a [tokens, heads, d] result as [1, heads, n, d] values. */
    private static Tensor sequence(Tensor tokens, int start, int n) {
        return tokens.slice(0, start, start + n).permute(1, 0, 2).unsqueeze(0).contiguous();
    }

    private static int[] offsets(int[] lengths) {
        int[] cu = new int[lengths.length + 1];
        for (int b = 0; b < lengths.length; b++) {
            cu[b + 1] = cu[b] + lengths[b];
        }
        return cu;
    }

    private static int randomLength(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 1;
            default -> 1 + rnd.nextInt(140);
        };
    }

    @Test
    void eachSequenceMatchesRunningItAloneAndTheFloat64Reference() {
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int batch = 1 + rnd.nextInt(4);
            int heads = 1 + rnd.nextInt(3);
            int d = FlashAttentionProperties.headDim(rnd);
            boolean cross = rnd.nextInt(3) == 0;
            int[] qLen = new int[batch];
            int[] kLen = new int[batch];
            for (int b = 0; b < batch; b++) {
                qLen[b] = randomLength(rnd);
                kLen[b] = cross ? randomLength(rnd) : qLen[b];
            }
            int[] cuQ = offsets(qLen);
            int[] cuK = offsets(kLen);
            int totalQ = cuQ[batch];
            int totalK = cuK[batch];
            float[] q = gaussian(rnd, totalQ * heads * d, rnd.nextBoolean() ? 1 : 3);
            float[] k = gaussian(rnd, totalK * heads * d, 1);
            float[] v = gaussian(rnd, totalK * heads * d, 1);
            float[] dO = gaussian(rnd, totalQ * heads * d, 1);
            boolean causal = rnd.nextBoolean();
            int block = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(30) : 0;
            float[] slopes = rnd.nextInt(3) == 0 ? Alibi.slopes(heads) : null;
            int[] keyLengths = null;
            if (rnd.nextInt(4) == 0) {
                keyLengths = new int[batch];
                for (int b = 0; b < batch; b++) {
                    keyLengths[b] = rnd.nextInt(kLen[b] + 1);
                }
            }
            AttentionOptions opts = AttentionOptions.defaults().withCausal(causal).withBlockCausal(block)
                    .withAlibi(slopes).withKeyLengths(keyLengths);
            Tensor tq = Tensor.of(q, totalQ, heads, d);
            Tensor tk = Tensor.of(k, totalK, heads, d);
            Tensor tv = Tensor.of(v, totalK, heads, d);
            Tensor tdO = Tensor.of(dO, totalQ, heads, d);
            AttentionOutput out = FlashAttention.forwardVarlen(tq, tk, tv, cuQ, cuK, opts);
            AttentionGradients grads = FlashAttention.backwardVarlen(tq, tk, tv, out.output(), out.logsumexp(), tdO, cuQ, cuK, opts);
            assertThat(out.output().shape()).containsExactly(totalQ, heads, d);
            assertThat(out.logsumexp().shape()).containsExactly(heads, totalQ);
            if (!cross) {
                AttentionOutput naive = NaiveAttention.forwardVarlen(tq, tk, tv, cuQ, opts);
                AttentionGradients naiveGrads = NaiveAttention.backwardVarlen(tq, tk, tv, naive.output(), naive.logsumexp(), tdO, cuQ, opts);
                assertClose("naive O", naive.output(), out.output().toDoubleArray(), 1e-4);
                assertClose("naive dV", naiveGrads.dV(), grads.dV().toDoubleArray(), 1e-4, FlashAttentionProperties.maxAbs(dO));
            }
            for (int b = 0; b < batch; b++) {
                int nq = qLen[b];
                int nk = kLen[b];
                float[] sq = sequence(q, heads, d, cuQ[b], nq);
                float[] sk = sequence(k, heads, d, cuK[b], nk);
                float[] sv = sequence(v, heads, d, cuK[b], nk);
                float[] sdO = sequence(dO, heads, d, cuQ[b], nq);
                AttentionOptions one = opts.withKeyLengths(keyLengths == null ? null : new int[] {keyLengths[b]});
                Tensor aq = Tensor.of(sq, 1, heads, nq, d);
                Tensor ak = Tensor.of(sk, 1, heads, nk, d);
                Tensor av = Tensor.of(sv, 1, heads, nk, d);
                AttentionOutput alone = FlashAttention.forward(aq, ak, av, one);
                AttentionGradients aloneGrads = FlashAttention.backward(aq, ak, av, alone.output(), alone.logsumexp(),
                        Tensor.of(sdO, 1, heads, nq, d), one);
                String at = "sequence " + b + " (" + nq + " x " + nk + ")";
                assertClose(at + " O", sequence(out.output(), cuQ[b], nq), alone.output().toDoubleArray(), 1e-6);
                assertClose(at + " dQ", sequence(grads.dQ(), cuQ[b], nq), aloneGrads.dQ().toDoubleArray(), 1e-6);
                assertClose(at + " dK", sequence(grads.dK(), cuK[b], nk), aloneGrads.dK().toDoubleArray(), 1e-6);
                assertClose(at + " dV", sequence(grads.dV(), cuK[b], nk), aloneGrads.dV().toDoubleArray(), 1e-6);
                double[] lse = out.logsumexp().slice(1, cuQ[b], cuQ[b] + nq).contiguous().toDoubleArray();
                FlashAttentionProperties.assertLse(at + " L", Tensor.of(lse, 1, heads, nq), alone.logsumexp().toDoubleArray());

                ReferenceAttention.Rules rules = new ReferenceAttention.Rules(causal, block, slopes == null ? null : widen(slopes),
                        null, null, keyLengths == null ? null : new int[] {keyLengths[b]});
                double scale = 1 / Math.sqrt(d);
                ReferenceAttention.Forward ref = ReferenceAttention.forward(widen(sq), widen(sk), widen(sv), 1, heads, nq, nk, d, scale, rules);
                ReferenceAttention.Gradients refGrads = ReferenceAttention.backward(widen(sq), widen(sk), widen(sv), widen(sdO),
                        1, heads, nq, nk, d, scale, rules);
                double dp = FlashAttentionProperties.maxRowNorm(sdO, d) * FlashAttentionProperties.maxRowNorm(sv, d);
                assertClose(at + " O vs reference", sequence(out.output(), cuQ[b], nq), ref.o(), 1e-4);
                assertClose(at + " dQ vs reference", sequence(grads.dQ(), cuQ[b], nq), refGrads.dq(), 1e-4,
                        scale * dp * FlashAttentionProperties.maxAbs(sk));
                assertClose(at + " dK vs reference", sequence(grads.dK(), cuK[b], nk), refGrads.dk(), 1e-4,
                        scale * dp * FlashAttentionProperties.maxAbs(sq));
                assertClose(at + " dV vs reference", sequence(grads.dV(), cuK[b], nk), refGrads.dv(), 1e-4,
                        FlashAttentionProperties.maxAbs(sdO));
            }
        });
    }
}
