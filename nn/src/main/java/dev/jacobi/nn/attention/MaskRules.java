package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Which keys one query row of one (sequence, head) may attend, from {@link AttentionOptions}. The
 * position rules (causal, block-causal, key padding) leave each row a prefix of keys
 * {@code [0, keyEnd(i))}, and {@code keyEnd} never decreases with {@code i}, so the kernels skip
 * whole key blocks past the last row's prefix and need no per-element test for blocks inside the
 * first row's prefix. Only the mask tensor is tested element by element.
 */
final class MaskRules {
    /** Absolute position of query row i is {@code i + offset} (bottom-right alignment). */
    final int offset;
    final float slope;
    private final int validKeys;
    private final boolean causal;
    private final int blockSize;
    private final MemorySegment mask;
    private final long maskBase;
    private final long maskRowStride;
    private final long maskColStride;

    MaskRules(AttentionLayout layout, AttentionOptions opts, int b, int h) {
        int nq = layout.qLen[b];
        int nk = layout.kLen[b];
        this.offset = nk - nq;
        this.slope = opts.slope(h);
        this.validKeys = opts.validKeys(b, nk);
        this.causal = opts.causal();
        this.blockSize = opts.blockSize();
        Tensor m = opts.mask();
        if (m == null) {
            mask = null;
            maskBase = maskRowStride = maskColStride = 0;
        } else {
            mask = m.storage().segment();
            int r = m.rank();
            long[] st = m.strides();
            int[] sh = m.shape();
            long base = m.offset();
            if (r == 4) {
                base += (sh[0] == 1 ? 0 : b * st[0]) + (sh[1] == 1 ? 0 : h * st[1]);
            }
            maskBase = base;
            maskRowStride = st[r - 2];
            maskColStride = st[r - 1];
        }
    }

    /** One past the last key row i may attend under the position rules (0 when none). */
    int keyEnd(int i) {
        long end = validKeys;
        long pos = (long) i + offset;
        if (causal) {
            end = Math.min(end, pos + 1);
        }
        if (blockSize > 0) {
            end = Math.min(end, (Math.floorDiv(pos, blockSize) + 1) * blockSize);
        }
        return (int) Math.max(end, 0);
    }

    /** True when a mask tensor must be read element by element. */
    boolean hasMask() {
        return mask != null;
    }

    /** True when key j passes the position rules and the mask for query row i. */
    boolean allowed(int i, int j) {
        return j < keyEnd(i) && (mask == null || mask.get(ValueLayout.JAVA_BYTE, maskBase + i * maskRowStride + j * maskColStride) != 0);
    }

    /**
     * Sets to {@code -inf} the entries of rows [0, validRows) of a score tile (row r is query
     * {@code i0 + r}, column c key {@code j0 + c}) that may not be attended.
     */
    void apply(float[] s, int columns, int validRows, int i0, int j0) {
        for (int r = 0; r < validRows; r++) {
            int i = i0 + r;
            int end = keyEnd(i) - j0;
            int row = r * columns;
            for (int c = Math.max(0, end); c < columns; c++) {
                s[row + c] = Float.NEGATIVE_INFINITY;
            }
            if (mask != null) {
                long mi = maskBase + i * maskRowStride + j0 * maskColStride;
                for (int c = 0; c < Math.min(end, columns); c++) {
                    if (mask.get(ValueLayout.JAVA_BYTE, mi + c * maskColStride) == 0) {
                        s[row + c] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
    }
}
