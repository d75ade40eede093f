package dev.jacobi.bench.jmh;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.NormalizationKernels;
import dev.jacobi.tensor.cpu.VectorKernels;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Memory bandwidth of elementwise ops, reductions, softmax and layer norm on 16M float32 values
 * (64 MiB), against a plain copy measured in the same run: the issue asks for at least 0.8x the copy's
 * bandwidth.
 *
 * <p>Bandwidth is bytes moved / time, counting each input read once and each output written once
 * ({@link #BYTES_MOVED}, in units of the 64 MiB tensor): copy 2 (read + write), add 3 (two reads, one
 * write), mul by a scalar and exp 2, sum 1 (the output is tiny), softmax and layer norm over rows of 4096
 * 2 (the row's later passes run in cache), allocation 1 (the zeroing write).
 *
 * <p>Two flavours of each op:
 * <ul>
 *   <li><b>as called</b> ({@code add}, {@code softmaxRows}, ...): the public method inside a {@link Scope}
 *       per call, so a fresh 64 MiB output is allocated, zeroed and freed each time, as in user code.
 *       {@code tensorCopy} is the matching baseline, and {@code allocate} the cost of the fresh output alone.</li>
 *   <li><b>kernel</b> ({@code addKernel}, ...): the SIMD kernel into a preallocated output, split into fixed
 *       chunks on the common fork-join pool like the ops; {@code copySegment} is the matching baseline.</li>
 * </ul>
 * Each call is timed on its own (sample mode), so the table gives the mean and the best time: on a
 * machine shared with other work the best time is the closer estimate of what the code can do.
 * Run {@link #main} to get the table of GB/s and ratios, after {@code ./mvnw -pl bench -am package -DskipTests}:
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.jacobi.bench.jmh.BandwidthBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * }</pre>
 * For a one-thread run add {@code -jvmArgsAppend "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -Xmx2g -Djava.util.concurrent.ForkJoinPool.common.parallelism=0"} (the option replaces the flags of
 * {@link Fork}, so repeat them); parallel streams then run on the calling thread alone.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@SuppressWarnings("try") // each Scope is opened for its effect (it owns and frees the outputs), never named
public class BandwidthBenchmark {
    /** Elements: 16M float32 = 64 MiB. */
    static final int N = 1 << 24;
    /** Rows of the [ROWS, ROWS] view for the row-wise benchmarks. */
    static final int ROWS = 1 << 12;
    /** Elements per work item of the kernel benchmarks (256 Ki floats, 1 MiB). */
    static final int CHUNK = 1 << 18;

    /** Bytes each benchmark moves, in units of the 64 MiB tensor; see the class comment. */
    static final Map<String, Integer> BYTES_MOVED = Map.ofEntries(
            Map.entry("copySegment", 2), Map.entry("tensorCopy", 2), Map.entry("allocate", 1),
            Map.entry("add", 3), Map.entry("addKernel", 3), Map.entry("mulScalar", 2), Map.entry("mulScalarKernel", 2),
            Map.entry("exp", 2), Map.entry("expKernel", 2), Map.entry("sumAll", 1), Map.entry("sumLastAxis", 1),
            Map.entry("sumFirstAxis", 1), Map.entry("softmaxRows", 2), Map.entry("softmaxRowsKernel", 2),
            Map.entry("layerNormRows", 2), Map.entry("layerNormRowsKernel", 2));

    private Tensor a;
    private Tensor b;
    private Tensor square;
    private Tensor weight;
    private Tensor bias;
    private MemorySegment in;
    private MemorySegment other;
    private MemorySegment out;
    private MemorySegment two;

    /** Fills the inputs with uniform values in [-1, 1) and allocates the kernels' output once. */
    @Setup
    public void setUp() {
        a = random(N, 1);
        b = random(N, 2);
        square = a.reshape(ROWS, ROWS);
        weight = random(ROWS, 3);
        bias = random(ROWS, 4);
        in = a.storage().segment();
        other = b.storage().segment();
        out = Arena.ofAuto().allocate(4L * N, 64);
        two = Arena.ofAuto().allocateFrom(ValueLayout.JAVA_FLOAT, 2f);
    }

    private static Tensor random(int n, long seed) {
        Tensor t = Tensor.zeros(DType.FLOAT32, n);
        MemorySegment m = t.storage().segment();
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            m.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
        }
        return t;
    }

    // ---------------------------------------------------------------- baselines

    /** Plain copy of the 64 MiB storage into a preallocated segment, in fixed chunks on the pool. */
    @Benchmark
    public void copySegment() {
        chunks(c -> MemorySegment.copy(in, 4L * c, out, 4L * c, 4L * CHUNK));
    }

    /** {@code Tensor.copy()} as called: allocates, zeroes, copies, frees. */
    @Benchmark
    public void tensorCopy(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.copy());
        }
    }

    /** A fresh 64 MiB tensor alone (Arena allocation, zeroing, free): the overhead every as-called op pays. */
    @Benchmark
    public void allocate(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(Tensor.empty(DType.FLOAT32, N));
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** {@code a.add(b)} as called. */
    @Benchmark
    public void add(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.add(b));
        }
    }

    /** The add kernel into a preallocated output. */
    @Benchmark
    public void addKernel() {
        chunks(c -> VectorKernels.binaryFloat(BinaryOp.ADD, CHUNK, out, c, in, c, 1, other, c, 1));
    }

    /** {@code a.mul(2.0)} as called. */
    @Benchmark
    public void mulScalar(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.mul(2.0));
        }
    }

    /** The multiply-by-a-broadcast-scalar kernel into a preallocated output. */
    @Benchmark
    public void mulScalarKernel() {
        chunks(c -> VectorKernels.binaryFloat(BinaryOp.MUL, CHUNK, out, c, in, c, 1, two, 0, 0));
    }

    /** {@code a.exp()} as called. */
    @Benchmark
    public void exp(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.exp());
        }
    }

    /** The exp kernel into a preallocated output. */
    @Benchmark
    public void expKernel() {
        chunks(c -> VectorKernels.unaryFloatRow(UnaryOp.EXP, CHUNK, out, c, in, c));
    }

    // ---------------------------------------------------------------- reductions

    /** {@code a.sum()}: a full reduction to one value. */
    @Benchmark
    public double sumAll() {
        return a.sum().item();
    }

    /** {@code square.sum(1)}: [4096, 4096] summed along the contiguous last axis. */
    @Benchmark
    public void sumLastAxis(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(square.sum(1));
        }
    }

    /** {@code square.sum(0)}: [4096, 4096] summed along the outer axis (the column path). */
    @Benchmark
    public void sumFirstAxis(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(square.sum(0));
        }
    }

    // ---------------------------------------------------------------- rows

    /** {@code square.softmax(1)} as called. */
    @Benchmark
    public void softmaxRows(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(square.softmax(1));
        }
    }

    /** The softmax row kernel into a preallocated output, 64 rows per work item. */
    @Benchmark
    public void softmaxRowsKernel() {
        chunks(c -> {
            for (int r = 0; r < CHUNK; r += ROWS) {
                NormalizationKernels.softmaxRowFloat(in, c + r, out, c + r, ROWS);
            }
        });
    }

    /** {@code square.layerNorm(weight, bias, 1e-5)} as called. */
    @Benchmark
    public void layerNormRows(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(square.layerNorm(weight, bias, 1e-5));
        }
    }

    /** The layer-norm row kernel into a preallocated output, 64 rows per work item. */
    @Benchmark
    public void layerNormRowsKernel() {
        MemorySegment w = weight.storage().segment();
        MemorySegment bs = bias.storage().segment();
        chunks(c -> {
            for (int r = 0; r < CHUNK; r += ROWS) {
                NormalizationKernels.layerNormRowFloat(in, c + r, out, c + r, ROWS, w, 0, bs, 0, 1e-5);
            }
        });
    }

    /** Runs {@code body} on the first element of each CHUNK-sized piece of the N elements, in parallel. */
    private static void chunks(java.util.function.IntConsumer body) {
        IntStream.range(0, N / CHUNK).parallel().forEach(i -> body.accept(i * CHUNK));
    }

    /**
     * Runs the benchmarks (JMH command-line options are passed through, e.g. {@code -f 1 -wi 2 -i 3}) and
     * prints GB/s and the ratio to the matching copy for each.
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Map<String, double[]> ms = JmhRuns.meanAndBest(BandwidthBenchmark.class, args);
        System.out.println(report(ms));
    }

    /**
     * The table of GB/s and ratios from {mean, best} times in milliseconds. Kernels and sums compare with
     * {@code copySegment}, ops as called with {@code tensorCopy}; mean with mean, best with best.
     */
    static String report(Map<String, double[]> ms) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-20s %9s %7s %6s   %9s %7s %6s  %s%n",
                "benchmark", "mean ms", "GB/s", "ratio", "best ms", "GB/s", "ratio", "baseline"));
        double bytes = 4.0 * N;
        for (var e : ms.entrySet()) {
            String name = e.getKey();
            Integer units = BYTES_MOVED.get(name);
            if (units == null) {
                continue;
            }
            boolean kernel = name.endsWith("Kernel") || name.equals("copySegment") || name.startsWith("sum");
            double[] base = ms.get(kernel ? "copySegment" : "tensorCopy");
            sb.append(String.format(Locale.ROOT, "%-20s", name));
            for (int k = 0; k < 2; k++) {
                double t = e.getValue()[k];
                double gbs = units * bytes / (t * 1e6);
                String ratio = base == null ? "-" : String.format(Locale.ROOT, "%.2f", gbs / (2 * bytes / (base[k] * 1e6)));
                sb.append(String.format(Locale.ROOT, " %9.3f %7.2f %6s  ", t, gbs, ratio));
            }
            sb.append(kernel ? " copySegment" : " tensorCopy").append(System.lineSeparator());
        }
        return sb.toString();
    }
}
