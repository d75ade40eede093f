package dev.jacobi.nn.attention;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * {@link FlashAttention} and {@link NaiveAttention} against {@link ReferenceAttention} (float64 loops
 * written for the tests) on random shapes and options drawn from a seed that QuickTheories prints on
 * failure: sequence lengths that are and are not multiples of the tiles (1 included, queries and keys of
 * different lengths), head dimensions 1, 8, 64, 80 and others, causal, block-causal, ALiBi, boolean masks
 * of rank 2 and broadcast rank 4, key padding and custom scales, in any combination; both tile kernels
 * (SIMD and scalar) and query blocks of 4, 16 and 64 rows.
 *
 * <p>Tolerance: normwise, {@code max|x - ref| <= 1e-4 max|ref| + 1e-5 t + 1e-6}, where t is the size of the
 * terms that cancel in that output: 0 for O, max|dO| for dV, and for dQ and dK
 * {@code scale max|dO_i| |V_j| max|K|} (or |Q|), the size of {@code scale dP K} before {@code dP - D}
 * cancels (with one key, dQ is exactly 0 yet float32 leaves 1e-6 of that cancellation). The inputs are float32 and
 * the reference uses the same values in float64, so the difference is float32 rounding only (u = 6e-8):
 * a score is a d-term dot product (d &lt;= 96) plus a bias, exp turns its absolute error into the same
 * relative error of a probability, and each output is a sum over at most 150 keys (or queries, for dK and
 * dV), so the classic bound is about (d + N) u = 1.5e-5 of the largest term, and typical errors are far
 * smaller. 1e-4 keeps a margin above that while a wrong mask, bias, tile edge or missed block changes
 * results by 1e-2 or more. Log-sum-exps: {@code 1e-5 (1 + |L|)}, and -inf exactly where no key is attended.
 */
class FlashAttentionProperties {
    private static final double TOLERANCE = 1e-4;
    private static final int[] HEAD_DIMS = {1, 8, 64, 80};

    /** One random attention problem with its inputs, options, and the same rules for the reference. */
    record Case(int batch, int heads, int nq, int nk, int d, float[] q, float[] k, float[] v, float[] dO,
                AttentionOptions opts, ReferenceAttention.Rules rules, double scale, TileKernels kernels, int blockRows) {
        Tensor tq() {
            return Tensor.of(q, batch, heads, nq, d);
        }

        Tensor tk() {
            return Tensor.of(k, batch, heads, nk, d);
        }

        Tensor tv() {
            return Tensor.of(v, batch, heads, nk, d);
        }

        Tensor tdO() {
            return Tensor.of(dO, batch, heads, nq, d);
        }

        ReferenceAttention.Forward reference() {
            return ReferenceAttention.forward(widen(q), widen(k), widen(v), batch, heads, nq, nk, d, scale, rules);
        }

        ReferenceAttention.Gradients referenceGradients() {
            return ReferenceAttention.backward(widen(q), widen(k), widen(v), widen(dO), batch, heads, nq, nk, d, scale, rules);
        }

        AttentionLayout layout() {
            return AttentionLayout.padded("test", tq(), tk(), tv(), opts);
        }
    }

    static int length(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 1;
            case 1 -> 1 + rnd.nextInt(8);
            case 2 -> 64 + rnd.nextInt(3) - 1; // around one tile
            default -> 1 + rnd.nextInt(150);
        };
    }

    static int headDim(Random rnd) {
        return rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(96) : HEAD_DIMS[rnd.nextInt(HEAD_DIMS.length)];
    }

    static float[] gaussian(Random rnd, int n, double sigma) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * sigma);
        }
        return a;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static TileKernels kernels(Random rnd) {
        return Simd.enabled() && rnd.nextBoolean() ? TileKernels.preferred() : ScalarTileKernels.INSTANCE;
    }

    static Case randomCase(Random rnd) {
        int batch = 1 + rnd.nextInt(2);
        int heads = 1 + rnd.nextInt(3);
        int nq = length(rnd);
        int nk = rnd.nextInt(3) == 0 ? length(rnd) : nq;
        int d = headDim(rnd);
        // Larger query scales make the softmax peaked, as trained models do.
        double qSigma = rnd.nextBoolean() ? 1 : 3;
        float[] q = gaussian(rnd, batch * heads * nq * d, qSigma);
        float[] k = gaussian(rnd, batch * heads * nk * d, 1);
        float[] v = gaussian(rnd, batch * heads * nk * d, 1);
        float[] dO = gaussian(rnd, batch * heads * nq * d, 1);
        AttentionOptions opts = AttentionOptions.defaults();
        boolean causal = rnd.nextInt(5) < 2;
        opts = opts.withCausal(causal);
        int block = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(40) : 0;
        opts = opts.withBlockCausal(block);
        double[] slopes = null;
        if (rnd.nextInt(10) < 3) {
            float[] s = rnd.nextBoolean() ? Alibi.slopes(heads) : gaussian(rnd, heads, 0.3);
            opts = opts.withAlibi(s);
            slopes = widen(s);
        }
        boolean[] mask = null;
        int[] maskShape = null;
        if (rnd.nextInt(4) == 0) {
            maskShape = rnd.nextBoolean() ? new int[] {nq, nk}
                    : new int[] {rnd.nextBoolean() ? batch : 1, rnd.nextBoolean() ? heads : 1, nq, nk};
            int count = Arrays.stream(maskShape).reduce(1, (a, b) -> a * b);
            mask = new boolean[count];
            for (int i = 0; i < count; i++) {
                mask[i] = rnd.nextInt(5) != 0;
            }
            opts = opts.withMask(Tensor.ofBooleans(mask, maskShape));
        }
        int[] keyLengths = null;
        if (rnd.nextInt(4) == 0) {
            keyLengths = new int[batch];
            for (int b = 0; b < batch; b++) {
                keyLengths[b] = rnd.nextInt(nk + 2); // may exceed nk: clipped
            }
            opts = opts.withKeyLengths(keyLengths);
        }
        double scale = 1 / Math.sqrt(d);
        if (rnd.nextInt(5) == 0) {
            scale = (float) (0.05 + rnd.nextDouble());
            opts = opts.withScale(scale);
        }
        int[] blockRows = {4, 16, 64};
        return new Case(batch, heads, nq, nk, d, q, k, v, dO, opts,
                new ReferenceAttention.Rules(causal, block, slopes, mask, maskShape, keyLengths), scale, kernels(rnd),
                blockRows[rnd.nextInt(blockRows.length)]);
    }

    /** Asserts {@code max|actual - expected| <= rel max|expected| + 1e-6}. */
    static void assertClose(String what, Tensor actual, double[] expected, double rel) {
        assertClose(what, actual, expected, rel, 0);
    }

    /** Asserts {@code max|actual - expected| <= rel max|expected| + 1e-5 terms + 1e-6}. */
    static void assertClose(String what, Tensor actual, double[] expected, double rel, double terms) {
        double[] a = actual.toDoubleArray();
        assertThat(a).as(what + " size").hasSize(expected.length);
        double max = 0;
        double err = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(a[i] - expected[i]));
            assertThat(Double.isFinite(a[i])).as(what + "[" + i + "] is finite: " + a[i]).isTrue();
        }
        assertThat(err).as(what + ": max error against the reference (max |ref| = " + max + ")").isLessThanOrEqualTo(rel * max + 1e-5 * terms + 1e-6);
    }

    /** Log-sum-exps: -inf exactly where the reference has it, else within 1e-5 (1 + |L|). */
    static void assertLse(String what, Tensor actual, double[] expected) {
        double[] a = actual.toDoubleArray();
        assertThat(a).as(what + " size").hasSize(expected.length);
        for (int i = 0; i < a.length; i++) {
            if (expected[i] == Double.NEGATIVE_INFINITY) {
                assertThat(a[i]).as(what + "[" + i + "]").isEqualTo(Double.NEGATIVE_INFINITY);
            } else {
                assertThat(Math.abs(a[i] - expected[i])).as(what + "[" + i + "] = " + a[i] + ", reference " + expected[i])
                        .isLessThanOrEqualTo(1e-5 * (1 + Math.abs(expected[i])));
            }
        }
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** The largest 2-norm of a row of d values. */
    static double maxRowNorm(float[] a, int d) {
        double m = 0;
        for (int r = 0; r < a.length / d; r++) {
            double s = 0;
            for (int x = 0; x < d; x++) {
                s += (double) a[r * d + x] * a[r * d + x];
            }
            m = Math.max(m, Math.sqrt(s));
        }
        return m;
    }

    /** dQ, dK, dV within the tolerance, with the cancelling terms of each (see the class comment). */
    static void assertGradients(Case c, AttentionGradients g, ReferenceAttention.Gradients ref) {
        double dp = maxRowNorm(c.dO(), c.d()) * maxRowNorm(c.v(), c.d());
        assertClose("dQ", g.dQ(), ref.dq(), TOLERANCE, c.scale() * dp * maxAbs(c.k()));
        assertClose("dK", g.dK(), ref.dk(), TOLERANCE, c.scale() * dp * maxAbs(c.q()));
        assertClose("dV", g.dV(), ref.dv(), TOLERANCE, maxAbs(c.dO()));
    }

    @Test
    void flashForwardMatchesFloat64Reference() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Case c = randomCase(new Random(seed));
            AttentionOutput out = FlashAttention.forward(c.layout(), c.tq(), c.tk(), c.tv(), c.opts(), c.kernels(), c.blockRows());
            ReferenceAttention.Forward ref = c.reference();
            assertClose("O", out.output(), ref.o(), TOLERANCE);
            assertLse("L", out.logsumexp(), ref.lse());
        });
    }

    @Test
    void flashBackwardMatchesFloat64Reference() {
        qt().withExamples(50).forAll(longs().all()).checkAssert(seed -> {
            Case c = randomCase(new Random(seed));
            AttentionOutput out = FlashAttention.forward(c.layout(), c.tq(), c.tk(), c.tv(), c.opts(), c.kernels(), c.blockRows());
            AttentionGradients g = FlashAttention.backward(c.layout(), c.tq(), c.tk(), c.tv(), out.output(), out.logsumexp(),
                    c.tdO(), c.opts(), c.kernels(), c.blockRows());
            ReferenceAttention.Gradients ref = c.referenceGradients();
            assertGradients(c, g, ref);
        });
    }

    /** The public entry points (preferred kernels, default tiles), and the naive reference of the benchmark. */
    @Test
    void publicFlashAndNaiveMatchFloat64Reference() {
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            Case c = randomCase(new Random(seed));
            ReferenceAttention.Forward ref = c.reference();
            ReferenceAttention.Gradients refGrad = c.referenceGradients();
            AttentionOutput flash = FlashAttention.forward(c.tq(), c.tk(), c.tv(), c.opts());
            AttentionOutput naive = NaiveAttention.forward(c.tq(), c.tk(), c.tv(), c.opts());
            for (AttentionOutput out : new AttentionOutput[] {flash, naive}) {
                assertClose("O", out.output(), ref.o(), TOLERANCE);
                assertLse("L", out.logsumexp(), ref.lse());
            }
            AttentionGradients gf = FlashAttention.backward(c.tq(), c.tk(), c.tv(), flash.output(), flash.logsumexp(), c.tdO(), c.opts());
            AttentionGradients gn = NaiveAttention.backward(c.tq(), c.tk(), c.tv(), naive.output(), naive.logsumexp(), c.tdO(), c.opts());
            assertGradients(c, gf, refGrad);
            assertGradients(c, gn, refGrad);
        });
    }
}
