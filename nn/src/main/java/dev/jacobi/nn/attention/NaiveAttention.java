package dev.jacobi.nn.attention;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Attention computed the plain way, with whole-matrix tensor operations: the scores
 * {@code S = (scale Q) K^T + bias} are materialised ([batch, heads, nq, nk]), then
 * {@code L = logsumexp(S)}, {@code P = exp(S - L)}, {@code O = P V}. The reference that
 * {@link FlashAttention} is tested and benchmarked against; same arguments, layouts, options,
 * results and errors, but O(N^2) memory. The backward pass is the textbook one:
 * {@code dV = P^T dO}, {@code dP = dO V^T}, {@code dS = P (dP - rowsum(dO O))},
 * {@code dQ = scale dS K}, {@code dK = scale dS^T Q}.
 */
public final class NaiveAttention {
    private NaiveAttention() {
    }

    /** As {@link FlashAttention#forward}. */
    public static AttentionOutput forward(Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.padded("NaiveAttention.forward", q, k, v, opts);
        Tensor s = logits(layout, q, k, opts);
        Tensor lse = s.logsumexp(new int[] {3}, true);
        Tensor o = probabilities(s, lse, opts).matmul(v);
        return new AttentionOutput(o, lse.squeeze(3));
    }

    /** As {@link FlashAttention#backward}. */
    public static AttentionGradients backward(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dO,
                                              AttentionOptions opts) {
        String op = "NaiveAttention.backward";
        AttentionLayout layout = AttentionLayout.padded(op, q, k, v, opts);
        FlashAttention.checkBackward(op, layout, q, o, lse, dO);
        double scale = opts.scaleFor(layout.d);
        Tensor p = probabilities(logits(layout, q, k, opts), lse.unsqueeze(3), opts);
        Tensor dv = p.mT().matmul(dO);
        Tensor dp = dO.matmul(v.mT());
        Tensor delta = dO.mul(o).sum(new int[] {3}, true);
        Tensor ds = p.mul(dp.sub(delta));
        return new AttentionGradients(ds.matmul(k).mul(scale), ds.mT().matmul(q).mul(scale), dv);
    }

    /** As {@link FlashAttention#forwardVarlen(Tensor, Tensor, Tensor, int[], AttentionOptions)}. */
    public static AttentionOutput forwardVarlen(Tensor q, Tensor k, Tensor v, int[] cuSeqlens, AttentionOptions opts) {
        return forwardVarlen(q, k, v, cuSeqlens, cuSeqlens, opts);
    }

    /** As {@link FlashAttention#forwardVarlen(Tensor, Tensor, Tensor, int[], int[], AttentionOptions)}: each sequence run alone. */
    public static AttentionOutput forwardVarlen(Tensor q, Tensor k, Tensor v, int[] cuSeqlensQ, int[] cuSeqlensK,
                                                AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.varlen("NaiveAttention.forwardVarlen", q, k, v, cuSeqlensQ, cuSeqlensK, opts);
        List<Tensor> outs = new ArrayList<>();
        List<Tensor> lses = new ArrayList<>();
        for (int b = 0; b < layout.batch; b++) {
            if (layout.qLen[b] == 0) {
                continue;
            }
            AttentionOutput one = forward(sequence(q, layout.qStart[b], layout.qLen[b]),
                    sequence(k, layout.kStart[b], layout.kLen[b]), sequence(v, layout.kStart[b], layout.kLen[b]),
                    single(opts, b));
            outs.add(one.output().squeeze(0).permute(1, 0, 2));
            lses.add(one.logsumexp().squeeze(0));
        }
        if (outs.isEmpty()) {
            return new AttentionOutput(Tensor.zeros(DType.FLOAT32, q.shape()), Tensor.zeros(DType.FLOAT32, layout.lseShape()));
        }
        return new AttentionOutput(Tensor.concat(outs, 0), Tensor.concat(lses, 1));
    }

    /** As {@link FlashAttention#backwardVarlen(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, int[], AttentionOptions)}. */
    public static AttentionGradients backwardVarlen(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dO,
                                                    int[] cuSeqlens, AttentionOptions opts) {
        String op = "NaiveAttention.backwardVarlen";
        AttentionLayout layout = AttentionLayout.varlen(op, q, k, v, cuSeqlens, cuSeqlens, opts);
        FlashAttention.checkBackward(op, layout, q, o, lse, dO);
        Tensor dq = Tensor.zeros(DType.FLOAT32, q.shape());
        Tensor dk = Tensor.zeros(DType.FLOAT32, k.shape());
        Tensor dv = Tensor.zeros(DType.FLOAT32, v.shape());
        for (int b = 0; b < layout.batch; b++) {
            int start = layout.qStart[b];
            int n = layout.qLen[b];
            if (n == 0) {
                continue;
            }
            AttentionGradients one = backward(sequence(q, start, n), sequence(k, start, n), sequence(v, start, n),
                    sequence(o, start, n), lse.slice(1, start, start + n).unsqueeze(0), sequence(dO, start, n), single(opts, b));
            dq.slice(0, start, start + n).copyFrom(one.dQ().squeeze(0).permute(1, 0, 2));
            dk.slice(0, start, start + n).copyFrom(one.dK().squeeze(0).permute(1, 0, 2));
            dv.slice(0, start, start + n).copyFrom(one.dV().squeeze(0).permute(1, 0, 2));
        }
        return new AttentionGradients(dq, dk, dv);
    }

    /** Tokens [start, start + n) of a [tokens, heads, d] tensor as a padded batch of one: [1, heads, n, d]. */
    private static Tensor sequence(Tensor t, int start, int n) {
        return t.slice(0, start, start + n).permute(1, 0, 2).unsqueeze(0);
    }

    /** The options of batch entry b run as a batch of one. */
    private static AttentionOptions single(AttentionOptions opts, int b) {
        int[] lengths = opts.keyLengthsView();
        return lengths == null ? opts : opts.withKeyLengths(new int[] {lengths[b]});
    }

    /** S = (scale Q) K^T plus the bias and mask (-inf where a key may not be attended). */
    static Tensor logits(AttentionLayout layout, Tensor q, Tensor k, AttentionOptions opts) {
        Tensor s = q.mul(opts.scaleFor(layout.d)).matmul(k.mT());
        return plain(opts) ? s : s.add(bias(layout, opts).to(s.device()));
    }

    /** True when no option masks or biases anything. */
    private static boolean plain(AttentionOptions opts) {
        return !opts.causal() && opts.blockSize() == 0 && opts.slopesView() == null && opts.mask() == null
                && opts.keyLengthsView() == null;
    }

    /** The additive bias [batch, heads, nq, nk]: ALiBi where attended, -inf where masked. */
    private static Tensor bias(AttentionLayout layout, AttentionOptions opts) {
        int nq = layout.qLen[0];
        int nk = layout.kLen[0];
        float[] values = new float[Math.multiplyExact(layout.batch * layout.heads, nq * nk)];
        int at = 0;
        for (int b = 0; b < layout.batch; b++) {
            for (int h = 0; h < layout.heads; h++) {
                MaskRules rules = new MaskRules(layout, opts, b, h);
                for (int i = 0; i < nq; i++) {
                    for (int j = 0; j < nk; j++) {
                        values[at++] = rules.allowed(i, j) ? -rules.slope * Math.abs(i + rules.offset - j) : Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return Tensor.of(values, layout.batch, layout.heads, nq, nk);
    }

    /**
     * P = exp(S - L). Without masks every row attends some key and this is the softmax op (one N x N
     * result instead of two). With masks, a row with no attended key has L = -inf, and -inf - (-inf)
     * would give NaN, so L is floored at the most negative float, which makes that row's
     * probabilities exp(-inf) = 0.
     */
    static Tensor probabilities(Tensor s, Tensor lse, AttentionOptions opts) {
        if (plain(opts)) {
            return s.softmax(3);
        }
        return s.sub(lse.maximum(Tensor.scalar(DType.FLOAT32, -Float.MAX_VALUE))).exp();
    }
}
