package dev.jacobi.bench.jmh;

import dev.jacobi.algorithms.bitnet.kernels.PackedTernary;
import dev.jacobi.algorithms.bitnet.kernels.TernaryGemm;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Sgemm;
import dev.jacobi.tensor.cpu.StridedMatrix;
import dev.jacobi.tensor.cpu.WorkerThreads;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * BitNet b1.58 inference products: packed ternary weights [out, in] times int8 activations [batch, in]
 * ({@link TernaryGemm}, layouts I2_S and TL1) against the float32 product of the same weights through
 * {@link Sgemm} ({@code x Wᵀ}, the path {@code Linear}'s {@code matmul} takes, and the same with Wᵀ stored
 * contiguous), and a plain copy of the float32 weights
 * as the memory-bandwidth yardstick. Shapes are LLaMA-7B's: {@code 4096x4096} (out 4096, in 4096: the
 * attention projections) and {@code 4096x11008} (out 4096, in 11008: the MLP down projection); batch 1
 * is the GEMV of decoding one token, 64 a prefill block. Every product uses all cores.
 *
 * <p>Run {@link #main} for the table (ms, GB/s of weight bytes read, speed-up over float32), after
 * {@code ./mvnw -pl bench -am package -DskipTests}:
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.jacobi.bench.jmh.TernaryGemmBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseParallelGC", "-Xmx3g"})
@State(Scope.Benchmark)
public class TernaryGemmBenchmark {
    /** Weight shape, out x in. */
    @Param({"4096x4096", "4096x11008"})
    public String shape;
    /** Activation rows: 1 runs the GEMV kernels. */
    @Param({"1", "64"})
    public int batch;

    int out;
    int in;
    PackedTernary i2s;
    PackedTernary tl1;
    Tensor x;
    MemorySegment weights;
    MemorySegment copyTarget;
    StridedMatrix fa;
    StridedMatrix fb;
    StridedMatrix fbStored;
    StridedMatrix fc;

    /** Random codes (a third zeros), random int8 activations; the float32 problem holds the same values. */
    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("x");
        out = Integer.parseInt(parts[0]);
        in = Integer.parseInt(parts[1]);
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] codes = new byte[out * in];
        Arena arena = Arena.ofAuto();
        weights = arena.allocate(4L * out * in, 64);
        MemorySegment stored = arena.allocate(4L * out * in, 64);
        copyTarget = arena.allocate(4L * out * in, 64);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (rnd.nextInt(3) - 1);
            weights.setAtIndex(ValueLayout.JAVA_FLOAT, i, codes[i]);
            stored.setAtIndex(ValueLayout.JAVA_FLOAT, (long) (i % in) * out + i / in, codes[i]);
        }
        Tensor c = Tensor.ofBytes(codes, out, in);
        i2s = PackedTernary.i2s(c);
        tl1 = PackedTernary.tl1(c);
        byte[] act = new byte[batch * in];
        MemorySegment xf = arena.allocate(4L * batch * in, 64);
        for (int i = 0; i < act.length; i++) {
            act[i] = (byte) (rnd.nextInt(255) - 127);
            xf.setAtIndex(ValueLayout.JAVA_FLOAT, i, act[i]);
        }
        x = Tensor.ofBytes(act, batch, in);
        fa = new StridedMatrix(xf, 0, batch, in, in, 1);
        fb = new StridedMatrix(weights, 0, in, out, 1, in); // Wᵀ read in place
        fbStored = new StridedMatrix(stored, 0, in, out, out, 1);
        fc = new StridedMatrix(arena.allocate(4L * batch * out, 64), 0, batch, out, out, 1);
    }

    /** I2_S packed weights (2 bits each, 1/16 of float32's bytes). */
    @Benchmark
    public Tensor ternaryI2S() {
        return TernaryGemm.multiply(i2s, x);
    }

    /** TL1 packed weights through lookup tables. */
    @Benchmark
    public Tensor ternaryTL1() {
        return TernaryGemm.multiply(tl1, x);
    }

    /** The float32 product x Wᵀ through Sgemm on the same values, W [out, in] as {@code Linear} stores it. */
    @Benchmark
    public StridedMatrix float32() {
        Sgemm.multiply(fa, fb, fc);
        return fc;
    }

    /** The same float32 product with Wᵀ stored contiguous [in, out], the layout Sgemm reads fastest. */
    @Benchmark
    public StridedMatrix float32StoredTransposed() {
        Sgemm.multiply(fa, fbStored, fc);
        return fc;
    }

    /** A copy of the float32 weights (read + write), split over the worker threads: the bandwidth yardstick. */
    @Benchmark
    public MemorySegment copyFloat32Weights() {
        int parts = WorkerThreads.count();
        long bytes = 4L * out * in;
        Runnable[] tasks = new Runnable[parts];
        for (int t = 0; t < parts; t++) {
            long from = bytes * t / parts / 64 * 64;
            long to = t == parts - 1 ? bytes : bytes * (t + 1) / parts / 64 * 64;
            tasks[t] = () -> MemorySegment.copy(weights, from, copyTarget, from, to - from);
        }
        WorkerThreads.runAll(tasks);
        return copyTarget;
    }

    /** Runs the benchmarks (JMH options pass through) and prints the table of times, GB/s and speed-ups. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(TernaryGemmBenchmark.class.getName());
        }
        Map<String, Double> ms = new TreeMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            String name = r.getParams().getBenchmark();
            ms.put(name.substring(name.lastIndexOf('.') + 1) + " " + r.getParams().getParam("shape") + " "
                    + r.getParams().getParam("batch"), r.getPrimaryResult().getScore());
        }
        System.out.println(report(ms));
    }

    /** The table from mean times in ms keyed "method shape batch". */
    static String report(Map<String, Double> ms) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %-11s %5s %9s %12s  %s%n",
                "benchmark", "out x in", "batch", "ms", "weight GB/s", "speed-up vs float32 / float32StoredTransposed"));
        for (var e : ms.entrySet()) {
            String[] k = e.getKey().split(" ");
            String[] dims = k[1].split("x");
            long weights = Long.parseLong(dims[0]) * Long.parseLong(dims[1]);
            double bytes = switch (k[0]) {
                case "ternaryI2S", "ternaryTL1" -> weights / 4.0;
                case "copyFloat32Weights" -> 2 * 4.0 * weights; // read and write
                default -> 4.0 * weights;
            };
            Double f32 = ms.get("float32 " + k[1] + " " + k[2]);
            Double f32t = ms.get("float32StoredTransposed " + k[1] + " " + k[2]);
            String speedup = f32 == null || f32t == null || k[0].startsWith("copy") ? "-"
                    : String.format(Locale.ROOT, "%.2fx / %.2fx", f32 / e.getValue(), f32t / e.getValue());
            sb.append(String.format(Locale.ROOT, "%-24s %-11s %5s %9.3f %12.2f  %s%n", k[0], k[1], k[2], e.getValue(),
                    bytes / (e.getValue() * 1e6), speedup));
        }
        return sb.toString();
    }
}
