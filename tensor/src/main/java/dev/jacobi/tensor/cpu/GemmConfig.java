package dev.jacobi.tensor.cpu;

/**
 * How a GEMM call may use the machine.
 *
 * @param threads the most threads one call runs on (at least 1). The work is split into this many
 *                parts, run on the common fork-join pool with the calling thread taking part; small
 *                products stay on the calling thread whatever this says.
 */
public record GemmConfig(int threads) {
    /**
     * Products with fewer multiply-adds (m n k) stay on one thread: at 2^21 (128^3) a product takes
     * about 10 microseconds on one AVX-512 core, the order of what handing work to another thread
     * costs. Batched products below it are better run one per thread.
     */
    public static final long PARALLEL_MIN_WORK = 1L << 21;

    public GemmConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("GemmConfig: threads must be at least 1, got " + threads);
        }
    }

    /** Every available processor. */
    public static GemmConfig allCores() {
        return new GemmConfig(Runtime.getRuntime().availableProcessors());
    }

    /** The calling thread only. */
    public static GemmConfig singleThreaded() {
        return new GemmConfig(1);
    }

    /** At most {@code threads} threads. */
    public static GemmConfig ofThreads(int threads) {
        return new GemmConfig(threads);
    }
}
