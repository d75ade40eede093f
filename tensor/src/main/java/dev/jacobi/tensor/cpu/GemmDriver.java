package dev.jacobi.tensor.cpu;

import java.util.function.Supplier;

/**
 * The loop nest that {@link Sgemm} and {@link Dgemm} share (the GotoBLAS / BLIS structure): C is cut
 * into column panels of width nc, the inner dimension into blocks of depth kc, and rows into blocks
 * of height mc. Each kc x nc panel of B is packed once and reused for every mc x kc block of A; the
 * {@link Worker} of the precision packs the blocks and runs the register-blocked micro-kernel over them.
 *
 * <p>Several threads split the rows (or, for short and wide products, the columns) of C into
 * disjoint parts; each part runs the whole loop nest with its own pack buffers, so the threads never
 * wait for each other.
 */
final class GemmDriver {
    /** A thread that never runs: memory it may access is memory any thread may access. */
    private static final Thread OTHER_THREAD = Thread.ofPlatform().unstarted(() -> { });

    private GemmDriver() {
    }

    /**
     * Block sizes of one precision.
     *
     * @param mr micro-kernel rows
     * @param nr micro-kernel columns
     * @param mc rows of a packed block of A (a multiple of mr)
     * @param kc depth of the packed blocks
     * @param nc columns of a packed panel of B (a multiple of nr)
     */
    record Blocking(int mr, int nr, int mc, int kc, int nc) {
    }

    /** One thread's packing and multiplying; owns its pack buffers. */
    interface Worker {
        /** Packs B[p0 : p0+kc, j0 : j0+nc] into nr-wide panels. */
        void packB(int p0, int kc, int j0, int nc);

        /** Packs A[i0 : i0+mc, p0 : p0+kc] into mr-high panels. */
        void packA(int i0, int mc, int p0, int kc);

        /**
         * C[i0 : i0+mc, j0 : j0+nc] = alpha (packed A x packed B) + (first ? beta : 1) C.
         *
         * @param first whether this is the first block of the inner dimension
         */
        void multiply(int i0, int mc, int j0, int nc, int kc, boolean first);
    }

    /**
     * Checks that A (m x k), B (k x n) and C (m x n) fit together and lie inside their segments.
     *
     * @param elementBytes 4 for float32, 8 for float64
     * @throws IllegalArgumentException  naming {@code op} and the shapes when they do not fit
     * @throws IndexOutOfBoundsException when an element lies outside its segment
     */
    static void checkOperands(String op, StridedMatrix a, StridedMatrix b, StridedMatrix c, int elementBytes) {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException(op + ": inner dimensions differ: " + a.shape() + " x " + b.shape());
        }
        if (c.rows() != a.rows() || c.cols() != b.cols()) {
            throw new IllegalArgumentException(op + ": C is " + c.shape() + " but " + a.shape() + " x " + b.shape()
                    + " is [" + a.rows() + ", " + b.cols() + "]");
        }
        a.checkInside(op, "A", elementBytes);
        b.checkInside(op, "B", elementBytes);
        c.checkInside(op, "C", elementBytes);
    }

    /**
     * Runs the loop nest for an m x n x k product (all positive) of A, B and C on up to
     * {@code config.threads()} threads. {@code workers} is called once on each thread that takes part.
     * Memory of a confined arena may only be touched by its owner, so such products run on the
     * calling thread.
     */
    static void run(int m, int n, int k, StridedMatrix a, StridedMatrix b, StridedMatrix c, Blocking blocking,
                    GemmConfig config, Supplier<Worker> workers) {
        int parts = config.threads();
        boolean shared = a.segment().isAccessibleBy(OTHER_THREAD) && b.segment().isAccessibleBy(OTHER_THREAD)
                && c.segment().isAccessibleBy(OTHER_THREAD);
        if ((long) m * n * k < GemmConfig.PARALLEL_MIN_WORK || !shared) {
            parts = 1;
        }
        // Splitting rows makes every part pack all of B; splitting columns makes every part pack
        // all of A, whose packing is the slower transpose. Rows win unless C is much wider than high.
        boolean splitRows = 4L * m >= n;
        int unit = splitRows ? blocking.mr() : blocking.nr();
        int extent = splitRows ? m : n;
        parts = Math.max(1, Math.min(parts, extent / (2 * unit)));
        if (parts == 1) {
            loopNest(0, m, 0, n, k, blocking, workers.get());
            return;
        }
        int units = (extent + unit - 1) / unit;
        int count = parts;
        boolean rows = splitRows;
        Runnable[] tasks = new Runnable[count];
        for (int part = 0; part < count; part++) {
            int from = Math.min(extent, (int) ((long) units * part / count) * unit);
            int to = Math.min(extent, (int) ((long) units * (part + 1) / count) * unit);
            tasks[part] = () -> {
                if (from < to) {
                    if (rows) {
                        loopNest(from, to, 0, n, k, blocking, workers.get());
                    } else {
                        loopNest(0, m, from, to, k, blocking, workers.get());
                    }
                }
            };
        }
        WorkerThreads.runAll(tasks);
    }

    /** The blocked loops over rows [m0, m1) and columns [n0, n1) of C. */
    private static void loopNest(int m0, int m1, int n0, int n1, int k, Blocking blk, Worker worker) {
        int kc = balanced(k, blk.kc(), 1);
        int mc = balanced(m1 - m0, blk.mc(), blk.mr());
        int nc = balanced(n1 - n0, blk.nc(), blk.nr());
        for (int jc = n0; jc < n1; jc += nc) {
            int ncEff = Math.min(nc, n1 - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kcEff = Math.min(kc, k - pc);
                worker.packB(pc, kcEff, jc, ncEff);
                for (int ic = m0; ic < m1; ic += mc) {
                    int mcEff = Math.min(mc, m1 - ic);
                    worker.packA(ic, mcEff, pc, kcEff);
                    worker.multiply(ic, mcEff, jc, ncEff, kcEff, pc == 0);
                }
            }
        }
    }

    /**
     * A block size at most {@code max} that cuts {@code extent} into equal blocks, rounded up to a
     * multiple of {@code unit}: 300 with max 256 gives two blocks of 150, not 256 and 44, because a
     * thin last block runs the micro-kernel at a fraction of its speed.
     */
    static int balanced(int extent, int max, int unit) {
        int blocks = Math.max(1, (extent + max - 1) / max);
        int size = (extent + blocks - 1) / blocks;
        size = (size + unit - 1) / unit * unit;
        return Math.min(size, Math.max(max, unit));
    }
}
