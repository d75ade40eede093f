package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * FlashAttention forward against a naive float64 attention written here (scores, row softmax, weighted
 * sum of values) with and without the causal mask and ALiBi slopes, over odd sequence lengths (1
 * included, and longer than one key block) and head dimensions 1, 5 and 16.
 *
 * <p>Tolerance: each output is a convex combination of values, computed in float32 with exp and a
 * running rescale: 1e-5 absolute plus 1e-5 relative covers a few ulp of the scores (|s| &lt; 10 here)
 * propagated through exp.
 */
class FlashAttentionProperties {
    private static final int[] HEAD_DIMS = {1, 5, 16};

    @Test
    void matchesNaiveAttentionWithCausalMaskAndAlibi() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int batch = 1 + rnd.nextInt(2);
            int heads = 1 + rnd.nextInt(3);
            int lq = rnd.nextInt(3) == 0 ? 1 : 1 + rnd.nextInt(40);
            int lk = rnd.nextBoolean() ? lq : 1 + rnd.nextInt(40);
            int d = HEAD_DIMS[rnd.nextInt(HEAD_DIMS.length)];
            boolean causal = rnd.nextBoolean();
            boolean alibi = rnd.nextBoolean();
            var q = ClTestSupport.random(ctx, rnd, new int[] {batch, heads, lq, d}, rnd.nextInt(2));
            var k = ClTestSupport.random(ctx, rnd, new int[] {batch, heads, lk, d}, rnd.nextInt(2));
            var v = ClTestSupport.random(ctx, rnd, new int[] {batch, heads, lk, d}, rnd.nextInt(2));
            float[] slopes = new float[heads];
            for (int h = 0; h < heads; h++) {
                slopes[h] = (float) Math.pow(2, -8.0 * (h + 1) / heads); // ALiBi's geometric slopes
            }
            double scale = 1 / Math.sqrt(d);
            try (ClTensor s = ClTensor.from(ctx, Tensor.of(slopes, heads));
                 ClTensor out = ClAttention.flashAttention(q.device(), k.device(), v.device(), causal,
                         alibi ? s : null, scale)) {
                Tensor expected = naive(q.cpu(), k.cpu(), v.cpu(), causal, alibi ? slopes : null, scale);
                ClTestSupport.assertClose(out.toCpu(), expected, 1e-5, 1e-5, "b=" + batch + " h=" + heads + " lq=" + lq
                        + " lk=" + lk + " d=" + d + " causal=" + causal + " alibi=" + alibi + " seed " + seed);
            }
            q.device().close();
            k.device().close();
            v.device().close();
        });
    }

    @Test
    void slopesOfTheWrongLengthAreRejected() {
        ClContext ctx = ClTestSupport.context();
        Random rnd = new Random(1);
        var q = ClTestSupport.random(ctx, rnd, new int[] {1, 2, 3, 4}, 0);
        try (ClTensor s = ClTensor.from(ctx, Tensor.of(new float[] {1, 2, 3}, 3))) {
            assertThatThrownBy(() -> ClAttention.flashAttention(q.device(), q.device(), q.device(), false, s, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ALiBi").hasMessageContaining("[2]");
        }
        q.device().close();
    }

    /** softmax(scale q k^T + bias) v in float64, with bias(i, j) = slope * (j - i) and the causal mask j <= i. */
    private static Tensor naive(Tensor q, Tensor k, Tensor v, boolean causal, float[] slopes, double scale) {
        int batch = q.size(0);
        int heads = q.size(1);
        int lq = q.size(2);
        int lk = k.size(2);
        int d = q.size(3);
        double[] out = new double[batch * heads * lq * d];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    double[] s = new double[lk];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        if (causal && j > i) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q.getDouble(b, h, i, e) * k.getDouble(b, h, j, e);
                        }
                        s[j] = dot * scale + (slopes == null ? 0 : slopes[h] * (double) (j - i));
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int e = 0; e < d; e++) {
                        double acc = 0;
                        for (int j = 0; j < lk; j++) {
                            acc += s[j] * v.getDouble(b, h, j, e);
                        }
                        out[((b * heads + h) * lq + i) * d + e] = acc / sum;
                    }
                }
            }
        }
        return Tensor.of(out, batch, heads, lq, d).to(dev.jacobi.tensor.DType.FLOAT32);
    }
}
