package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.WorkerThreads;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Float32 copies whose source is transposed in the last two dimensions (a {@code mT()} or
 * {@code permute} view) into a contiguous destination, in 32 x 32 tiles: each tile reads 32 source
 * lines and writes 32 destination lines, all of which stay in L1, where the row-by-row copy touched a
 * new source cache line for every element (measured: 4.5 GB/s for a 1024 x 1024 transpose).
 */
final class TransposedCopy {
    private static final int TILE = 32;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private TransposedCopy() {
    }

    /** True for a contiguous destination of the source's shape whose source reads down columns. */
    static boolean applies(Tensor src, Tensor dst) {
        int r = dst.rank();
        if (r < 2 || !dst.isContiguous() || !java.util.Arrays.equals(src.shape(), dst.shape())) {
            return false;
        }
        long[] st = src.strides();
        int rows = dst.size(-2);
        int cols = dst.size(-1);
        return st[r - 2] == 1 && st[r - 1] != 1 && rows >= TILE && cols >= TILE;
    }

    static void copy(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        int r = shape.length;
        int rows = shape[r - 2];
        int cols = shape[r - 1];
        long colStride = src.strides()[r - 1];
        long matrices = dst.numel() / ((long) rows * cols);
        long[] srcStarts = starts(src, matrices);
        MemorySegment ms = src.storage().segment();
        MemorySegment md = dst.storage().segment();
        long dstBase = dst.offset();
        int tileRows = (rows + TILE - 1) / TILE;
        long jobs = matrices * tileRows;
        int parts = (int) Math.max(1, Math.min(WorkerThreads.count(), dst.numel() / Loops.PARALLEL_THRESHOLD));
        Runnable[] tasks = new Runnable[parts];
        for (int p = 0; p < parts; p++) {
            long from = jobs * p / parts;
            long to = jobs * (p + 1) / parts;
            tasks[p] = () -> {
                for (long job = from; job < to; job++) {
                    int m = (int) (job / tileRows);
                    int i0 = (int) (job % tileRows) * TILE;
                    int i1 = Math.min(rows, i0 + TILE);
                    long s = srcStarts[m];
                    long d = dstBase + (long) m * rows * cols;
                    for (int j0 = 0; j0 < cols; j0 += TILE) {
                        int j1 = Math.min(cols, j0 + TILE);
                        for (int i = i0; i < i1; i++) {
                            for (int j = j0; j < j1; j++) {
                                md.setAtIndex(F32, d + (long) i * cols + j, ms.getAtIndex(F32, s + i + j * colStride));
                            }
                        }
                    }
                }
            };
        }
        WorkerThreads.runAll(tasks);
    }

    /** The storage offset of each matrix of {@code t} (row-major over its leading dimensions). */
    private static long[] starts(Tensor t, long matrices) {
        int[] shape = t.shape();
        long[] strides = t.strides();
        int lead = shape.length - 2;
        long[] out = new long[Math.toIntExact(matrices)];
        int[] index = new int[lead];
        long off = t.offset();
        for (int m = 0; m < out.length; m++) {
            out[m] = off;
            for (int d = lead - 1; d >= 0; d--) {
                index[d]++;
                off += strides[d];
                if (index[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
        return out;
    }
}
