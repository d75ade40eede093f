package dev.jacobi.bench.tour.entries;

import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntry;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.bench.tour.TourResult.Metric;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.FreedTensorException;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.Npy;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code tensor-selfcheck}: a quick self-check of the tensor core on seeded random data against the
 * float64 references of {@link Naive}. Every op of the {@link UnaryOp} and {@link BinaryOp} tables on
 * float32 and float64, with broadcasting and non-contiguous views; the view ops; that memory stays
 * flat over many scopes; then reductions, softmax, matmul, joining, .npy I/O and the random generator.
 *
 * <p>Each check is a named step. A step whose operation is not implemented yet (it throws
 * {@link UnsupportedOperationException}) is skipped with a note, so the entry covers an operation as
 * soon as it lands. Any other exception, or an error above its tolerance, fails the entry.
 */
public final class TensorSelfCheck implements TourEntry {
    /**
     * Error allowed for float32 results, relative above 1 and absolute below: the reference rounded to
     * float32 is within 2^-24 (6e-8); the SIMD math functions add a few ulps. 1e-5 is ~100 ulps, far
     * below what a wrong formula, index or dtype gives.
     */
    static final double FLOAT32_TOLERANCE = 1e-5;
    /** As {@link #FLOAT32_TOLERANCE} for float64 results: ~4500 ulps of 2^-53, for the SIMD math functions. */
    static final double FLOAT64_TOLERANCE = 1e-12;
    /** Errors of exactly 0 are drawn here on the log axis of the plot. */
    private static final double PLOT_FLOOR = 1e-18;

    private static final List<DType> FLOATS = List.of(DType.FLOAT32, DType.FLOAT64);

    @Override
    public String name() {
        return "tensor-selfcheck";
    }

    @Override
    public String description() {
        return "checks every tensor op against float64 references on random data, and that scopes free memory";
    }

    /** One comparison: its error and the tolerance it must stay within. */
    record Check(String step, String name, DType dtype, double error, double tolerance) {
        boolean passed() {
            return error <= tolerance; // false for NaN
        }

        String label() {
            return step + " " + name + (dtype == null ? "" : " " + dtype);
        }
    }

    /** What a step did: RAN, SKIPPED (not implemented yet) or FAILED (threw), with a note. */
    record StepOutcome(String name, String status, String note) {
    }

    /** A named group of checks. */
    private record Step(String name, StepBody body) {
    }

    @FunctionalInterface
    private interface StepBody {
        void run(Log log) throws Exception;
    }

    /** Collects the checks of a run and carries its random source. */
    private static final class Log {
        final List<Check> checks = new ArrayList<>();
        final Random random;
        final long seed;
        final boolean full;
        /** (iteration, RSS in bytes) samples of the scope step, for its plot. */
        final List<long[]> rss = new ArrayList<>();
        String scopeSummary;

        Log(long seed, boolean full) {
            this.random = new Random(seed);
            this.seed = seed;
            this.full = full;
        }

        void check(String step, String name, DType dtype, double error, double tolerance) {
            checks.add(new Check(step, name, dtype, error, tolerance));
        }

        /** A tensor of uniform values in [lo, hi) (rounded down to integers for INT32). */
        Tensor uniformIn(DType dtype, double lo, double hi, int... shape) {
            int n = Naive.numel(shape);
            if (dtype == DType.FLOAT32) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (lo + (hi - lo) * random.nextDouble());
                }
                return Tensor.of(v, shape);
            }
            if (dtype == DType.INT32) {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) Math.floor(lo + (hi - lo) * random.nextDouble());
                }
                return Tensor.ofInts(v, shape);
            }
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = lo + (hi - lo) * random.nextDouble();
            }
            return Tensor.of(v, shape);
        }

        /** A tensor of uniform values in [-3, 3). */
        Tensor uniform(DType dtype, int... shape) {
            return uniformIn(dtype, -3, 3, shape);
        }
    }

    /** The layouts an operand of logical shape [rows, cols] is given in. */
    private enum Layout {
        CONTIGUOUS, TRANSPOSED, STRIDED, FLIPPED, BROADCAST;

        Tensor make(Log log, DType dtype, int rows, int cols) {
            return switch (this) {
                case CONTIGUOUS -> log.uniform(dtype, rows, cols);
                case TRANSPOSED -> log.uniform(dtype, cols, rows).transpose(0, 1);
                case STRIDED -> log.uniform(dtype, rows, 2 * cols + 1).slice(1, 1, 2 * cols + 1, 2);
                case FLIPPED -> log.uniform(dtype, rows, cols).flip(0, 1);
                case BROADCAST -> log.uniform(dtype, 1, cols).expand(rows, cols);
            };
        }
    }

    @Override
    public TourResult run(TourContext context) throws IOException {
        Log log = new Log(context.seed(), context.full());
        List<Step> steps = List.of(
                new Step("special values", TensorSelfCheck::specialValues),
                new Step("unary", TensorSelfCheck::unaryOps),
                new Step("binary", TensorSelfCheck::binaryOps),
                new Step("views", TensorSelfCheck::views),
                new Step("scopes", TensorSelfCheck::scopes),
                new Step("sum", l -> sumOrMean(l, false)),
                new Step("mean", l -> sumOrMean(l, true)),
                new Step("max", TensorSelfCheck::max),
                new Step("softmax", TensorSelfCheck::softmax),
                new Step("matmul", TensorSelfCheck::matmul),
                new Step("concat/stack", TensorSelfCheck::joining),
                new Step("npy round trip", TensorSelfCheck::npy),
                new Step("random", TensorSelfCheck::random));
        List<StepOutcome> outcomes = new ArrayList<>();
        for (Step step : steps) {
            outcomes.add(runStep(step, log));
        }
        List<Path> plots = new ArrayList<>();
        plots.add(errorPlot(log.checks, context.outputDir().resolve(name() + "-errors.png")));
        if (!log.rss.isEmpty()) {
            plots.add(memoryPlot(log.rss, context.outputDir().resolve(name() + "-scope-memory.png")));
        }
        return result(log, outcomes, plots);
    }

    private static StepOutcome runStep(Step step, Log log) {
        int before = log.checks.size();
        long start = System.nanoTime();
        try (Scope ignored = Scope.open()) {
            step.body().run(log);
            return new StepOutcome(step.name(), "ran", String.format(Locale.ROOT, "%d checks in %.2f s",
                    log.checks.size() - before, (System.nanoTime() - start) / 1e9));
        } catch (UnsupportedOperationException e) {
            return new StepOutcome(step.name(), "skipped", "not implemented yet (" + e.getMessage() + ")"
                    + (log.checks.size() > before ? " after " + (log.checks.size() - before) + " checks" : ""));
        } catch (Exception | AssertionError e) {
            return new StepOutcome(step.name(), "FAILED", e.toString());
        }
    }

    /** Throws the step's failure when {@code condition} is false. */
    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    private static double tolerance(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT32_TOLERANCE;
            case FLOAT64 -> FLOAT64_TOLERANCE;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- steps on what exists now

    /** The float64 functions of the op table at points whose values are known to 16 digits. */
    private static void specialValues(Log log) {
        Object[][] known = {
                {UnaryOp.ERF, 0.5, 0.5204998778130465},
                {UnaryOp.ERF, 1.0, 0.8427007929497149},
                {UnaryOp.ERF, 2.0, 0.9953222650189527},
                {UnaryOp.ERF, 3.0, 0.9999779095030014},
                {UnaryOp.GELU, 1.0, 0.8413447460685429},      // 1 * Phi(1)
                {UnaryOp.GELU, -1.0, -0.15865525393145707},   // -1 * Phi(-1)
                {UnaryOp.SIGMOID, 1.0, 0.7310585786300049},
                {UnaryOp.SILU, 1.0, 0.7310585786300049},
        };
        for (Object[] k : known) {
            UnaryOp op = (UnaryOp) k[0];
            double x = (double) k[1];
            double want = (double) k[2];
            // "a few ulps", as SpecialFunctions promises: 1e-14 is ~45 ulps.
            log.check("special values", op.label() + "(" + x + ")", DType.FLOAT64,
                    Math.abs(op.apply(x) - want) / Math.abs(want), 1e-14);
        }
    }

    /** Every unary op, both float dtypes, every layout, plus size-0 and size-1 shapes. */
    private static void unaryOps(Log log) {
        for (DType dtype : FLOATS) {
            for (UnaryOp op : UnaryOp.values()) {
                double worst = 0;
                for (Layout layout : Layout.values()) {
                    worst = Math.max(worst, unaryError(op, layout.make(log, dtype, 7, 33)));
                }
                worst = Math.max(worst, unaryError(op, log.uniform(dtype, 0, 33)));
                worst = Math.max(worst, unaryError(op, log.uniform(dtype, 1, 1)));
                log.check("unary", op.label(), dtype, worst, tolerance(dtype));
            }
        }
    }

    private static double unaryError(UnaryOp op, Tensor x) {
        Tensor y = x.apply(op);
        require(y.dtype() == op.resultType(x.dtype()), op.label() + " of " + x.dtype() + " gave " + y.dtype()
                + ", the table says " + op.resultType(x.dtype()));
        require(Arrays.equals(y.shape(), x.shape()), op.label() + " changed shape " + Arrays.toString(x.shape())
                + " to " + Arrays.toString(y.shape()));
        double[] in = Naive.values(x);
        double[] want = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            want[i] = op.apply(in[i]);
        }
        return Naive.maxError(y.toDoubleArray(), want);
    }

    /** Every binary op on pairs that broadcast, are strided, 0-d, empty, or of mixed dtype. */
    private static void binaryOps(Log log) {
        for (DType dtype : FLOATS) {
            for (BinaryOp op : BinaryOp.values()) {
                List<Tensor[]> pairs = new ArrayList<>(List.of(
                        new Tensor[] {log.uniform(dtype, 6, 35), log.uniform(dtype, 6, 35)},
                        new Tensor[] {log.uniform(dtype, 4, 1, 35), log.uniform(dtype, 3, 1)},
                        new Tensor[] {Layout.TRANSPOSED.make(log, dtype, 6, 35), Layout.STRIDED.make(log, dtype, 6, 35)},
                        new Tensor[] {Layout.FLIPPED.make(log, dtype, 6, 35), log.uniform(dtype, 35)},
                        new Tensor[] {log.uniform(dtype, 6, 35), log.uniform(dtype)},
                        new Tensor[] {log.uniform(dtype, 0, 35), log.uniform(dtype, 35)}));
                if (dtype == DType.FLOAT64) {
                    // float32 with float64 promotes to float64, computed exactly from the float32 values.
                    pairs.add(new Tensor[] {log.uniform(DType.FLOAT32, 6, 35), log.uniform(DType.FLOAT64, 6, 1)});
                }
                double worst = 0;
                for (Tensor[] p : pairs) {
                    worst = Math.max(worst, binaryError(op, p[0], p[1]));
                }
                log.check("binary", op.label(), dtype, worst, tolerance(dtype));
            }
        }
    }

    private static double binaryError(BinaryOp op, Tensor a, Tensor b) {
        Tensor y = switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.pow(b);
            case MAXIMUM -> a.maximum(b);
            case MINIMUM -> a.minimum(b);
            case ATAN2 -> a.atan2(b);
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
            case LOGICAL_AND -> a.logicalAnd(b);
            case LOGICAL_OR -> a.logicalOr(b);
        };
        String pair = Arrays.toString(a.shape()) + " " + a.dtype() + " and " + Arrays.toString(b.shape()) + " " + b.dtype();
        require(y.dtype() == op.resultType(a.dtype(), b.dtype()), op.label() + " of " + pair + " gave " + y.dtype());
        require(Arrays.equals(y.shape(), Naive.broadcastShape(a.shape(), b.shape())),
                op.label() + " of " + pair + " gave shape " + Arrays.toString(y.shape()));
        return Naive.maxError(y.toDoubleArray(), Naive.binary(a, b, op::apply));
    }

    /** Each view op against index arithmetic on its input; views must share the storage. */
    private static void views(Log log) {
        for (DType dtype : FLOATS) {
            Tensor base = log.uniform(dtype, 4, 5, 6);
            Tensor column = log.uniform(dtype, 4, 1, 6);
            view(log, "reshape", base, base.reshape(20, 6), true, i -> Naive.unravel(i[0] * 6 + i[1], new int[] {4, 5, 6}));
            view(log, "view(-1)", base, base.view(-1), true, i -> Naive.unravel(i[0], new int[] {4, 5, 6}));
            view(log, "permute", base, base.permute(2, 0, 1), true, i -> new int[] {i[1], i[2], i[0]});
            view(log, "transpose", base, base.transpose(0, 2), true, i -> new int[] {i[2], i[1], i[0]});
            view(log, "slice step 2", base, base.slice(1, 1, 5, 2), true, i -> new int[] {i[0], 1 + 2 * i[1], i[2]});
            view(log, "slice negative", base, base.slice(2, -4, -1), true, i -> new int[] {i[0], i[1], 2 + i[2]});
            view(log, "select", base, base.select(1, 3), true, i -> new int[] {i[0], 3, i[1]});
            view(log, "expand", column, column.expand(2, 4, 3, 6), true, i -> new int[] {i[1], 0, i[3]});
            view(log, "unsqueeze", base, base.unsqueeze(1), true, i -> new int[] {i[0], i[2], i[3]});
            view(log, "squeeze", column, column.squeeze(), true, i -> new int[] {i[0], 0, i[1]});
            view(log, "flip", base, base.flip(0, 2), true, i -> new int[] {3 - i[0], i[1], 5 - i[2]});
            view(log, "unfold", base, base.unfold(2, 3, 2), true, i -> new int[] {i[0], i[1], 2 * i[2] + i[3]});
            Tensor composed = base.transpose(0, 2).slice(0, 0, 6, 2).flip(1);
            view(log, "transpose+slice+flip", base, composed, true, i -> new int[] {i[2], 4 - i[1], 2 * i[0]});
            Tensor copied = base.transpose(0, 1).contiguous();
            require(copied.isContiguous() && copied.storage() != base.storage(), "contiguous() of a transposed view gave a view");
            view(log, "contiguous", base, copied, false, i -> new int[] {i[1], i[0], i[2]});
            require(base.contiguous() == base, "contiguous() copied a contiguous tensor");
            view(log, "reshape of transposed", base, base.transpose(0, 1).reshape(30, 4), false,
                    i -> {
                        int[] t = Naive.unravel(i[0] * 4 + i[1], new int[] {5, 4, 6});
                        return new int[] {t[1], t[0], t[2]};
                    });
        }
    }

    private static void view(Log log, String name, Tensor base, Tensor view, boolean shares, Function<int[], int[]> toBase) {
        if (shares) {
            require(view.storage() == base.storage(), name + " copied its input instead of viewing it");
        }
        int[] shape = view.shape();
        double[] want = new double[Naive.numel(shape)];
        for (int i = 0; i < want.length; i++) {
            want[i] = Naive.at(base, toBase.apply(Naive.unravel(i, shape)));
        }
        // Both the view's own strides and its contiguous copy must give the expected elements, exactly.
        double error = Math.max(Naive.maxError(Naive.values(view), want), Naive.maxError(view.toDoubleArray(), want));
        log.check("views", name, base.dtype(), error, 0);
    }

    /**
     * Tensors made inside a closed scope are freed: using one throws, and a long loop of scoped
     * allocations keeps the resident memory flat.
     */
    private static void scopes(Log log) {
        Tensor escaped;
        Tensor kept;
        try (Scope scope = Scope.open()) {
            escaped = Tensor.full(DType.FLOAT32, 2, 8);
            kept = scope.keep(escaped.add(1.0));
        }
        boolean threw = false;
        try {
            escaped.getDouble(0);
        } catch (FreedTensorException e) {
            threw = true;
        }
        log.check("scopes", "use after close throws", null, threw ? 0 : 1, 0);
        log.check("scopes", "keep() survives the scope", null, kept.isAlive() ? Math.abs(kept.getDouble(7) - 3) : 1, 0);

        int iterations = log.full ? 100_000 : 20_000;
        // Three 64 KiB tensors per iteration, written and read back: far more native memory than the
        // Java garbage an iteration leaves, so a scope that did not free would show at once.
        int n = 16_384;
        int warmup = iterations / 10;
        int sampleEvery = iterations / 100;
        long baseline = -1;
        long peak = 0;
        long allocatedAfterWarmup = 0;
        long liveBefore = Scope.liveBytes();
        for (int i = 0; i < iterations; i++) {
            try (Scope scope = Scope.open()) {
                Tensor a = Tensor.zeros(DType.FLOAT32, n);
                Tensor b = Tensor.zeros(DType.FLOAT64, n / 2);
                Tensor c = Tensor.zeros(DType.INT32, n);
                a.set(i, n - 1);
                b.set(i, 0);
                c.set(i, n / 2);
                require(a.getDouble(n - 1) + b.getDouble(0) + c.getDouble(n / 2) == 3.0 * i,
                        "scoped tensors did not hold what was written");
                if (i >= warmup) {
                    allocatedAfterWarmup += scope.bytesAllocated();
                }
            }
            if (i % sampleEvery == 0 || i == iterations - 1) {
                long rss = residentBytes();
                if (rss < 0) {
                    continue;
                }
                log.rss.add(new long[] {i, rss});
                if (i == warmup) {
                    baseline = rss;
                } else if (i > warmup) {
                    peak = Math.max(peak, rss);
                }
            }
        }
        // Scope's own count of the bytes its open scopes hold is back where it was.
        log.check("scopes", "live bytes after the loop", null, Math.abs(Scope.liveBytes() - liveBefore), 0);
        if (baseline < 0) {
            log.scopeSummary = "RSS not readable on this OS; " + iterations + " scopes ran";
            return;
        }
        long growth = Math.max(0, peak - baseline);
        log.scopeSummary = String.format(Locale.ROOT, "RSS +%.1f MB while %.1f GB were allocated and freed in %,d scopes",
                growth / 1e6, allocatedAfterWarmup / 1e9, iterations - warmup);
        // Were scopes not freeing, RSS would grow by the bytes allocated; allow a tenth of that for
        // the Java heap and JIT settling, which do not depend on the scopes.
        log.check("scopes", "RSS growth / bytes allocated", null, (double) growth / allocatedAfterWarmup, 0.1);
    }

    /** Resident set size of this process from /proc/self/status, or -1 where there is none. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    // ---------------------------------------------------------------- steps on ops still being written

    /**
     * Sums (or means) over one axis, several axes with keepDim, and all, of a permuted view. Summing n
     * float32 values may lose up to n roundings, so the tolerance grows with the count summed.
     */
    private static void sumOrMean(Log log, boolean mean) {
        String step = mean ? "mean" : "sum";
        for (DType dtype : FLOATS) {
            Tensor x = log.uniform(dtype, 5, 6, 7).permute(2, 0, 1); // [7, 5, 6], not contiguous
            int[][] axesCases = {{1}, {0, 2}, {}};
            for (int[] axes : axesCases) {
                for (boolean keepDim : new boolean[] {false, true}) {
                    boolean[] mask = new boolean[3];
                    int count = 1;
                    for (int a : axes.length == 0 ? new int[] {0, 1, 2} : axes) {
                        mask[a] = true;
                        count *= x.shape()[a];
                    }
                    Tensor got = mean ? x.mean(axes, keepDim) : x.sum(axes, keepDim);
                    require(Arrays.equals(got.shape(), reducedShape(x.shape(), mask, keepDim)),
                            step + " over " + Arrays.toString(axes) + " gave shape " + Arrays.toString(got.shape()));
                    log.check(step, "axes " + Arrays.toString(axes) + (keepDim ? " keepDim" : ""), dtype,
                            Naive.maxError(got.toDoubleArray(), Naive.sum(x, mask, mean)), tolerance(dtype) * count);
                }
            }
        }
    }

    private static int[] reducedShape(int[] shape, boolean[] mask, boolean keepDim) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            if (!mask[i]) {
                out.add(shape[i]);
            } else if (keepDim) {
                out.add(1);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Maximum over the last axis and over all, of a strided view: exact. */
    private static void max(Log log) {
        for (DType dtype : FLOATS) {
            Tensor x = Layout.STRIDED.make(log, dtype, 9, 13);
            log.check("max", "axis -1", dtype, Naive.maxError(x.max(-1).toDoubleArray(), Naive.max(x, new boolean[] {false, true})), 0);
            log.check("max", "all", dtype, Naive.maxError(x.max().toDoubleArray(), Naive.max(x, new boolean[] {true, true})), 0);
        }
    }

    /** Softmax along the last axis of a contiguous and a transposed matrix. */
    private static void softmax(Log log) {
        for (DType dtype : FLOATS) {
            for (Layout layout : List.of(Layout.CONTIGUOUS, Layout.TRANSPOSED)) {
                Tensor x = layout.make(log, dtype, 5, 11).mul(4.0);
                log.check("softmax", "axis -1 " + layout.name().toLowerCase(Locale.ROOT), dtype,
                        Naive.maxError(x.softmax(-1).toDoubleArray(), Naive.softmaxRows(x)), tolerance(dtype));
            }
        }
    }

    /**
     * A batch of matrices times a matrix (batch broadcast), with transposed operands, and a matrix
     * times a vector. Each output sums k products, so the tolerance is k times the elementwise one.
     */
    private static void matmul(Log log) {
        int m = 5;
        int k = 7;
        int n = 3;
        for (DType dtype : FLOATS) {
            Tensor a = log.uniform(dtype, 2, m, k);
            Tensor at = log.uniform(dtype, 2, k, m).transpose(1, 2);
            Tensor b = log.uniform(dtype, k, n);
            Tensor bt = log.uniform(dtype, n, k).transpose(0, 1);
            for (Tensor[] p : List.of(new Tensor[] {a, b}, new Tensor[] {at, bt})) {
                Tensor got = p[0].matmul(p[1]);
                require(Arrays.equals(got.shape(), new int[] {2, m, n}), "matmul gave shape " + Arrays.toString(got.shape()));
                log.check("matmul", p[0].isContiguous() ? "batched" : "batched transposed", dtype,
                        Naive.maxError(got.toDoubleArray(), Naive.batchedMatmul(p[0], p[1])), tolerance(dtype) * k);
            }
            Tensor column = log.uniform(dtype, k, 1);
            Tensor got = a.select(0, 0).matmul(column.squeeze(1));
            require(Arrays.equals(got.shape(), new int[] {m}), "matrix @ vector gave shape " + Arrays.toString(got.shape()));
            log.check("matmul", "matrix @ vector", dtype,
                    Naive.maxError(got.toDoubleArray(), Naive.batchedMatmul(a.select(0, 0), column)), tolerance(dtype) * k);
        }
    }

    /** concat along 0 and 1 (with a flipped operand) and stack: exact copies. */
    private static void joining(Log log) {
        for (DType dtype : FLOATS) {
            Tensor a = log.uniform(dtype, 2, 3);
            Tensor b = log.uniform(dtype, 4, 3);
            Tensor c = log.uniform(dtype, 2, 5).flip(1);
            Tensor rows = Tensor.concat(List.of(a, b), 0);
            joined(log, "concat dim 0", rows, new int[] {6, 3}, i -> i[0] < 2 ? Naive.at(a, i) : Naive.at(b, new int[] {i[0] - 2, i[1]}));
            Tensor cols = Tensor.concat(List.of(a, c), 1);
            joined(log, "concat dim 1", cols, new int[] {2, 8}, i -> i[1] < 3 ? Naive.at(a, i) : Naive.at(c, new int[] {i[0], i[1] - 3}));
            Tensor a2 = log.uniform(dtype, 2, 3);
            Tensor stacked = Tensor.stack(List.of(a, a2), 1);
            joined(log, "stack dim 1", stacked, new int[] {2, 2, 3},
                    i -> Naive.at(i[1] == 0 ? a : a2, new int[] {i[0], i[2]}));
        }
    }

    private static void joined(Log log, String name, Tensor got, int[] shape, Function<int[], Double> element) {
        require(Arrays.equals(got.shape(), shape), name + " gave shape " + Arrays.toString(got.shape())
                + ", expected " + Arrays.toString(shape));
        double[] want = new double[Naive.numel(shape)];
        for (int i = 0; i < want.length; i++) {
            want[i] = element.apply(Naive.unravel(i, shape));
        }
        log.check("concat/stack", name, got.dtype(), Naive.maxError(got.toDoubleArray(), want), 0);
    }

    /** Write then read back a .npy file: same dtype, shape and values, exactly; also from a strided view. */
    private static void npy(Log log) throws IOException {
        Path file = Files.createTempFile("jacobi-selfcheck-", ".npy");
        try {
            List<Tensor> tensors = List.of(log.uniform(DType.FLOAT32, 3, 4), log.uniform(DType.FLOAT64, 2, 3, 4),
                    log.uniformIn(DType.INT32, -1000, 1000, 7), Layout.TRANSPOSED.make(log, DType.FLOAT64, 5, 3),
                    log.uniform(DType.FLOAT32, 0, 4));
            for (Tensor t : tensors) {
                Npy.write(file, t);
                Tensor back = Npy.read(file);
                String name = Arrays.toString(t.shape()) + (t.isContiguous() ? "" : " strided");
                require(back.dtype() == t.dtype() && Arrays.equals(back.shape(), t.shape()),
                        "npy round trip of " + name + " " + t.dtype() + " gave " + Arrays.toString(back.shape()) + " " + back.dtype());
                log.check("npy round trip", name, t.dtype(), Naive.maxError(back.toDoubleArray(), Naive.values(t)), 0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A seeded generator: the same seed gives the same numbers; 100,000 normal draws have mean 0 and
     * standard deviation 1, uniform draws lie in [0, 1) with mean 1/2, each within 5 standard errors
     * (a false alarm about once in 3 million runs).
     */
    private static void random(Log log) {
        int n = 100_000;
        double[] normal = Tensor.randn(Generator.seeded(log.seed), DType.FLOAT64, n).toDoubleArray();
        double[] again = Tensor.randn(Generator.seeded(log.seed), DType.FLOAT64, n).toDoubleArray();
        log.check("random", "same seed, same numbers", DType.FLOAT64, Naive.maxError(again, normal), 0);
        double mean = Arrays.stream(normal).average().orElse(Double.NaN);
        double sd = Math.sqrt(Arrays.stream(normal).map(v -> (v - mean) * (v - mean)).sum() / (n - 1));
        log.check("random", "randn mean", DType.FLOAT64, Math.abs(mean), 5 / Math.sqrt(n));
        log.check("random", "randn std", DType.FLOAT64, Math.abs(sd - 1), 5 / Math.sqrt(2.0 * n));
        double[] uniform = Tensor.rand(Generator.seeded(log.seed + 1), DType.FLOAT32, n).toDoubleArray();
        double lo = Arrays.stream(uniform).min().orElse(Double.NaN);
        double hi = Arrays.stream(uniform).max().orElse(Double.NaN);
        log.check("random", "rand in [0, 1)", DType.FLOAT32, lo >= 0 && hi < 1 ? 0 : 1, 0);
        log.check("random", "rand mean", DType.FLOAT32,
                Math.abs(Arrays.stream(uniform).average().orElse(Double.NaN) - 0.5), 5 * Math.sqrt(1.0 / 12 / n));
    }

    // ---------------------------------------------------------------- result and plots

    private TourResult result(Log log, List<StepOutcome> steps, List<Path> plots) {
        List<Check> failed = log.checks.stream().filter(c -> !c.passed()).toList();
        List<StepOutcome> skipped = steps.stream().filter(s -> s.status().equals("skipped")).toList();
        List<StepOutcome> broken = steps.stream().filter(s -> s.status().equals("FAILED")).toList();

        List<Metric> metrics = new ArrayList<>();
        metrics.add(new Metric("checks", (log.checks.size() - failed.size()) + " passed, " + failed.size() + " failed",
                steps.size() - skipped.size() - broken.size() + " steps ran, " + skipped.size() + " skipped, "
                        + broken.size() + " failed"));
        for (DType dtype : FLOATS) {
            double worst = log.checks.stream().filter(c -> c.dtype() == dtype && (c.step().equals("unary") || c.step().equals("binary")))
                    .mapToDouble(Check::error).max().orElse(Double.NaN);
            metrics.add(new Metric("elementwise max error " + dtype, format(worst),
                    "over every unary and binary op and layout; tolerance " + format(tolerance(dtype))
                            + " (relative above 1, absolute below)"));
        }
        if (log.scopeSummary != null) {
            metrics.add(new Metric("scope memory", log.scopeSummary, "resident memory after a 10% warm-up, peak minus start"));
        }
        for (StepOutcome s : steps) {
            List<Check> own = log.checks.stream().filter(c -> c.step().equals(s.name())).toList();
            String value = switch (s.status()) {
                case "ran" -> own.stream().allMatch(Check::passed) ? "ok" : "FAILED";
                default -> s.status();
            };
            String note = s.status().equals("ran") ? s.note() + "; " + headroom(own) : s.note();
            metrics.add(new Metric("step " + s.name(), value, note));
        }
        for (Check c : failed) {
            metrics.add(new Metric("FAILED " + c.label(), format(c.error()), "tolerance " + format(c.tolerance())));
        }

        StringBuilder summary = new StringBuilder();
        if (failed.isEmpty() && broken.isEmpty()) {
            summary.append("all ").append(log.checks.size()).append(" checks passed");
        } else {
            summary.append(failed.size()).append(" of ").append(log.checks.size()).append(" checks failed");
            if (!failed.isEmpty()) {
                summary.append(" (").append(failed.stream().limit(3).map(Check::label).collect(Collectors.joining(", ")))
                        .append(failed.size() > 3 ? ", ..." : "").append(")");
            }
            for (StepOutcome s : broken) {
                summary.append("; step ").append(s.name()).append(" threw ").append(s.note());
            }
        }
        if (!skipped.isEmpty()) {
            summary.append("; not implemented yet: ")
                    .append(skipped.stream().map(StepOutcome::name).collect(Collectors.joining(", ")));
        }
        return new TourResult(failed.isEmpty() && broken.isEmpty(), summary.toString(), metrics, plots);
    }

    /** "all exact", or how much of its tolerance the worst check used. */
    private static String headroom(List<Check> checks) {
        double worst = 0;
        for (Check c : checks) {
            worst = Math.max(worst, c.tolerance() > 0 ? c.error() / c.tolerance() : c.error() == 0 ? 0 : Double.POSITIVE_INFINITY);
        }
        if (checks.stream().allMatch(c -> c.error() == 0)) {
            return "all exact";
        }
        return Double.isFinite(worst) ? String.format(Locale.ROOT, "worst used %.2g%% of its tolerance", 100 * worst)
                : "a check that must be exact was not";
    }

    private static String format(double v) {
        if (v == 0) {
            return "0";
        }
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2e", v) : Double.toString(v);
    }

    /** Bar chart of the max error per elementwise op, one series per dtype, on a log axis. */
    private static Path errorPlot(List<Check> checks, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1400).height(600)
                .title("Max error per elementwise op vs float64 reference (tolerance: float32 "
                        + format(FLOAT32_TOLERANCE) + ", float64 " + format(FLOAT64_TOLERANCE) + "; exact drawn at "
                        + format(PLOT_FLOOR) + ")")
                .xAxisTitle("op").yAxisTitle("max |got - ref| / max(1, |ref|)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(PLOT_FLOOR / 10); // so that exact results show as short bars
        chart.getStyler().setYAxisMax(1.0);
        for (DType dtype : FLOATS) {
            Map<String, Double> errors = new LinkedHashMap<>();
            for (Check c : checks) {
                if (c.dtype() == dtype && (c.step().equals("unary") || c.step().equals("binary"))) {
                    double e = Double.isNaN(c.error()) ? 1 : c.error();
                    errors.put(c.name(), Math.min(1, Math.max(PLOT_FLOOR, e)));
                }
            }
            if (errors.isEmpty()) {
                continue;
            }
            chart.addSeries(dtype.toString(), new ArrayList<>(errors.keySet()), new ArrayList<>(errors.values()));
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("none", List.of("none"), List.of(PLOT_FLOOR));
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Resident memory over the iterations of the scope loop. */
    private static Path memoryPlot(List<long[]> samples, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(450)
                .title("Resident memory while allocating in scopes").xAxisTitle("iteration").yAxisTitle("RSS (MB)").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0);
        double[] x = samples.stream().mapToDouble(s -> s[0]).toArray();
        double[] y = samples.stream().mapToDouble(s -> s[1] / 1e6).toArray();
        chart.addSeries("RSS", x, y);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
