package dev.jacobi.tensor.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads the CPU kernels (GEMM, elementwise loops) split their work across: the caller runs the
 * first part, dedicated daemon threads the others, and the caller waits for them. A parallel stream on
 * the common pool let the caller run every part itself whenever the pool's single worker (on 2 cores)
 * woke late, which made two-thread products no faster than one (measured: 115 against 196 GFLOP/s
 * for SGEMM at n = 1024).
 */
public final class WorkerThreads {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
            Thread.ofPlatform().daemon().name("jacobi-worker-", 0).factory());
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private WorkerThreads() {
    }

    /** How many parts work may usefully be split into: one per core. */
    public static int count() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs every task, the first on the calling thread, and returns when all are done; the first
     * exception a task throws is rethrown. Calls made from inside a task run their tasks in sequence.
     */
    public static void runAll(Runnable[] tasks) {
        if (INSIDE.get() || tasks.length == 1) {
            for (Runnable t : tasks) {
                t.run();
            }
            return;
        }
        Future<?>[] others = new Future<?>[tasks.length - 1];
        for (int i = 1; i < tasks.length; i++) {
            Runnable task = tasks[i];
            others[i - 1] = POOL.submit(() -> {
                INSIDE.set(true);
                try {
                    task.run();
                } finally {
                    INSIDE.set(false);
                }
            });
        }
        INSIDE.set(true);
        try {
            tasks[0].run();
        } finally {
            INSIDE.set(false);
        }
        for (Future<?> f : others) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for its threads", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("a worker thread failed", e.getCause());
            }
        }
    }
}
