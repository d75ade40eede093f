package dev.jacobi.bench.jmh;

import dev.jacobi.nn.attention.AttentionGradients;
import dev.jacobi.nn.attention.AttentionOptions;
import dev.jacobi.nn.attention.AttentionOutput;
import dev.jacobi.nn.attention.FlashAttention;
import dev.jacobi.nn.attention.NaiveAttention;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * JMH benchmark of attention on one batch of {@code heads} heads of N queries and keys of dimension d
 * (float32, padded layout): {@link FlashAttention} (tiled, O(N d) extra memory) against
 * {@link NaiveAttention} (materialises the N x N scores), forward alone and forward plus backward.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) org.openjdk.jmh.Main AttentionBenchmark \
 *     -f 1 -wi 1 -i 3 -prof gc
 * </pre>
 *
 * <p>Each call runs inside its own {@link dev.jacobi.tensor.Scope}, so results are freed at once.
 * {@code -prof gc} reports heap bytes per call ({@code gc.alloc.rate.norm}): the flash kernel's packed
 * copies and tiles are on the heap; the tensors both produce are off-heap, and the setup prints those
 * bytes per call ("off-heap bytes per call"), where the naive N x N matrices show.
 *
 * <p>The forks keep up to 8 GiB of freed off-heap blocks for reuse ({@code jacobi.pool.maxBytes}; the
 * default is 1 GiB): the naive pass needs several [heads, N, N] tensors at once (512 MiB each at
 * N = 4096), and with the default pool every call would fault in fresh pages, which on this VM costs
 * seconds (about 3 ms per MiB) and would measure the operating system, not the attention.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g",
    "-Djacobi.pool.maxBytes=8589934592"})
public class AttentionBenchmark {
    /** Inputs of one attention call. */
    @State(Scope.Benchmark)
    public static class Problem {
        /** Sequence length N (queries and keys). */
        @Param({"1024", "2048", "4096"})
        public int n;
        /** flash or naive. */
        @Param({"flash", "naive"})
        public String impl;
        /** Causal masking. */
        @Param({"false"})
        public boolean causal;
        /** Heads. */
        @Param({"8"})
        public int heads;
        /** Head dimension. */
        @Param({"64"})
        public int d;

        Tensor q;
        Tensor k;
        Tensor v;
        Tensor dO;
        AttentionOptions opts;
        boolean flash;

        @Setup(Level.Trial)
        public void setUp() {
            if (!impl.equals("flash") && !impl.equals("naive")) {
                throw new IllegalArgumentException("impl must be flash or naive, got " + impl);
            }
            flash = impl.equals("flash");
            Generator gen = Generator.seeded(42);
            q = Tensor.randn(gen, DType.FLOAT32, 1, heads, n, d);
            k = Tensor.randn(gen, DType.FLOAT32, 1, heads, n, d);
            v = Tensor.randn(gen, DType.FLOAT32, 1, heads, n, d);
            dO = Tensor.randn(gen, DType.FLOAT32, 1, heads, n, d);
            opts = AttentionOptions.defaults().withCausal(causal);
            try (var scope = dev.jacobi.tensor.Scope.open()) {
                runForward(this);
                long fwd = scope.bytesAllocated();
                runForwardBackward(this);
                System.out.printf("%n%s n=%d: off-heap bytes per call: forward %,d, forward+backward %,d%n",
                        impl, n, fwd, scope.bytesAllocated() - fwd);
            }
        }

        AttentionOutput forward() {
            return flash ? FlashAttention.forward(q, k, v, opts) : NaiveAttention.forward(q, k, v, opts);
        }

        AttentionGradients backward(AttentionOutput out) {
            return flash ? FlashAttention.backward(q, k, v, out.output(), out.logsumexp(), dO, opts)
                    : NaiveAttention.backward(q, k, v, out.output(), out.logsumexp(), dO, opts);
        }
    }

    private static float runForward(Problem p) {
        AttentionOutput out = p.forward();
        return out.output().storage().getFloat(0);
    }

    private static float runForwardBackward(Problem p) {
        AttentionOutput out = p.forward();
        return p.backward(out).dQ().storage().getFloat(0);
    }

    /** The forward pass: output and log-sum-exp. */
    @Benchmark
    public float forward(Problem p) {
        try (var scope = dev.jacobi.tensor.Scope.open()) {
            return runForward(p);
        }
    }

    /** The forward pass followed by the backward pass. */
    @Benchmark
    public float forwardBackward(Problem p) {
        try (var scope = dev.jacobi.tensor.Scope.open()) {
            return runForwardBackward(p);
        }
    }
}
