package dev.jacobi.bench.jmh;

import dev.jacobi.nn.optim.Adam;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.Optimizer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One AdamW step over 1M float32 parameters: the fused loop ({@code fused = true}, one pass that reads
 * parameter, gradient and both moments and writes parameter and moments) against the same update written
 * with tensor ops ({@code fused = false}, a dozen passes with temporaries, run inside a {@link Scope} per
 * step as user code would), and copies over the same 16 MiB working set as bandwidth baselines.
 *
 * <p>GB/s counts the bytes a step must move: 7 x 4 bytes per parameter (4 reads, 3 writes), for both
 * versions, so their ratio is the speed-up; the copies move 2 x 8 MiB. Run {@link #main} for the table:
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.jacobi.bench.jmh.OptimizerBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@SuppressWarnings("try") // the Scope is opened for its effect (it frees the temporaries), never named
public class OptimizerBenchmark {
    /** Parameters: 1M float32 (4 MiB). */
    static final int N = 1 << 20;
    /** Bytes an AdamW step moves: read p, g, m, v; write p, m, v. */
    static final double STEP_BYTES = 7.0 * 4 * N;
    /** Bytes a copy baseline moves: 2M float32 read and written (the same 16 MiB working set as a step). */
    static final double COPY_BYTES = 2.0 * 4 * 2 * N;

    private Optimizer fused;
    private Optimizer tensorOps;
    private Tensor copySrc;
    private Tensor copyDst;

    /** Two parameter tensors with the same gradient, one per optimizer, and the copy buffers. */
    @Setup
    public void setup() {
        Generator gen = Generator.seeded(1);
        Tensor grad = gen.normal(DType.FLOAT32, 0, 1, N);
        Tensor p1 = gen.normal(DType.FLOAT32, 0, 1, N).requiresGrad(true);
        Tensor p2 = p1.detach().copy().requiresGrad(true);
        p1.setGrad(grad);
        p2.setGrad(grad);
        Adam.Options o = AdamW.options(1e-4);
        fused = AdamW.of(List.of(p1), o);
        tensorOps = AdamW.of(List.of(p2), o.withFused(false));
        copySrc = gen.normal(DType.FLOAT32, 0, 1, 2 * N);
        copyDst = Tensor.zeros(DType.FLOAT32, 2 * N);
    }

    /** The fused AdamW step (SIMD, split over the worker threads). */
    @Benchmark
    public void adamwFused() {
        fused.step();
    }

    /** The same step written with tensor ops. */
    @Benchmark
    public void adamwTensorOps() {
        try (Scope s = Scope.open()) {
            tensorOps.step();
        }
    }

    /** Baseline: {@code Tensor.copyFrom} (split over the worker threads like the fused step). */
    @Benchmark
    public Tensor tensorCopy() {
        return copyDst.copyFrom(copySrc);
    }

    /** Baseline: one thread's {@code MemorySegment.copy}. */
    @Benchmark
    public void copySegment() {
        MemorySegment.copy(copySrc.storage().segment(), 0, copyDst.storage().segment(), 0, 8L * N);
    }

    /** Runs the benchmarks (a regex argument selects some) and prints GB/s for mean and best times. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Map<String, double[]> ms = JmhRuns.meanAndBest(OptimizerBenchmark.class, args);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %9s %7s   %9s %7s%n",
                "benchmark", "mean ms", "GB/s", "best ms", "GB/s"));
        for (var e : ms.entrySet()) {
            double bytes = e.getKey().startsWith("adamw") ? STEP_BYTES : COPY_BYTES;
            sb.append(String.format(Locale.ROOT, "%-16s", e.getKey()));
            for (double t : e.getValue()) {
                sb.append(String.format(Locale.ROOT, " %9.3f %7.2f  ", t, bytes / (t * 1e6)));
            }
            sb.append(System.lineSeparator());
        }
        System.out.println(sb);
    }
}
