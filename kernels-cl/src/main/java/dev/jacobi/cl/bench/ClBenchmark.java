package dev.jacobi.cl.bench;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClDevice;
import dev.jacobi.cl.ClDevices;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ops.ClAttention;
import dev.jacobi.cl.ops.ClGemm;
import dev.jacobi.cl.ops.ClGemmTuner;
import dev.jacobi.cl.ops.ClOps;
import dev.jacobi.cl.ops.GemmTileConfig;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Speed of the device ops next to the CPU path of {@code dev.jacobi.tensor}, one line per op: GB/s
 * (bytes the op must read and write, divided by its time) for memory-bound ops, GFLOP/s for GEMM and
 * attention. Device times are the kernels' own (OpenCL profiling events, summed over the launches of one
 * op), CPU times wall clock; both the median of several runs after a warm-up. Run with
 * {@code ./jacobi bench opencl [--quick] [--device NAME]}.
 */
public final class ClBenchmark {
    /** The command-line usage. */
    public static final String USAGE = "bench opencl [--quick] [--device NAME] [--retune]";

    private final ClContext ctx;
    private final boolean quick;
    private final PrintStream out;
    private final Generator gen = Generator.seeded(42);

    private ClBenchmark(ClContext ctx, boolean quick, PrintStream out) {
        this.ctx = ctx;
        this.quick = quick;
        this.out = out;
    }

    /** Command-line entry: {@value #USAGE}. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /**
     * Runs the benchmark; returns the exit status (1 when there is no OpenCL device, 2 for bad arguments).
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean quick = false;
        boolean retune = false;
        String device = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quick" -> quick = true;
                case "--retune" -> retune = true;
                case "--device" -> {
                    if (i + 1 >= args.size()) {
                        err.println("bench opencl: --device needs a name; usage: " + USAGE);
                        return 2;
                    }
                    device = args.get(++i);
                }
                default -> {
                    err.println("bench opencl: unknown argument " + args.get(i) + "; usage: " + USAGE);
                    return 2;
                }
            }
        }
        var availability = ClDevices.availability();
        if (!availability.available()) {
            err.println(availability.message());
            return 1;
        }
        ClDevice d = device == null ? ClDevices.best() : ClDevices.byName(device);
        try (ClContext ctx = ClContext.create(d)) {
            new ClBenchmark(ctx, quick, out).runAll(retune);
        }
        return 0;
    }

    private void runAll(boolean retune) {
        ClDevice d = ctx.device();
        out.println("device: " + d.describe());
        out.println("CPU path: dev.jacobi.tensor on " + Runtime.getRuntime().availableProcessors() + " cores");
        boolean gpu = d.type() != dev.jacobi.cl.ClDeviceType.CPU;
        if (retune || ClGemmTuner.stored(d, ClGemmTuner.defaultFile()) == null) {
            int n = quick || !gpu ? 256 : 2048;
            out.println("tuning GEMM tiles on " + n + "^3 (stored in " + ClGemmTuner.defaultFile() + "):");
            ClGemmTuner.tune(ctx, n, GemmTileConfig.candidates(d), ClGemmTuner.defaultFile(), out);
        }
        out.println("GEMM tiles: " + ClGemmTuner.configFor(ctx).describe());
        out.printf(Locale.ROOT, "%-22s %-22s %14s %14s %8s%n", "op", "shape", "device", "cpu", "ratio");

        int n = quick ? 1 << 20 : 1 << 24;
        int rows = quick ? 1024 : 8192;
        int cols = quick ? 1024 : 4096;
        int gemm = quick ? 512 : (gpu ? 4096 : 1024);
        int[] att = quick ? new int[] {1, 4, 256, 64} : new int[] {1, 8, gpu ? 4096 : 1024, 64};

        Tensor x = Tensor.randn(gen, n);
        Tensor y = Tensor.randn(gen, n);
        bandwidth("add", x, y, 12.0 * n, (a, b) -> ClOps.binary(BinaryOp.ADD, a, b), Tensor::add);
        bandwidth("exp", x, null, 8.0 * n, (a, b) -> ClOps.unary(UnaryOp.EXP, a), (a, b) -> a.exp());
        bandwidth("sum (all)", x, null, 4.0 * n, (a, b) -> ClOps.sum(a, new int[0], false), (a, b) -> a.sum());
        Tensor m = Tensor.randn(gen, rows, cols);
        long mb = 8L * rows * cols;
        bandwidth("sum (last axis)", m, null, 4.0 * rows * cols, (a, b) -> ClOps.sum(a, new int[] {-1}, false),
                (a, b) -> a.sum(-1));
        bandwidth("softmax", m, null, mb, (a, b) -> ClOps.softmax(a, -1), (a, b) -> a.softmax(-1));
        bandwidth("layer_norm", m, null, mb, (a, b) -> ClOps.layerNorm(a, null, null, 1e-5),
                (a, b) -> a.layerNorm(null, null, 1e-5));
        bandwidth("transpose copy", m, null, mb, (a, b) -> ClOps.contiguous(a.mT()), (a, b) -> a.mT().contiguous());

        Tensor ga = Tensor.randn(gen, gemm, gemm);
        Tensor gb = Tensor.randn(gen, gemm, gemm);
        flops("sgemm", ga, gb, 2.0 * gemm * gemm * gemm, ClGemm::matmul, Tensor::matmul);

        int b = att[0];
        int h = att[1];
        int l = att[2];
        int dh = att[3];
        Tensor q = Tensor.randn(gen, b, h, l, dh);
        double scale = 1 / Math.sqrt(dh);
        Tensor mask = Tensor.zeros(DType.FLOAT32, l, l); // 0 where a key is visible, -inf above the diagonal
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask.set(Double.NEGATIVE_INFINITY, i, j);
            }
        }
        // causal attention does half of the 4 * L^2 * D multiply-adds of QK^T and PV
        flops("flash_attn causal", q, q, 2.0 * b * h * (double) l * l * dh,
                (qq, kk) -> ClAttention.flashAttention(qq, kk, kk, true, null, scale),
                (qq, kk) -> qq.matmul(kk.mT()).mul(scale).add(mask).softmax(-1).matmul(kk));
    }

    private interface DeviceOp {
        ClTensor apply(ClTensor a, ClTensor b);
    }

    private interface CpuOp {
        Tensor apply(Tensor a, Tensor b);
    }

    private void bandwidth(String name, Tensor a, Tensor b, double bytes, DeviceOp dev, CpuOp cpu) {
        measure(name, a, b, bytes, "GB/s", dev, cpu);
    }

    private void flops(String name, Tensor a, Tensor b, double flop, DeviceOp dev, CpuOp cpu) {
        measure(name, a, b, flop, "GFLOP/s", dev, cpu);
    }

    private void measure(String name, Tensor a, Tensor b, double work, String unit, DeviceOp dev, CpuOp cpu) {
        int reps = quick ? 5 : 20;
        double devSeconds;
        try (ClTensor da = ClTensor.from(ctx, a); ClTensor db = b == null ? null : ClTensor.from(ctx, b)) {
            devSeconds = median(2, reps, () -> {
                ctx.profiler().clear();
                ctx.profiler().enable();
                try {
                    dev.apply(da, db).close();
                } finally {
                    ctx.profiler().disable();
                }
                return ctx.profiler().totalRunNanos() * 1e-9;
            });
        }
        int cpuReps = Math.max(3, reps / 4);
        // the CPU path needs more warm-up than the device: its SIMD kernels must be JIT-compiled (by C2)
        // first, and five runs left them interpreted (add read 0.9 GB/s instead of tens)
        double cpuSeconds = median(CPU_WARMUP_NANOS, cpuReps, () -> {
            try (Scope s = Scope.open()) {
                long t0 = System.nanoTime();
                cpu.apply(a, b);
                return (System.nanoTime() - t0) * 1e-9;
            }
        });
        double devRate = work / devSeconds * 1e-9;
        double cpuRate = work / cpuSeconds * 1e-9;
        out.printf(Locale.ROOT, "%-22s %-22s %9.1f %-4s %9.1f %-4s %7.2fx%n", name, Arrays.toString(a.shape()),
                devRate, unit.equals("GB/s") ? "GB/s" : "GF/s", cpuRate, unit.equals("GB/s") ? "GB/s" : "GF/s",
                devRate / cpuRate);
    }

    /** How long the CPU path runs untimed before it is measured. */
    private static final long CPU_WARMUP_NANOS = 2_000_000_000L;

    /** Median of {@code reps} timings after untimed runs for at least {@code warmupNanos} (and at least 5 runs). */
    private static double median(long warmupNanos, int reps, Supplier<Double> timed) {
        long start = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - start < warmupNanos; i++) {
            timed.get();
        }
        return median(0, reps, timed);
    }

    /** Median of {@code reps} timings after {@code warmups} untimed runs (the first also builds the kernels). */
    private static double median(int warmups, int reps, Supplier<Double> timed) {
        for (int i = 0; i < warmups; i++) {
            timed.get();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            t[i] = timed.get();
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
