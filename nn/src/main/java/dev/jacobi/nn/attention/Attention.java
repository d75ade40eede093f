package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Accelerator;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * Scaled dot-product attention as a differentiable op: {@code softmax(scale Q K^T + bias) V} with the
 * masks and ALiBi biases of {@link AttentionOptions}.
 *
 * <p>For float32 inputs the forward and backward run the tiled {@link FlashAttention} kernels, so no
 * N x N matrix is kept between them (the backward recomputes the probabilities from the saved
 * log-sum-exp). Gradients of gradients (a backward with {@code createGraph}) and forward-mode tangents
 * are computed from the plain formula with tensor ops, which materialises the scores; so are inputs of
 * other dtypes (float64, as gradient checks use).
 *
 * <p>On an {@link Accelerator} the forward is the device's fused attention kernel (see
 * {@link dev.jacobi.tensor.device.DeviceBackend#attention}) where it covers the options (no mask, no key
 * lengths, no blocks; ALiBi only when causal; causal only when nq = nk), and the backward is the plain
 * formula with device tensor ops; other options run the plain formula for both.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Attention on the padded layout.
     *
     * @param q [batch, heads, nq, d]
     * @param k [batch, heads, nk, d]
     * @param v [batch, heads, nk, d]
     * @return [batch, heads, nq, d]
     * @throws IllegalArgumentException when the shapes, dtypes or options do not fit
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        if (q.device() instanceof Accelerator device) {
            return onDevice(device, q, k, v, opts);
        }
        if (q.dtype() != DType.FLOAT32 || k.dtype() != DType.FLOAT32 || v.dtype() != DType.FLOAT32) {
            return reference(q, k, v, opts);
        }
        AttentionOutput[] saved = new AttentionOutput[1];
        return Autograd.op("flashAttention", () -> {
            saved[0] = FlashAttention.forward(q, k, v, opts);
            return saved[0].output();
        }, (g, out, needed) -> {
            if (Autograd.isGradEnabled()) { // createGraph: gradients that can be differentiated again
                return referenceVjp(q, k, v, g, opts);
            }
            AttentionGradients grads = FlashAttention.backward(q, k, v, out, saved[0].logsumexp(), g, opts);
            return new Tensor[] {grads.dQ(), grads.dK(), grads.dV()};
        }, (t, out) -> referenceJvp(q, k, v, t[0], t[1], t[2], opts), q, k, v);
    }

    /**
     * Attention on the variable-length (unpadded) layout: sequence b holds tokens
     * {@code [cuSeqlens[b], cuSeqlens[b+1])} of q, k and v ({@code [tokens, heads, d]}, float32). First-order
     * reverse mode only.
     *
     * @throws UnsupportedOperationException for gradients of gradients or forward mode
     */
    public static Tensor scaledDotProductVarlen(Tensor q, Tensor k, Tensor v, int[] cuSeqlens, AttentionOptions opts) {
        AttentionOutput[] saved = new AttentionOutput[1];
        int[] offsets = cuSeqlens.clone();
        return Autograd.op("flashAttentionVarlen", () -> {
            saved[0] = FlashAttention.forwardVarlen(q, k, v, offsets, opts);
            return saved[0].output();
        }, (g, out, needed) -> {
            if (Autograd.isGradEnabled()) {
                throw new UnsupportedOperationException("flashAttentionVarlen: gradients of gradients are not supported on "
                        + "the variable-length layout; use the padded layout (scaledDotProduct) with key lengths");
            }
            AttentionGradients grads = FlashAttention.backwardVarlen(q, k, v, out, saved[0].logsumexp(), g, offsets, opts);
            return new Tensor[] {grads.dQ(), grads.dK(), grads.dV()};
        }, (t, out) -> {
            throw new UnsupportedOperationException("flashAttentionVarlen: forward mode is not supported on the "
                    + "variable-length layout; use the padded layout (scaledDotProduct) with key lengths");
        }, q, k, v);
    }

    /** Attention on a device: its fused forward where it has one for these options, the plain formula otherwise. */
    private static Tensor onDevice(Accelerator device, Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.paddedAnyFloat("Attention.scaledDotProduct", q, k, v, opts);
        float[] slopes = opts.slopesView();
        // The device kernel knows top-left causal masks and ALiBi as slope * (j - i), which equals the CPU's
        // -slope * |i - j| only under a causal mask.
        boolean fused = opts.mask() == null && opts.keyLengthsView() == null && opts.blockSize() == 0
                && (slopes == null || opts.causal()) && (!opts.causal() || layout.qLen[0] == layout.kLen[0]);
        if (!fused) {
            return reference(q, k, v, opts);
        }
        Tensor slopeTensor = slopes == null ? null : Tensor.of(slopes, slopes.length).to(device);
        double scale = opts.scaleFor(layout.d);
        return Autograd.op("flashAttention", () -> device.backend().attention(q, k, v, opts.causal(), slopeTensor, scale)
                        .orElseGet(() -> reference(q, k, v, opts)),
                (g, out, needed) -> referenceVjp(q, k, v, g, opts),
                (t, out) -> referenceJvp(q, k, v, t[0], t[1], t[2], opts), q, k, v);
    }

    /** The plain formula with tensor ops (differentiable in both modes): P = exp(S - logsumexp(S)), O = P V. */
    static Tensor reference(Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.paddedAnyFloat("Attention.scaledDotProduct", q, k, v, opts);
        Tensor s = NaiveAttention.logits(layout, q, k, opts);
        return NaiveAttention.probabilities(s, s.logsumexp(new int[] {3}, true), opts).matmul(v);
    }

    /** Gradients of {@code <g, reference(q, k, v)>}, recorded so they can be differentiated again. */
    private static Tensor[] referenceVjp(Tensor q, Tensor k, Tensor v, Tensor g, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.paddedAnyFloat("Attention.scaledDotProduct", q, k, v, opts);
        double scale = opts.scaleFor(layout.d);
        Tensor s = NaiveAttention.logits(layout, q, k, opts);
        Tensor p = NaiveAttention.probabilities(s, s.logsumexp(new int[] {3}, true), opts);
        Tensor dv = p.mT().matmul(g);
        Tensor dp = g.matmul(v.mT());
        Tensor ds = p.mul(dp.sub(dp.mul(p).sum(new int[] {3}, true)));
        return new Tensor[] {ds.matmul(k).mul(scale), ds.mT().matmul(q).mul(scale), dv};
    }

    /** The tangent of the output: dO = dP V + P dV, dP = P (dS - rowsum(P dS)), dS = scale (dQ K^T + Q dK^T). */
    private static Tensor referenceJvp(Tensor q, Tensor k, Tensor v, Tensor tq, Tensor tk, Tensor tv, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.paddedAnyFloat("Attention.scaledDotProduct", q, k, v, opts);
        double scale = opts.scaleFor(layout.d);
        Tensor s = NaiveAttention.logits(layout, q, k, opts);
        Tensor p = NaiveAttention.probabilities(s, s.logsumexp(new int[] {3}, true), opts);
        Tensor out = tv == null ? null : p.matmul(tv);
        Tensor ds = null;
        if (tq != null) {
            ds = tq.matmul(k.mT()).mul(scale);
        }
        if (tk != null) {
            Tensor fromK = q.matmul(tk.mT()).mul(scale);
            ds = ds == null ? fromK : ds.add(fromK);
        }
        if (ds != null) {
            Tensor dsFinite = Tensor.where(p.gt(0), ds, Tensor.zeros(ds.dtype())); // masked keys have P = 0
            Tensor dp = p.mul(dsFinite.sub(p.mul(dsFinite).sum(new int[] {3}, true)));
            Tensor fromS = dp.matmul(v);
            out = out == null ? fromS : out.add(fromS);
        }
        return out;
    }
}
