package dev.jacobi.nn.attention;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.WorkerThreads;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Exact attention {@code O = softmax(scale Q K^T + bias + mask) V} computed in tiles, as
 * FlashAttention (Dao et al. 2022) and FlashAttention-2 (Dao 2023) do on GPUs: the scores of one
 * block of queries against one block of keys live in a small buffer, an online softmax (running row
 * maximum and sum) folds each block into the output, and the N x N matrix never exists. The forward
 * pass also returns each row's log-sum-exp L, from which {@link #backward} recomputes the
 * probabilities tile by tile instead of storing them. Extra memory is O(N d) per call: packed copies of
 * the keys and values (forward), of the queries and output gradients (backward), and small per-thread tiles.
 *
 * <p>Layouts (all float32; non-contiguous inputs are copied first):
 * <ul>
 *   <li>padded: q [batch, heads, nq, d], k and v [batch, heads, nk, d];</li>
 *   <li>variable-length ({@code *Varlen}): q [totalQ, heads, d], k and v [totalK, heads, d], with the
 *       cumulative sequence offsets {@code cuSeqlens} (length batch + 1, starting at 0, ending at the
 *       token count) of FlashAttention's varlen API; each sequence attends only within itself, exactly
 *       as if it were run alone.</li>
 * </ul>
 * Masks and biases come from {@link AttentionOptions}. A query row that may attend no key at all (all
 * masked, or a causal row above the diagonal when nq &gt; nk) gets output 0 and log-sum-exp
 * {@code -inf}, and passes no gradient; it does not give NaN as a plain softmax would.
 *
 * <p>Work is split over (sequence, head, query block) in the forward pass and over (sequence, head,
 * key block range) in the backward pass, on {@link WorkerThreads}. Each backward work item owns the
 * dK and dV rows of its key blocks and accumulates dQ in its own buffer; heads split into several
 * key ranges add their dQ buffers in a fixed order afterwards, so results do not depend on timing.
 * {@link NaiveAttention} is the plain reference this class is tested against.
 */
public final class FlashAttention {
    /** Query block size Br: 64 rows x 64 columns of scores (16 KiB) plus the 64 x d output block stay in L1/L2. */
    static final int BLOCK_ROWS = 64;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private FlashAttention() {
    }

    /**
     * The forward pass on the padded layout.
     *
     * @throws IllegalArgumentException when a dtype or shape is wrong, or an option does not fit the shapes
     */
    public static AttentionOutput forward(Tensor q, Tensor k, Tensor v, AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.padded("FlashAttention.forward", q, k, v, opts);
        return forward(layout, q, k, v, opts, TileKernels.preferred(), BLOCK_ROWS);
    }

    /** The forward pass on the variable-length layout, queries and keys split by the same offsets (self-attention). */
    public static AttentionOutput forwardVarlen(Tensor q, Tensor k, Tensor v, int[] cuSeqlens, AttentionOptions opts) {
        return forwardVarlen(q, k, v, cuSeqlens, cuSeqlens, opts);
    }

    /**
     * The forward pass on the variable-length layout: sequence b has queries
     * [cuSeqlensQ[b], cuSeqlensQ[b + 1]) and keys [cuSeqlensK[b], cuSeqlensK[b + 1]).
     *
     * @throws IllegalArgumentException when a dtype or shape is wrong, the offsets do not start at 0,
     *                                  decrease or miss the token count, or an option does not fit
     */
    public static AttentionOutput forwardVarlen(Tensor q, Tensor k, Tensor v, int[] cuSeqlensQ, int[] cuSeqlensK,
                                                AttentionOptions opts) {
        AttentionLayout layout = AttentionLayout.varlen("FlashAttention.forwardVarlen", q, k, v, cuSeqlensQ, cuSeqlensK, opts);
        return forward(layout, q, k, v, opts, TileKernels.preferred(), BLOCK_ROWS);
    }

    /**
     * The backward pass on the padded layout (FlashAttention-2, Algorithm 2): given the inputs, the
     * forward output {@code o} and log-sum-exp {@code lse}, and the gradient {@code dO} of a loss with
     * respect to {@code o}, the gradients with respect to q, k and v.
     *
     * @throws IllegalArgumentException when a dtype or shape is wrong, or an option does not fit the shapes
     */
    public static AttentionGradients backward(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dO,
                                              AttentionOptions opts) {
        String op = "FlashAttention.backward";
        AttentionLayout layout = AttentionLayout.padded(op, q, k, v, opts);
        checkBackward(op, layout, q, o, lse, dO);
        return backward(layout, q, k, v, o, lse, dO, opts, TileKernels.preferred(), BLOCK_ROWS);
    }

    /** The backward pass on the variable-length layout, queries and keys split by the same offsets. */
    public static AttentionGradients backwardVarlen(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dO,
                                                    int[] cuSeqlens, AttentionOptions opts) {
        return backwardVarlen(q, k, v, o, lse, dO, cuSeqlens, cuSeqlens, opts);
    }

    /**
     * The backward pass on the variable-length layout; {@code lse} is [heads, totalQ] as
     * {@link #forwardVarlen} returns it.
     *
     * @throws IllegalArgumentException as {@link #forwardVarlen}, or when o, lse or dO are misshapen
     */
    public static AttentionGradients backwardVarlen(Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse, Tensor dO,
                                                    int[] cuSeqlensQ, int[] cuSeqlensK, AttentionOptions opts) {
        String op = "FlashAttention.backwardVarlen";
        AttentionLayout layout = AttentionLayout.varlen(op, q, k, v, cuSeqlensQ, cuSeqlensK, opts);
        checkBackward(op, layout, q, o, lse, dO);
        return backward(layout, q, k, v, o, lse, dO, opts, TileKernels.preferred(), BLOCK_ROWS);
    }

    static void checkBackward(String op, AttentionLayout layout, Tensor q, Tensor o, Tensor lse, Tensor dO) {
        AttentionLayout.checkSame(op, "o", o, q.shape());
        AttentionLayout.checkSame(op, "dO", dO, q.shape());
        AttentionLayout.checkSame(op, "lse", lse, layout.lseShape());
    }

    // ---------------------------------------------------------------- forward

    /** Per-thread tiles of the forward pass. */
    private static final class ForwardTiles {
        final float[] q;
        final float[] s;
        final float[] o;
        final float[] m;
        final float[] l;
        final float[] row;

        ForwardTiles(int br, int bc, int dp, int d) {
            q = new float[br * dp];
            s = new float[br * bc];
            o = new float[br * dp];
            m = new float[br];
            l = new float[br];
            row = new float[d];
        }
    }

    /** The forward pass with the given kernels and query block size (a multiple of {@link TileKernels#ROW_GROUP}). */
    static AttentionOutput forward(AttentionLayout layout, Tensor q, Tensor k, Tensor v, AttentionOptions opts,
                                   TileKernels kernels, int br) {
        q = q.contiguous();
        k = k.contiguous();
        v = v.contiguous();
        int d = layout.d;
        int dp = kernels.padWidth(d);
        int bc = kernels.blockColumns();
        float scale = (float) opts.scaleFor(d);
        Tensor out = Tensor.uninitialized(DType.FLOAT32, q.shape());
        Tensor lse = Tensor.uninitialized(DType.FLOAT32, layout.lseShape());
        int heads = layout.heads;
        int seqHeads = layout.batch * heads;
        MemorySegment qs = q.storage().segment();
        MemorySegment os = out.storage().segment();
        MemorySegment ls = lse.storage().segment();
        long qOff = q.offset();

        // Phase 1: each (sequence, head) packs its keys transposed per key block and its values padded, once.
        float[][] kt = new float[seqHeads][];
        float[][] vp = new float[seqHeads][];
        Tensor kc = k;
        Tensor vc = v;
        parallel(seqHeads, () -> new float[d], (row, w) -> {
            int b = w / heads;
            int h = w % heads;
            int keys = opts.validKeys(b, layout.kLen[b]);
            kt[w] = packKeysTransposed(layout, kc, b, h, keys, dp, bc, row);
            vp[w] = packRows(layout, vc, b, h, keys, dp, bc, 1f, row, false);
        });

        // Phase 2: items are (sequence, head, query block), in order, handed out one at a time.
        int[] firstItem = new int[seqHeads + 1];
        for (int w = 0; w < seqHeads; w++) {
            firstItem[w + 1] = firstItem[w] + ceilDiv(layout.qLen[w / heads], br);
        }
        parallel(firstItem[seqHeads], () -> new ForwardTiles(br, bc, dp, d), (t, item) -> {
            int w = upperBound(firstItem, item) - 1;
            int b = w / heads;
            int h = w % heads;
            int i0 = (item - firstItem[w]) * br;
            int valid = Math.min(br, layout.qLen[b] - i0);
            int rows = roundUp(valid, TileKernels.ROW_GROUP);
            MaskRules rules = new MaskRules(layout, opts, b, h);

            Arrays.fill(t.q, 0f);
            for (int r = 0; r < valid; r++) {
                MemorySegment.copy(qs, F32, (qOff + layout.qRow(b, h, i0 + r)) * 4, t.row, 0, d);
                for (int p = 0; p < d; p++) {
                    t.q[r * dp + p] = t.row[p] * scale;
                }
            }
            Arrays.fill(t.m, Float.NEGATIVE_INFINITY);
            Arrays.fill(t.l, 0f);
            Arrays.fill(t.o, 0f);
            int kEnd = rules.keyEnd(i0 + valid - 1);
            int kFull = rules.hasMask() ? 0 : rules.keyEnd(i0);
            for (int j0 = 0; j0 < kEnd; j0 += bc) {
                kernels.scores(rows, d, t.q, 0, dp, kt[w], (j0 / bc) * dp * bc, t.s);
                if (rules.slope != 0f) {
                    kernels.addAlibi(t.s, rows, i0 + rules.offset, j0, rules.slope);
                }
                if (j0 + bc > kFull) {
                    rules.apply(t.s, bc, valid, i0, j0);
                }
                kernels.onlineSoftmax(rows, t.s, t.m, t.l, t.o, dp);
                kernels.accumulate(rows, dp, bc, t.s, 0, bc, 1, vp[w], j0 * dp, dp, t.o, 0, dp);
            }
            for (int r = 0; r < valid; r++) {
                float sum = t.l[r];
                float inv = sum == 0f ? 0f : 1f / sum;
                for (int p = 0; p < d; p++) {
                    t.row[p] = t.o[r * dp + p] * inv;
                }
                MemorySegment.copy(t.row, 0, os, F32, layout.qRow(b, h, i0 + r) * 4, d);
                float logSum = sum == 0f ? Float.NEGATIVE_INFINITY : t.m[r] + (float) Math.log(sum);
                ls.setAtIndex(F32, layout.lseIndex(b, h, i0 + r), logSum);
            }
        });
        return new AttentionOutput(out, lse);
    }

    /**
     * Keys [0, keys) of (b, h), transposed per key block: element (j, p) at
     * {@code (j / bc) * dp * bc + p * bc + j % bc}; rows up to a whole number of blocks of the
     * sequence's length, zero where there is no valid key.
     */
    private static float[] packKeysTransposed(AttentionLayout layout, Tensor k, int b, int h, int keys, int dp, int bc,
                                              float[] row) {
        int d = layout.d;
        MemorySegment ks = k.storage().segment();
        float[] kt = new float[ceilDiv(layout.kLen[b], bc) * dp * bc];
        for (int j = 0; j < keys; j++) {
            MemorySegment.copy(ks, F32, (k.offset() + layout.kRow(b, h, j)) * 4, row, 0, d);
            int base = (j / bc) * dp * bc + j % bc;
            for (int p = 0; p < d; p++) {
                kt[base + p * bc] = row[p];
            }
        }
        return kt;
    }

    /**
     * Rows [0, count) of (b, h) of a key-side ({@code query == false}) or query-side tensor, times
     * {@code scale}, row-major with row stride {@code dp}, zero-padded to a whole number of blocks of
     * {@code block} rows of the sequence's length.
     */
    private static float[] packRows(AttentionLayout layout, Tensor t, int b, int h, int count, int dp, int block,
                                    float scale, float[] row, boolean query) {
        int d = layout.d;
        MemorySegment seg = t.storage().segment();
        int length = query ? layout.qLen[b] : layout.kLen[b];
        float[] packed = new float[ceilDiv(length, block) * block * dp];
        for (int j = 0; j < count; j++) {
            long at = t.offset() + (query ? layout.qRow(b, h, j) : layout.kRow(b, h, j));
            if (scale == 1f) {
                MemorySegment.copy(seg, F32, at * 4, packed, j * dp, d);
            } else {
                MemorySegment.copy(seg, F32, at * 4, row, 0, d);
                for (int p = 0; p < d; p++) {
                    packed[j * dp + p] = row[p] * scale;
                }
            }
        }
        return packed;
    }

    // ---------------------------------------------------------------- backward

    /** Per-thread tiles of the backward pass. */
    private static final class BackwardTiles {
        final float[] s;
        final float[] ds;
        final float[] kt;
        final float[] vt;
        final float[] kRows;
        final float[] dk;
        final float[] dv;
        final float[] row;
        final float[] row2;

        BackwardTiles(int br, int bc, int dp, int d) {
            s = new float[br * bc];
            ds = new float[br * bc];
            kt = new float[dp * bc];
            vt = new float[dp * bc];
            kRows = new float[bc * dp];
            dk = new float[bc * dp];
            dv = new float[bc * dp];
            row = new float[d];
            row2 = new float[d];
        }
    }

    /** The backward pass with the given kernels and query block size. */
    static AttentionGradients backward(AttentionLayout layout, Tensor q, Tensor k, Tensor v, Tensor o, Tensor lse,
                                       Tensor dO, AttentionOptions opts, TileKernels kernels, int br) {
        Tensor qc = q.contiguous();
        Tensor kc = k.contiguous();
        Tensor vc = v.contiguous();
        Tensor oc = o.contiguous();
        Tensor lc = lse.contiguous();
        Tensor gc = dO.contiguous();
        int d = layout.d;
        int dp = kernels.padWidth(d);
        int bc = kernels.blockColumns();
        float scale = (float) opts.scaleFor(d);
        int heads = layout.heads;
        int seqHeads = layout.batch * heads;
        Tensor dq = Tensor.uninitialized(DType.FLOAT32, q.shape());
        Tensor dk = Tensor.uninitialized(DType.FLOAT32, k.shape());
        Tensor dv = Tensor.uninitialized(DType.FLOAT32, v.shape());

        // Heads are split into key ranges only when there are too few of them to keep every thread busy.
        int threads = WorkerThreads.count();
        int splits = seqHeads >= 2 * threads ? 1 : ceilDiv(2 * threads, Math.max(1, seqHeads));
        int[] chunks = new int[seqHeads];
        int[] firstItem = new int[seqHeads + 1];
        for (int w = 0; w < seqHeads; w++) {
            chunks[w] = Math.max(1, Math.min(splits, ceilDiv(layout.kLen[w / heads], bc)));
            firstItem[w + 1] = firstItem[w] + chunks[w];
        }
        float[][] partialDq = new float[firstItem[seqHeads]][];
        parallel(firstItem[seqHeads], () -> new BackwardTiles(br, bc, dp, d), (t, item) -> {
            int w = upperBound(firstItem, item) - 1;
            int b = w / heads;
            int h = w % heads;
            int chunk = item - firstItem[w];
            int nq = layout.qLen[b];
            int nk = layout.kLen[b];
            int keyBlocks = ceilDiv(nk, bc);
            int kb0 = (int) ((long) keyBlocks * chunk / chunks[w]);
            int kb1 = (int) ((long) keyBlocks * (chunk + 1) / chunks[w]);
            MaskRules rules = new MaskRules(layout, opts, b, h);
            int qBlocks = ceilDiv(nq, br);

            // Queries pre-scaled, so S = Qs K^T and dK = dS^T Qs both carry the scale.
            float[] qsc = packRows(layout, qc, b, h, nq, dp, br, scale, t.row, true);
            float[] g = packRows(layout, gc, b, h, nq, dp, br, 1f, t.row, true);
            // Per row: log-sum-exp (a row that attends nothing gets +inf, so exp(S - L) = 0 there and on padding
            // rows) and D = rowsum(dO * O) (FlashAttention-2, Algorithm 2, line 4).
            float[] lr = new float[qBlocks * br];
            float[] delta = new float[qBlocks * br];
            Arrays.fill(lr, Float.POSITIVE_INFINITY);
            MemorySegment lseg = lc.storage().segment();
            MemorySegment oseg = oc.storage().segment();
            for (int i = 0; i < nq; i++) {
                float value = lseg.getAtIndex(F32, lc.offset() + layout.lseIndex(b, h, i));
                lr[i] = value == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY : value;
                MemorySegment.copy(oseg, F32, (oc.offset() + layout.qRow(b, h, i)) * 4, t.row, 0, d);
                float sum = 0f;
                for (int p = 0; p < d; p++) {
                    sum += t.row[p] * g[i * dp + p];
                }
                delta[i] = sum;
            }
            float[] dqAcc = new float[qBlocks * br * dp];
            int keys = opts.validKeys(b, nk);
            for (int kb = kb0; kb < kb1; kb++) {
                int j0 = kb * bc;
                packKeyBlock(layout, kc, vc, b, h, j0, Math.min(bc, keys - j0), dp, bc, t);
                Arrays.fill(t.dk, 0f);
                Arrays.fill(t.dv, 0f);
                for (int qb = 0; qb < qBlocks && j0 < keys; qb++) {
                    int i0 = qb * br;
                    int valid = Math.min(br, nq - i0);
                    if (rules.keyEnd(i0 + valid - 1) <= j0) {
                        continue; // no row of this block attends these keys
                    }
                    int rows = roundUp(valid, TileKernels.ROW_GROUP);
                    kernels.scores(rows, d, qsc, i0 * dp, dp, t.kt, 0, t.s);
                    if (rules.slope != 0f) {
                        kernels.addAlibi(t.s, rows, i0 + rules.offset, j0, rules.slope);
                    }
                    if (rules.hasMask() || j0 + bc > rules.keyEnd(i0)) {
                        rules.apply(t.s, bc, valid, i0, j0);
                    }
                    kernels.probabilities(rows, t.s, lr, i0);
                    // dV += P^T dO
                    kernels.accumulate(bc, dp, rows, t.s, 0, 1, bc, g, i0 * dp, dp, t.dv, 0, dp);
                    // dP = dO V^T, then dS = P (dP - D)
                    kernels.scores(rows, d, g, i0 * dp, dp, t.vt, 0, t.ds);
                    kernels.scoreGradients(rows, t.s, t.ds, delta, i0);
                    // dK += dS^T Qs; dQ += dS K (scaled when written)
                    kernels.accumulate(bc, dp, rows, t.ds, 0, 1, bc, qsc, i0 * dp, dp, t.dk, 0, dp);
                    kernels.accumulate(rows, dp, bc, t.ds, 0, bc, 1, t.kRows, 0, dp, dqAcc, i0 * dp, dp);
                }
                MemorySegment dks = dk.storage().segment();
                MemorySegment dvs = dv.storage().segment();
                for (int c = 0; c < Math.min(bc, nk - j0); c++) {
                    long at = layout.kRow(b, h, j0 + c) * 4;
                    MemorySegment.copy(t.dk, c * dp, dks, F32, at, d);
                    MemorySegment.copy(t.dv, c * dp, dvs, F32, at, d);
                }
            }
            partialDq[item] = dqAcc;
        });

        // dQ: the key ranges of a head add their partial sums in order.
        MemorySegment dqs = dq.storage().segment();
        float[] row = new float[d];
        for (int w = 0; w < seqHeads; w++) {
            int b = w / heads;
            int h = w % heads;
            for (int i = 0; i < layout.qLen[b]; i++) {
                for (int p = 0; p < d; p++) {
                    float sum = 0f;
                    for (int c = firstItem[w]; c < firstItem[w + 1]; c++) {
                        sum += partialDq[c][i * dp + p];
                    }
                    row[p] = sum * scale;
                }
                MemorySegment.copy(row, 0, dqs, F32, layout.qRow(b, h, i) * 4, d);
            }
        }
        return new AttentionGradients(dq, dk, dv);
    }

    /**
     * Packs keys [j0, j0 + count) of (b, h) into the tiles: K and V transposed (dp x bc, for S and dP)
     * and K row-major (bc x dp, for dQ); the rest of each tile is zero.
     */
    private static void packKeyBlock(AttentionLayout layout, Tensor k, Tensor v, int b, int h, int j0, int count,
                                     int dp, int bc, BackwardTiles t) {
        int d = layout.d;
        Arrays.fill(t.kt, 0f);
        Arrays.fill(t.vt, 0f);
        Arrays.fill(t.kRows, 0f);
        MemorySegment ks = k.storage().segment();
        MemorySegment vs = v.storage().segment();
        for (int c = 0; c < count; c++) {
            MemorySegment.copy(ks, F32, (k.offset() + layout.kRow(b, h, j0 + c)) * 4, t.kRows, c * dp, d);
            MemorySegment.copy(vs, F32, (v.offset() + layout.kRow(b, h, j0 + c)) * 4, t.row2, 0, d);
            for (int p = 0; p < d; p++) {
                t.kt[p * bc + c] = t.kRows[c * dp + p];
                t.vt[p * bc + c] = t.row2[p];
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** What a thread does with one work item, given its own scratch state. */
    @FunctionalInterface
    private interface ItemBody<S> {
        void run(S state, int item);
    }

    /**
     * Runs items [0, items) on the worker threads, each thread taking the next item when it finishes
     * one (so uneven items, such as causal query blocks, balance), with one scratch state per thread.
     */
    private static <S> void parallel(int items, Supplier<S> state, ItemBody<S> body) {
        int tasks = Math.min(items, WorkerThreads.count());
        if (tasks <= 1) {
            S s = items > 0 ? state.get() : null;
            for (int i = 0; i < items; i++) {
                body.run(s, i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable[] parts = new Runnable[tasks];
        for (int p = 0; p < tasks; p++) {
            parts[p] = () -> {
                S s = state.get();
                for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                    body.run(s, i);
                }
            };
        }
        WorkerThreads.runAll(parts);
    }

    /** The first index whose value exceeds {@code key} in a non-decreasing array. */
    private static int upperBound(int[] a, int key) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int m) {
        return ceilDiv(a, m) * m;
    }
}
