package dev.jacobi.bench.jmh;

import dev.jacobi.bench.gemm.GemmImpl;
import dev.jacobi.bench.gemm.GemmProblem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH benchmark of one n x n float32 product C = A B per operation: Jacobi's Sgemm, OpenBLAS
 * cblas_sgemm, EJML, and (at n = 256 only) the naive triple loop. Divide 2 n^3 by the reported time
 * for GFLOP/s; {@link dev.jacobi.bench.gemm.GemmComparison} prints that table directly.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... org.openjdk.jmh.Main \
 *     GemmBenchmark -p n=1024 -p threads=1 -f 1 -wi 2 -i 3
 * </pre>
 *
 * <p>The forks get {@code --add-modules jdk.incubator.vector} (without it Jacobi runs its scalar
 * kernels) and native access for OpenBLAS from {@link Fork#jvmArgsAppend}, whatever flags the
 * launching JVM had. OpenBLAS is measured at its best only with {@code OPENBLAS_CORETYPE} and
 * {@code OPENBLAS_L2_SIZE} unset; the forks inherit the environment.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    /** The product measured by {@link #gemm}. */
    @State(Scope.Benchmark)
    public static class Problem {
        /** Matrix size. */
        @Param({"256", "1024", "2048"})
        public int n;
        /** jacobi, openblas or ejml. */
        @Param({"jacobi", "openblas", "ejml"})
        public String impl;
        /** Threads: a number, or "all" for every available processor. */
        @Param({"1", "all"})
        public String threads;

        GemmImpl implementation;
        int threadCount;
        GemmProblem problem;

        @Setup(Level.Trial)
        public void setUp() {
            implementation = GemmImpl.of(impl);
            threadCount = threads.equals("all") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
            String reason = implementation.unavailableReason(threadCount);
            if (!reason.isEmpty()) {
                throw new IllegalStateException(impl + " cannot run: " + reason);
            }
            problem = GemmProblem.create(n, 42);
            implementation.prepare(threadCount);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            problem.close();
        }
    }

    /** The naive triple loop's product: one size, one thread, since a product at n = 1024 takes seconds. */
    @State(Scope.Benchmark)
    public static class NaiveProblem {
        /** Matrix size. */
        @Param({"256"})
        public int n;

        GemmProblem problem;

        @Setup(Level.Trial)
        public void setUp() {
            problem = GemmProblem.create(n, 42);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            problem.close();
        }
    }

    /** One product by the implementation and thread count of the parameters. */
    @Benchmark
    public GemmProblem gemm(Problem p) {
        p.implementation.multiply(p.problem, p.threadCount);
        return p.problem;
    }

    /** One product by the naive triple loop. */
    @Benchmark
    public GemmProblem naive(NaiveProblem p) {
        GemmImpl.NAIVE.multiply(p.problem, 1);
        return p.problem;
    }
}
