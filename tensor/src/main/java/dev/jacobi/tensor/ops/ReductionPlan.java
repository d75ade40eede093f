package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A reduction of a strided tensor in canonical form: the kept dimensions (those of the output, in
 * order) and the reduced dimensions, each with the input's strides, size-1 dimensions dropped and
 * neighbours that are contiguous in the input merged. Output {@code o} (row-major over the kept
 * dimensions) folds the {@link #count} elements at {@code outputOffset(o) + sum(idx[d] * redStrides[d])}.
 *
 * @param keptShape   merged kept dimensions (empty for a single output)
 * @param keptStrides their input strides
 * @param redShape    merged reduced dimensions, never empty ({@code [1]} with stride 0 when nothing is reduced)
 * @param redStrides  their input strides
 * @param offset      input offset of output 0's first element
 * @param outputs     number of outputs (product of keptShape)
 * @param count       elements folded into each output (product of redShape)
 */
record ReductionPlan(long[] keptShape, long[] keptStrides, long[] redShape, long[] redStrides, long offset,
                     long outputs, long count) {

    /**
     * The plan reducing {@code t} over the axes where {@code mask} is true.
     *
     * @param orderFree true when the reduced elements may be visited in any order (every reduction but
     *                  argmax/argmin): negative strides are flipped and the reduced axes sorted by stride,
     *                  largest first, so that the innermost is the most contiguous; broadcast (stride-0)
     *                  axes go outermost
     */
    static ReductionPlan of(Tensor t, boolean[] mask, boolean orderFree) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        long offset = t.offset();
        List<long[]> kept = new ArrayList<>();
        List<long[]> reduced = new ArrayList<>();
        long outputs = 1;
        long count = 1;
        for (int d = 0; d < shape.length; d++) {
            long[] dim = {shape[d], strides[d]};
            if (mask[d]) {
                if (orderFree && strides[d] < 0 && shape[d] > 0) {
                    offset += (shape[d] - 1L) * strides[d];
                    dim[1] = -strides[d];
                }
                reduced.add(dim);
                count *= shape[d];
            } else {
                kept.add(dim);
                outputs *= shape[d];
            }
        }
        if (orderFree) {
            reduced.sort(Comparator.comparingLong((long[] dim) -> dim[1] == 0 ? Long.MAX_VALUE : dim[1]).reversed());
        }
        long[][] k = merge(kept);
        long[][] r = merge(reduced);
        if (r[0].length == 0) {
            r = new long[][] {{1}, {0}};
        }
        return new ReductionPlan(k[0], k[1], r[0], r[1], offset, outputs, count);
    }

    /** Offset of the first element folded into output {@code o}. */
    long outputOffset(long o) {
        long off = offset;
        for (int d = keptShape.length - 1; d >= 0; d--) {
            off += (o % keptShape[d]) * keptStrides[d];
            o /= keptShape[d];
        }
        return off;
    }

    /** Drops size-1 dims and fuses neighbours whose strides compose; returns {sizes, strides}. */
    private static long[][] merge(List<long[]> dims) {
        List<long[]> out = new ArrayList<>();
        for (long[] dim : dims) {
            if (dim[0] == 1) {
                continue;
            }
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[1] == dim[1] * dim[0]) {
                last[0] *= dim[0];
                last[1] = dim[1];
            } else {
                out.add(dim.clone());
            }
        }
        long[][] r = new long[2][out.size()];
        for (int i = 0; i < out.size(); i++) {
            r[0][i] = out.get(i)[0];
            r[1][i] = out.get(i)[1];
        }
        return r;
    }
}
