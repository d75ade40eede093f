package dev.jacobi.nn.attention;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * Where each sequence and head of an attention call lies in its tensors, after checking the
 * arguments; shared by {@link FlashAttention} and {@link NaiveAttention} so both accept and refuse
 * the same inputs with the same messages. Two layouts:
 * <ul>
 *   <li>padded: q [batch, heads, nq, d], k and v [batch, heads, nk, d], every sequence the same length;</li>
 *   <li>variable-length (unpadded): q [totalQ, heads, d], k and v [totalK, heads, d], sequence b owning
 *       tokens [cuSeqlens[b], cuSeqlens[b + 1]), as FlashAttention's varlen API.</li>
 * </ul>
 * Row offsets count elements from the start of a contiguous tensor.
 */
final class AttentionLayout {
    final boolean varlen;
    final int batch;
    final int heads;
    final int d;
    /** First token of sequence b (varlen) or 0 (padded), and its length. */
    final int[] qStart;
    final int[] qLen;
    final int[] kStart;
    final int[] kLen;
    final int totalQ;

    private AttentionLayout(boolean varlen, int batch, int heads, int d, int[] qStart, int[] qLen, int[] kStart,
                            int[] kLen, int totalQ) {
        this.varlen = varlen;
        this.batch = batch;
        this.heads = heads;
        this.d = d;
        this.qStart = qStart;
        this.qLen = qLen;
        this.kStart = kStart;
        this.kLen = kLen;
        this.totalQ = totalQ;
    }

    /** Checks q, k, v of the padded layout (float32) and the options against them. */
    static AttentionLayout padded(String op, Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        checkFloat32(op, "q", q);
        checkFloat32(op, "k", k);
        checkFloat32(op, "v", v);
        return paddedAnyFloat(op, q, k, v, opts);
    }

    /** As {@link #padded} for q, k, v of any one real floating dtype (the differentiable reference path). */
    static AttentionLayout paddedAnyFloat(String op, Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        if (!q.dtype().isInexact() || q.dtype().isComplex() || k.dtype() != q.dtype() || v.dtype() != q.dtype()) {
            throw new IllegalArgumentException(op + ": q, k and v must share one real floating dtype, got "
                    + q.dtype() + ", " + k.dtype() + ", " + v.dtype());
        }
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException(op + ": q, k and v must be [batch, heads, n, d], got q "
                    + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ", v " + Arrays.toString(v.shape()));
        }
        int[] qs = q.shape();
        int[] ks = k.shape();
        if (!Arrays.equals(ks, v.shape()) || qs[0] != ks[0] || qs[1] != ks[1] || qs[3] != ks[3]) {
            throw new IllegalArgumentException(op + ": shapes do not fit: q " + Arrays.toString(qs) + ", k "
                    + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape())
                    + " (batch, heads and d must agree, and k and v must have the same shape)");
        }
        int batch = qs[0];
        int[] qLen = new int[batch];
        int[] kLen = new int[batch];
        Arrays.fill(qLen, qs[2]);
        Arrays.fill(kLen, ks[2]);
        AttentionLayout layout = new AttentionLayout(false, batch, qs[1], qs[3], new int[batch], qLen, new int[batch], kLen, qs[2]);
        layout.checkOptions(op, opts);
        return layout;
    }

    /** Checks q, k, v of the variable-length layout, the offsets and the options. */
    static AttentionLayout varlen(String op, Tensor q, Tensor k, Tensor v, int[] cuSeqlensQ, int[] cuSeqlensK,
                                  AttentionOptions opts) {
        checkFloat32(op, "q", q);
        checkFloat32(op, "k", k);
        checkFloat32(op, "v", v);
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3) {
            throw new IllegalArgumentException(op + ": q, k and v must be [totalTokens, heads, d], got q "
                    + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ", v " + Arrays.toString(v.shape()));
        }
        int[] qs = q.shape();
        int[] ks = k.shape();
        if (!Arrays.equals(ks, v.shape()) || qs[1] != ks[1] || qs[2] != ks[2]) {
            throw new IllegalArgumentException(op + ": shapes do not fit: q " + Arrays.toString(qs) + ", k "
                    + Arrays.toString(ks) + ", v " + Arrays.toString(v.shape())
                    + " (heads and d must agree, and k and v must have the same shape)");
        }
        checkOffsets(op, "cuSeqlensQ", cuSeqlensQ, qs[0]);
        checkOffsets(op, "cuSeqlensK", cuSeqlensK, ks[0]);
        if (cuSeqlensQ.length != cuSeqlensK.length) {
            throw new IllegalArgumentException(op + ": cuSeqlensQ has " + cuSeqlensQ.length + " entries and cuSeqlensK "
                    + cuSeqlensK.length + "; both must be batch + 1 long");
        }
        int batch = cuSeqlensQ.length - 1;
        int[] qStart = Arrays.copyOf(cuSeqlensQ, batch);
        int[] kStart = Arrays.copyOf(cuSeqlensK, batch);
        int[] qLen = new int[batch];
        int[] kLen = new int[batch];
        for (int b = 0; b < batch; b++) {
            qLen[b] = cuSeqlensQ[b + 1] - cuSeqlensQ[b];
            kLen[b] = cuSeqlensK[b + 1] - cuSeqlensK[b];
        }
        if (opts.mask() != null) {
            throw new IllegalArgumentException(op + ": a mask tensor needs the padded layout (sequences of one length); "
                    + "use causal, blockSize or keyLengths, or pad the batch");
        }
        AttentionLayout layout = new AttentionLayout(true, batch, qs[1], qs[2], qStart, qLen, kStart, kLen, qs[0]);
        layout.checkOptions(op, opts);
        return layout;
    }

    private static void checkFloat32(String op, String name, Tensor t) {
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": " + name + " must be float32, got " + t.dtype()
                    + " " + Arrays.toString(t.shape()));
        }
    }

    private static void checkOffsets(String op, String name, int[] cu, int tokens) {
        if (cu == null || cu.length < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must hold batch + 1 offsets, got "
                    + (cu == null ? "null" : "[]"));
        }
        if (cu[0] != 0) {
            throw new IllegalArgumentException(op + ": " + name + " must start at 0: " + Arrays.toString(cu));
        }
        for (int b = 0; b + 1 < cu.length; b++) {
            if (cu[b + 1] < cu[b]) {
                throw new IllegalArgumentException(op + ": " + name + " must not decrease, but entry " + (b + 1) + " ("
                        + cu[b + 1] + ") is below entry " + b + " (" + cu[b] + "): " + Arrays.toString(cu));
            }
        }
        if (cu[cu.length - 1] != tokens) {
            throw new IllegalArgumentException(op + ": " + name + " ends at " + cu[cu.length - 1] + " but the tensor has "
                    + tokens + " tokens: " + Arrays.toString(cu));
        }
    }

    private void checkOptions(String op, AttentionOptions opts) {
        float[] slopes = opts.slopesView();
        if (slopes != null && slopes.length != heads) {
            throw new IllegalArgumentException(op + ": " + slopes.length + " ALiBi slopes for " + heads + " heads");
        }
        int[] keyLengths = opts.keyLengthsView();
        if (keyLengths != null && keyLengths.length != batch) {
            throw new IllegalArgumentException(op + ": " + keyLengths.length + " key lengths for a batch of " + batch);
        }
        Tensor mask = opts.mask();
        if (mask != null) {
            int nq = qLen.length == 0 ? 0 : qLen[0];
            int nk = kLen.length == 0 ? 0 : kLen[0];
            int[] ms = mask.shape();
            int[] target = {batch, heads, nq, nk};
            boolean fits = mask.dtype() == DType.BOOL && (ms.length == 2 || ms.length == 4);
            if (fits) {
                for (int i = 0; i < ms.length; i++) {
                    int want = target[4 - ms.length + i];
                    fits &= ms[i] == want || (ms.length == 4 && i < 2 && ms[i] == 1);
                }
            }
            if (!fits) {
                throw new IllegalArgumentException(op + ": the mask must be bool [nq, nk] = [" + nq + ", " + nk
                        + "] or broadcast to [batch, heads, nq, nk] = " + Arrays.toString(target)
                        + " (batch and heads may be 1), got " + mask.dtype() + " " + Arrays.toString(ms));
            }
        }
    }

    /** Checks that {@code t} is float32 with exactly the shape {@code expected}. */
    static void checkSame(String op, String name, Tensor t, int[] expected) {
        if (t.dtype() != DType.FLOAT32 || !Arrays.equals(t.shape(), expected)) {
            throw new IllegalArgumentException(op + ": " + name + " must be float32 " + Arrays.toString(expected)
                    + ", got " + t.dtype() + " " + Arrays.toString(t.shape()));
        }
    }

    /** Shape of the log-sum-exp tensor: [batch, heads, nq] or [heads, totalQ]. */
    int[] lseShape() {
        return varlen ? new int[] {heads, totalQ} : new int[] {batch, heads, totalQ};
    }

    /** Elements between consecutive tokens of one head. */
    long rowStride() {
        return varlen ? (long) heads * d : d;
    }

    /** Element index of query row i of sequence b, head h. */
    long qRow(int b, int h, int i) {
        return varlen ? ((long) qStart[b] + i) * heads * d + (long) h * d : (((long) b * heads + h) * qLen[b] + i) * d;
    }

    /** Element index of key (and value) row j of sequence b, head h. */
    long kRow(int b, int h, int j) {
        return varlen ? ((long) kStart[b] + j) * heads * d + (long) h * d : (((long) b * heads + h) * kLen[b] + j) * d;
    }

    /** Element index of the log-sum-exp of query row i of sequence b, head h. */
    long lseIndex(int b, int h, int i) {
        return varlen ? (long) h * totalQ + qStart[b] + i : ((long) b * heads + h) * qLen[b] + i;
    }
}
