package dev.jacobi.tensor.ops;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The strided iteration every elementwise kernel shares: walks a shape over several operands
 * (operand 0 is usually the output) one innermost row at a time, after merging dimensions that
 * are contiguous in every operand, and splits large work across the fork-join pool.
 */
public final class Loops {
    /** Below this many elements a loop runs on the calling thread: forking costs more than it saves. */
    public static final long PARALLEL_THRESHOLD = 1 << 16;

    private Loops() {
    }

    /** Processes one row: {@code n} elements, operand j starting at element {@code base[j]} and moving by {@code step[j]}. */
    @FunctionalInterface
    public interface RowKernel {
        void row(int n, long[] base, long[] step);
    }

    /**
     * Calls {@code kernel} on every innermost row of {@code shape}.
     *
     * @param strides   strides[j] are operand j's strides for {@code shape} (0 where it broadcasts)
     * @param offsets   offsets[j] is operand j's first element
     * @param parallel  whether rows may run on several threads (the kernel must then be thread-safe)
     */
    public static void forEachRow(int[] shape, long[][] strides, long[] offsets, boolean parallel, RowKernel kernel) {
        int ops = offsets.length;
        // Merge dimensions: skip size-1 dims, fuse dim i into i+1 when contiguous in every operand.
        int[] s = new int[shape.length];
        long[][] st = new long[ops][shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return;
            }
            if (shape[d] == 1) {
                continue;
            }
            boolean fuse = rank > 0 && (long) s[rank - 1] * shape[d] <= Integer.MAX_VALUE; // rows are int-sized
            for (int j = 0; j < ops && fuse; j++) {
                fuse = st[j][rank - 1] == strides[j][d] * shape[d];
            }
            if (fuse) {
                s[rank - 1] *= shape[d];
                for (int j = 0; j < ops; j++) {
                    st[j][rank - 1] = strides[j][d];
                }
            } else {
                s[rank] = shape[d];
                for (int j = 0; j < ops; j++) {
                    st[j][rank] = strides[j][d];
                }
                rank++;
            }
        }
        if (rank == 0) {
            kernel.row(1, offsets.clone(), new long[ops]);
            return;
        }
        int n = s[rank - 1];
        long[] step = new long[ops];
        for (int j = 0; j < ops; j++) {
            step[j] = st[j][rank - 1];
        }
        long rows = 1;
        for (int d = 0; d < rank - 1; d++) {
            rows *= s[d];
        }
        // A parallel stream runs on the pool's workers and the calling thread: on 2 cores the pool has 1 worker.
        int threads = ForkJoinPool.commonPool().getParallelism() + 1;
        long total = rows * n;
        if (!parallel || threads < 2 || total < PARALLEL_THRESHOLD) {
            runRows(0, rows, 0, n, s, st, rank, offsets, step, kernel);
            return;
        }
        // Work items: whole rows when there are many, else slices of rows.
        int target = threads * 4;
        int slicesPerRow = rows >= target ? 1 : (int) Math.min(n, (target + rows - 1) / rows);
        long items = rows * slicesPerRow;
        int tasks = (int) Math.min(items, target);
        int finalRank = rank;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            long from = items * t / tasks;
            long to = items * (t + 1) / tasks;
            if (slicesPerRow == 1) {
                runRows(from, to, 0, n, s, st, finalRank, offsets, step, kernel);
            } else {
                for (long w = from; w < to; w++) {
                    long row = w / slicesPerRow;
                    int slice = (int) (w % slicesPerRow);
                    int c0 = (int) ((long) n * slice / slicesPerRow);
                    int c1 = (int) ((long) n * (slice + 1) / slicesPerRow);
                    runRows(row, row + 1, c0, c1, s, st, finalRank, offsets, step, kernel);
                }
            }
        });
    }

    /** Runs rows [fromRow, toRow), each restricted to columns [c0, c1). */
    private static void runRows(long fromRow, long toRow, int c0, int c1, int[] s, long[][] st, int rank,
                                long[] offsets, long[] step, RowKernel kernel) {
        int ops = offsets.length;
        int outer = rank - 1;
        int[] idx = new int[Math.max(outer, 1)];
        // Unravel fromRow into the outer index.
        long r = fromRow;
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = (int) (r % s[d]);
            r /= s[d];
        }
        long[] base = new long[ops];
        for (int j = 0; j < ops; j++) {
            long b = offsets[j] + c0 * step[j];
            for (int d = 0; d < outer; d++) {
                b += idx[d] * st[j][d];
            }
            base[j] = b;
        }
        long[] rowBase = new long[ops];
        for (long row = fromRow; row < toRow; row++) {
            System.arraycopy(base, 0, rowBase, 0, ops);
            kernel.row(c1 - c0, rowBase, step);
            // Advance the outer index like an odometer.
            for (int d = outer - 1; d >= 0; d--) {
                idx[d]++;
                for (int j = 0; j < ops; j++) {
                    base[j] += st[j][d];
                }
                if (idx[d] < s[d]) {
                    break;
                }
                idx[d] = 0;
                for (int j = 0; j < ops; j++) {
                    base[j] -= st[j][d] * s[d];
                }
            }
        }
    }

    /**
     * The strides of {@code t}'s layout broadcast to {@code outShape}: 0 on new leading dimensions and
     * on size-1 dimensions that the output repeats.
     */
    public static long[] broadcastStrides(int[] shape, long[] strides, int[] outShape) {
        long[] r = new long[outShape.length];
        int lead = outShape.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            r[lead + i] = shape[i] == 1 && outShape[lead + i] != 1 ? 0 : strides[i];
        }
        return r;
    }
}
