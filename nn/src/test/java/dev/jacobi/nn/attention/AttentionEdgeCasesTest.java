package dev.jacobi.nn.attention;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.jacobi.nn.attention.FlashAttentionProperties.gaussian;
import static dev.jacobi.nn.attention.FlashAttentionProperties.widen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rows that attend nothing, the float64 reference's gradients against finite differences, and the
 * argument errors of the public entry points.
 */
class AttentionEdgeCasesTest {
    private static final Random RND = new Random(20240611);

    private static Tensor randn(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.of(gaussian(RND, n, 1), shape);
    }

    /**
     * Row 0 masked entirely by the mask, batch entry 1 with no valid key, and (causal, nq = 5 &gt; nk = 3)
     * the first two rows above the diagonal: output 0, log-sum-exp -inf, no NaN anywhere, and no gradient
     * from or to those rows; every other value as the float64 reference says (tolerance as in
     * {@link FlashAttentionProperties}).
     */
    @Test
    void rowsThatAttendNothingGiveZeroOutputMinusInfinityAndNoGradient() {
        int batch = 2;
        int heads = 2;
        int nq = 5;
        int nk = 3;
        int d = 4;
        boolean[] mask = new boolean[nq * nk];
        java.util.Arrays.fill(mask, true);
        mask[0] = mask[1] = mask[2] = false; // row 0
        AttentionOptions opts = AttentionOptions.causalMask().withMask(Tensor.ofBooleans(mask, nq, nk))
                .withKeyLengths(new int[] {3, 0});
        Tensor q = randn(batch, heads, nq, d);
        Tensor k = randn(batch, heads, nk, d);
        Tensor v = randn(batch, heads, nk, d);
        Tensor dO = randn(batch, heads, nq, d);
        ReferenceAttention.Rules rules = new ReferenceAttention.Rules(true, 0, null, mask, new int[] {nq, nk}, new int[] {3, 0});
        ReferenceAttention.Forward ref = ReferenceAttention.forward(widen(q.toFloatArray()), widen(k.toFloatArray()),
                widen(v.toFloatArray()), batch, heads, nq, nk, d, 0.5, rules);
        for (boolean flash : new boolean[] {true, false}) {
            AttentionOutput out = flash ? FlashAttention.forward(q, k, v, opts) : NaiveAttention.forward(q, k, v, opts);
            AttentionGradients g = flash
                    ? FlashAttention.backward(q, k, v, out.output(), out.logsumexp(), dO, opts)
                    : NaiveAttention.backward(q, k, v, out.output(), out.logsumexp(), dO, opts);
            String name = flash ? "flash" : "naive";
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < nq; i++) {
                        // Row i sits at position i - 2: rows 0 and 1 precede every key; row 0 is masked as well.
                        boolean empty = b == 1 || i <= 1;
                        double lse = out.logsumexp().getDouble(b, h, i);
                        if (empty) {
                            assertThat(lse).as(name + " L[%d,%d,%d]", b, h, i).isEqualTo(Double.NEGATIVE_INFINITY);
                            for (int x = 0; x < d; x++) {
                                assertThat(out.output().getDouble(b, h, i, x)).as(name + " O row").isZero();
                                assertThat(g.dQ().getDouble(b, h, i, x)).as(name + " dQ row").isZero();
                            }
                        } else {
                            assertThat(lse).as(name + " L").isFinite();
                        }
                    }
                    if (b == 1) {
                        for (int j = 0; j < nk; j++) {
                            for (int x = 0; x < d; x++) {
                                assertThat(g.dK().getDouble(b, h, j, x)).as(name + " dK of an unattended key").isZero();
                                assertThat(g.dV().getDouble(b, h, j, x)).as(name + " dV of an unattended key").isZero();
                            }
                        }
                    }
                }
            }
            FlashAttentionProperties.assertClose(name + " O", out.output(), ref.o(), 1e-4);
            FlashAttentionProperties.assertLse(name + " L", out.logsumexp(), ref.lse());
            for (Tensor t : new Tensor[] {g.dQ(), g.dK(), g.dV()}) {
                for (double x : t.toDoubleArray()) {
                    assertThat(x).as(name + " gradient").isFinite();
                }
            }
        }
    }

    /**
     * The reference gradients are those of f = sum(O * dO): central differences in float64 with step
     * 1e-6 agree within 1e-7 (1 + |g|) (truncation error about h^2 |f'''| ~ 1e-12, rounding about
     * 1e-16 |f| / h ~ 1e-10), with causal masking, ALiBi, a mask and nq != nk.
     */
    @Test
    void referenceGradientsMatchCentralFiniteDifferences() {
        int batch = 1;
        int heads = 2;
        int nq = 3;
        int nk = 4;
        int d = 3;
        double scale = 0.7;
        Random rnd = new Random(7);
        double[] q = widen(gaussian(rnd, batch * heads * nq * d, 1));
        double[] k = widen(gaussian(rnd, batch * heads * nk * d, 1));
        double[] v = widen(gaussian(rnd, batch * heads * nk * d, 1));
        double[] dO = widen(gaussian(rnd, batch * heads * nq * d, 1));
        boolean[] mask = new boolean[nq * nk];
        java.util.Arrays.fill(mask, true);
        mask[nk + 1] = false;
        ReferenceAttention.Rules rules = new ReferenceAttention.Rules(true, 0, new double[] {0.5, 0.25}, mask, new int[] {nq, nk}, null);
        ReferenceAttention.Gradients g = ReferenceAttention.backward(q, k, v, dO, batch, heads, nq, nk, d, scale, rules);
        double[][] inputs = {q, k, v};
        double[][] analytic = {g.dq(), g.dk(), g.dv()};
        double h = 1e-6;
        for (int which = 0; which < 3; which++) {
            double[] x = inputs[which];
            for (int i = 0; i < x.length; i++) {
                double saved = x[i];
                x[i] = saved + h;
                double up = loss(q, k, v, dO, batch, heads, nq, nk, d, scale, rules);
                x[i] = saved - h;
                double down = loss(q, k, v, dO, batch, heads, nq, nk, d, scale, rules);
                x[i] = saved;
                double numeric = (up - down) / (2 * h);
                assertThat(Math.abs(numeric - analytic[which][i])).as("input %d element %d: numeric %s analytic %s",
                        which, i, numeric, analytic[which][i]).isLessThanOrEqualTo(1e-7 * (1 + Math.abs(analytic[which][i])));
            }
        }
    }

    private static double loss(double[] q, double[] k, double[] v, double[] dO, int batch, int heads, int nq, int nk,
                               int d, double scale, ReferenceAttention.Rules rules) {
        double[] o = ReferenceAttention.forward(q, k, v, batch, heads, nq, nk, d, scale, rules).o();
        double sum = 0;
        for (int i = 0; i < o.length; i++) {
            sum += o[i] * dO[i];
        }
        return sum;
    }

    @Test
    void badArgumentsAreRefusedWithMessagesNamingThem() {
        Tensor q = randn(2, 3, 5, 8);
        Tensor k = randn(2, 3, 7, 8);
        Tensor v = randn(2, 3, 7, 8);
        AttentionOptions none = AttentionOptions.defaults();
        assertThatThrownBy(() -> FlashAttention.forward(q, randn(2, 3, 7, 4), v, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FlashAttention.forward: shapes do not fit").hasMessageContaining("[2, 3, 7, 4]");
        assertThatThrownBy(() -> NaiveAttention.forward(q, k, randn(2, 3, 6, 8), none))
                .hasMessageContaining("NaiveAttention.forward: shapes do not fit");
        assertThatThrownBy(() -> FlashAttention.forward(randn(3, 5, 8), k, v, none))
                .hasMessageContaining("must be [batch, heads, n, d]");
        assertThatThrownBy(() -> FlashAttention.forward(q.to(DType.FLOAT64), k, v, none))
                .hasMessageContaining("q must be float32, got float64");
        assertThatThrownBy(() -> FlashAttention.forward(q, k, v, none.withMask(Tensor.ofBooleans(new boolean[35], 7, 5))))
                .hasMessageContaining("the mask must be bool [nq, nk] = [5, 7]").hasMessageContaining("[7, 5]");
        assertThatThrownBy(() -> FlashAttention.forward(q, k, v, none.withMask(Tensor.ofBooleans(new boolean[3 * 35], 3, 1, 5, 7))))
                .hasMessageContaining("broadcast to [batch, heads, nq, nk] = [2, 3, 5, 7]");
        assertThatThrownBy(() -> FlashAttention.forward(q, k, v, none.withMask(Tensor.zeros(DType.FLOAT32, 5, 7))))
                .hasMessageContaining("got float32 [5, 7]");
        assertThatThrownBy(() -> FlashAttention.forward(q, k, v, none.withAlibi(new float[2])))
                .hasMessageContaining("2 ALiBi slopes for 3 heads");
        assertThatThrownBy(() -> FlashAttention.forward(q, k, v, none.withKeyLengths(new int[] {1, 2, 3})))
                .hasMessageContaining("3 key lengths for a batch of 2");
        assertThatThrownBy(() -> none.withKeyLengths(new int[] {-1}))
                .hasMessageContaining("keyLengths[0] is negative");
        assertThatThrownBy(() -> none.withBlockCausal(-2)).hasMessageContaining("blockSize must be 0 (off) or positive");

        AttentionOutput out = FlashAttention.forward(q, k, v, none);
        Tensor dO = randn(2, 3, 5, 8);
        assertThatThrownBy(() -> FlashAttention.backward(q, k, v, out.output(), randn(2, 3, 4), dO, none))
                .hasMessageContaining("FlashAttention.backward: lse must be float32 [2, 3, 5], got float32 [2, 3, 4]");
        assertThatThrownBy(() -> FlashAttention.backward(q, k, v, out.output(), out.logsumexp(), randn(2, 3, 5, 7), none))
                .hasMessageContaining("dO must be float32 [2, 3, 5, 8]");

        Tensor tq = randn(6, 2, 4);
        Tensor tk = randn(6, 2, 4);
        Tensor tv = randn(6, 2, 4);
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, tk, tv, new int[] {0, 4, 2, 6}, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FlashAttention.forwardVarlen: cuSeqlensQ must not decrease, but entry 2 (2) is below entry 1 (4)");
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, tk, tv, new int[] {1, 6}, none))
                .hasMessageContaining("cuSeqlensQ must start at 0");
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, tk, tv, new int[] {0, 5}, none))
                .hasMessageContaining("cuSeqlensQ ends at 5 but the tensor has 6 tokens");
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, tk, tv, new int[] {0, 3, 6}, new int[] {0, 6}, none))
                .hasMessageContaining("cuSeqlensQ has 3 entries and cuSeqlensK 2");
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, tk, tv, new int[] {0, 6},
                none.withMask(Tensor.ofBooleans(new boolean[36], 6, 6))))
                .hasMessageContaining("a mask tensor needs the padded layout");
        assertThatThrownBy(() -> FlashAttention.forwardVarlen(tq, randn(6, 3, 4), randn(6, 3, 4), new int[] {0, 6}, none))
                .hasMessageContaining("shapes do not fit");
    }
}
