package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.cpu.WorkerThreads;

/**
 * The strided iteration every elementwise kernel shares: walks a shape over several operands
 * (operand 0 is usually the output) one innermost row at a time, after merging dimensions that
 * are contiguous in every operand, and splits large work across {@link WorkerThreads}.
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
        long total = rows * n;
        // Small work never asks for the core count: availableProcessors() costs more than a 16-element add.
        int threads = !parallel || total < PARALLEL_THRESHOLD ? 1 : WorkerThreads.count();
        if (threads < 2) {
            runRows(0, rows, 0, n, s, st, rank, offsets, step, kernel);
            return;
        }
        // One contiguous range of work items per thread: whole rows when there are enough, else slices of rows.
        int slicesPerRow = rows >= threads ? 1 : (int) Math.min(n, (threads + rows - 1) / rows);
        long items = rows * slicesPerRow;
        int tasks = (int) Math.min(items, threads);
        int finalRank = rank;
        Runnable[] parts = new Runnable[tasks];
        for (int t = 0; t < tasks; t++) {
            long from = items * t / tasks;
            long to = items * (t + 1) / tasks;
            parts[t] = () -> {
                for (long w = from; w < to; ) {
                    long row = w / slicesPerRow;
                    if (slicesPerRow == 1) {
                        runRows(from, to, 0, n, s, st, finalRank, offsets, step, kernel);
                        return;
                    }
                    int slice = (int) (w % slicesPerRow);
                    int c0 = (int) ((long) n * slice / slicesPerRow);
                    int c1 = (int) ((long) n * (slice + 1) / slicesPerRow);
                    runRows(row, row + 1, c0, c1, s, st, finalRank, offsets, step, kernel);
                    w++;
                }
            };
        }
        WorkerThreads.runAll(parts);
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
