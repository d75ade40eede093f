package dev.jacobi.bench.gemm;

import dev.jacobi.tensor.cpu.Simd;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares float32 matrix multiply speed: Jacobi's {@link dev.jacobi.tensor.cpu.Sgemm}, OpenBLAS
 * {@code cblas_sgemm} (when the library is installed), EJML and the naive triple loop, on n x n
 * products, on one thread and on every core; and checks each size's results (Jacobi's against a
 * float64 reference on sampled entries and against OpenBLAS).
 *
 * <p>Each measurement warms up (at least {@link Options#warmupRuns()} products and
 * {@link Options#minSeconds()} seconds, and on until the products stop getting faster, so the JIT has
 * compiled the kernels), then times products until
 * it has at least {@link Options#minRuns()} and {@link Options#minSeconds()} seconds (a slow one
 * stops after two products and a few seconds), and reports the
 * best and the median GFLOP/s (2 n^3 flops per product). The best is the figure least disturbed by
 * other processes; the median shows the spread. The naive loop runs once, only up to
 * {@link Options#naiveMaxSize()} and on one thread.
 *
 * <p>Run with {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}; OpenBLAS
 * picks its AVX-512 kernel only when {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} are unset
 * (the table says so when they are set).
 */
public final class GemmComparison {
    /**
     * A slow implementation (EJML at n = 2048 takes seconds per product) stops after two timed
     * products once this much time has passed, so the comparison stays short.
     */
    private static final long SLOW_STOP_NANOS = 4_000_000_000L;
    /** Warm-up runs in chunks this long and stops when a chunk is no faster than the ones before. */
    private static final long WARMUP_CHUNK_NANOS = 250_000_000L;
    /** Warm-up never takes longer than this. */
    private static final long MAX_WARMUP_NANOS = 10_000_000_000L;

    private GemmComparison() {
    }

    /**
     * What to measure.
     *
     * @param sizes        matrix sizes n
     * @param threads      thread counts, e.g. 1 and the number of cores
     * @param naiveMaxSize the largest n the naive loop runs at
     * @param warmupRuns   products before timing starts
     * @param minRuns      timed products at least
     * @param minSeconds   seconds of warm-up and of timing at least, each
     * @param seed         seed of the matrices and of the sampled entries checked
     */
    public record Options(List<Integer> sizes, List<Integer> threads, int naiveMaxSize, int warmupRuns, int minRuns,
                          double minSeconds, long seed) {
        public Options {
            sizes = List.copyOf(sizes);
            threads = List.copyOf(threads);
        }

        /**
         * n = 256, 1024, 2048 on 1 thread and every core, naive up to 256; at least 1 warm-up and 5
         * timed products and half a second of each.
         */
        public static Options defaults() {
            return new Options(List.of(256, 1024, 2048), defaultThreads(), 256, 1, 5, 0.5, 42);
        }

        /** These options with other sizes. */
        public Options withSizes(List<Integer> newSizes) {
            return new Options(newSizes, threads, naiveMaxSize, warmupRuns, minRuns, minSeconds, seed);
        }

        /** These options with another seed. */
        public Options withSeed(long newSeed) {
            return new Options(sizes, threads, naiveMaxSize, warmupRuns, minRuns, minSeconds, newSeed);
        }
    }

    /** 1 and the number of available processors (just 1 on a one-core machine). */
    static List<Integer> defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores > 1 ? List.of(1, cores) : List.of(1);
    }

    /**
     * One timing: GFLOP/s of the best and the median product, or NaN for both when not measured.
     *
     * @param note why it was not measured, or an empty string
     */
    public record Timing(double best, double median, int runs, String note) {
        static Timing skipped(String why) {
            return new Timing(Double.NaN, Double.NaN, 0, why);
        }

        /** True when this implementation ran. */
        public boolean measured() {
            return !Double.isNaN(best);
        }
    }

    /**
     * One line of the table.
     *
     * @param n                    matrix size
     * @param threads              threads every implementation was allowed
     * @param timings              GFLOP/s of each implementation
     * @param errorToBound         Jacobi's largest error on sampled entries against a float64 reference,
     *                             as a fraction of the rounding-error bound (n + 3) 2^-24 sum |a||b|:
     *                             at most 1 is correct
     * @param differenceToOpenBlas max |jacobi - openblas| / max |openblas|, NaN without OpenBLAS
     */
    public record Row(int n, int threads, Map<GemmImpl, Timing> timings, double errorToBound,
                      double differenceToOpenBlas) {
        public Row {
            timings = Map.copyOf(timings);
        }

        /** Best GFLOP/s of {@code impl}, NaN when it did not run. */
        public double gflops(GemmImpl impl) {
            Timing t = timings.get(impl);
            return t == null ? Double.NaN : t.best();
        }

        /** Jacobi's best over OpenBLAS's best (NaN without OpenBLAS). */
        public double ratioToOpenBlas() {
            return gflops(GemmImpl.JACOBI) / gflops(GemmImpl.OPENBLAS);
        }

        /** Jacobi's best over EJML's best. */
        public double ratioToEjml() {
            return gflops(GemmImpl.JACOBI) / gflops(GemmImpl.EJML);
        }

        /** Whether Jacobi's result is within the rounding-error bound. */
        public boolean correct() {
            return errorToBound <= 1;
        }
    }

    /** Runs the comparison with the default options and prints the table. */
    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args, Options.defaults());
        } catch (IllegalArgumentException e) {
            System.err.println("gemm: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        PrintStream out = System.out;
        printHeader(out);
        List<Row> rows = run(options, System.err);
        out.println();
        out.print(table(rows, options));
        if (rows.stream().anyMatch(r -> !r.correct())) {
            out.println("FAILED: a Jacobi result is outside the rounding-error bound");
            System.exit(1);
        }
    }

    /** The command-line help. */
    public static String usage() {
        return """
                usage: gemm [--sizes 256,1024,2048] [--threads 1,N] [--naive-max 256] [--min-runs 5] [--seconds 0.5] [--seed 42]
                  Measures float32 n x n GEMM GFLOP/s of Jacobi, OpenBLAS, EJML and a naive loop, and checks Jacobi's results.
                  --sizes      matrix sizes (default 256,1024,2048)
                  --threads    thread counts (default 1 and every core)
                  --naive-max  largest size the naive loop runs at (default 256)
                  --min-runs   timed products per measurement, at least (default 5)
                  --seconds    seconds of warm-up and of timing per measurement, at least (default 0.5)
                  --seed       seed of the matrices (default 42)""";
    }

    /**
     * Reads the options from command-line arguments over {@code base}.
     *
     * @return the options, or null when help was asked for
     * @throws IllegalArgumentException on an unknown flag or a bad value
     */
    public static Options parse(String[] args, Options base) {
        List<Integer> sizes = base.sizes();
        List<Integer> threads = base.threads();
        int naiveMax = base.naiveMaxSize();
        int minRuns = base.minRuns();
        double seconds = base.minSeconds();
        long seed = base.seed();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--sizes" -> sizes = positiveList(value);
                    case "--threads" -> threads = positiveList(value);
                    case "--naive-max" -> naiveMax = Integer.parseInt(value);
                    case "--min-runs" -> minRuns = Math.max(1, Integer.parseInt(value));
                    case "--seconds" -> seconds = Double.parseDouble(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value '" + value + "' for " + flag);
            }
        }
        return new Options(sizes, threads, naiveMax, base.warmupRuns(), minRuns, seconds, seed);
    }

    private static List<Integer> positiveList(String value) {
        List<Integer> r = new ArrayList<>();
        for (String part : value.split(",")) {
            int x = Integer.parseInt(part.trim());
            if (x < 1) {
                throw new NumberFormatException();
            }
            r.add(x);
        }
        return r;
    }

    /** Prints the machine, the SIMD state and OpenBLAS's state (the table ends with any environment note). */
    public static void printHeader(PrintStream out) {
        out.println("float32 GEMM C = A B, n x n, row-major; " + Runtime.getRuntime().availableProcessors()
                + " cores; Java " + Runtime.version() + "; " + Simd.describe());
        if (OpenBlas.isAvailable()) {
            out.println("OpenBLAS: " + OpenBlas.LIBRARY + ", kernel " + OpenBlas.coreName());
        } else {
            out.println("OpenBLAS: not measured: " + OpenBlas.unavailableReason());
        }
    }

    /**
     * Measures every size and thread count.
     *
     * @param log where progress lines go (one per measurement), or null
     * @return one row per (size, threads), sizes outer
     */
    public static List<Row> run(Options options, PrintStream log) {
        List<Row> rows = new ArrayList<>();
        for (int n : options.sizes()) {
            try (GemmProblem problem = GemmProblem.create(n, options.seed())) {
                for (int threads : options.threads()) {
                    rows.add(measureRow(problem, threads, options, log));
                }
            }
        }
        return rows;
    }

    private static Row measureRow(GemmProblem problem, int threads, Options options, PrintStream log) {
        int n = problem.n();
        Map<GemmImpl, Timing> timings = new EnumMap<>(GemmImpl.class);
        float[] ours = null;
        float[] openBlas = null;
        for (GemmImpl impl : GemmImpl.values()) {
            String reason = impl.unavailableReason(threads);
            if (impl == GemmImpl.NAIVE && reason.isEmpty() && n > options.naiveMaxSize()) {
                reason = "the naive loop runs only up to n = " + options.naiveMaxSize();
            }
            if (!reason.isEmpty()) {
                timings.put(impl, Timing.skipped(reason));
                continue;
            }
            if (log != null) {
                log.printf(Locale.ROOT, "n=%d threads=%d %s ...%n", n, threads, impl.label());
            }
            problem.poisonResult();
            Timing t = impl == GemmImpl.NAIVE ? once(problem, impl) : measure(problem, impl, threads, options);
            timings.put(impl, t);
            if (impl == GemmImpl.JACOBI) {
                ours = problem.result(impl);
            } else if (impl == GemmImpl.OPENBLAS) {
                openBlas = problem.result(impl);
            }
        }
        double error = problem.errorToBound(ours, 2000, options.seed() + n);
        double difference = openBlas == null ? Double.NaN : GemmProblem.relativeDifference(ours, openBlas);
        return new Row(n, threads, timings, error, difference);
    }

    /**
     * One timed product after one untimed one (which gets the loop compiled), for the naive loop,
     * whose single product takes long enough to time.
     */
    private static Timing once(GemmProblem problem, GemmImpl impl) {
        impl.multiply(problem, 1);
        long t0 = System.nanoTime();
        impl.multiply(problem, 1);
        double g = problem.flops() / (System.nanoTime() - t0);
        return new Timing(g, g, 1, "one run");
    }

    private static Timing measure(GemmProblem problem, GemmImpl impl, int threads, Options options) {
        impl.prepare(threads);
        long minNanos = (long) (options.minSeconds() * 1e9);
        warmUp(problem, impl, threads, options.warmupRuns(), minNanos);
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < options.minRuns() || System.nanoTime() - start < minNanos) {
            long t0 = System.nanoTime();
            impl.multiply(problem, threads);
            times.add(System.nanoTime() - t0);
            long elapsed = System.nanoTime() - start;
            if (times.size() >= 1000 || (times.size() >= 2 && elapsed > SLOW_STOP_NANOS)) {
                break;
            }
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        double best = problem.flops() / sorted[0];
        double median = problem.flops() / sorted[sorted.length / 2];
        return new Timing(best, median, sorted.length, "");
    }

    /**
     * Runs products in chunks of {@link #WARMUP_CHUNK_NANOS} until a chunk's best is no longer
     * faster than the earlier ones (the JIT has compiled the kernels: before that, Vector API code
     * runs 10 to 100 times slower), and at least {@code minRuns} products and {@code minNanos} have
     * passed; at most {@link #MAX_WARMUP_NANOS}, and a slow implementation stops after
     * {@link #SLOW_STOP_NANOS}.
     */
    private static void warmUp(GemmProblem problem, GemmImpl impl, int threads, int minRuns, long minNanos) {
        long start = System.nanoTime();
        long previousBest = Long.MAX_VALUE;
        int runs = 0;
        while (true) {
            long chunkStart = System.nanoTime();
            long chunkBest = Long.MAX_VALUE;
            do {
                long t0 = System.nanoTime();
                impl.multiply(problem, threads);
                chunkBest = Math.min(chunkBest, System.nanoTime() - t0);
                runs++;
            } while (System.nanoTime() - chunkStart < WARMUP_CHUNK_NANOS);
            boolean stable = chunkBest > 0.97 * previousBest;
            previousBest = Math.min(previousBest, chunkBest);
            long elapsed = System.nanoTime() - start;
            if ((stable && runs >= minRuns && elapsed >= minNanos) || elapsed > MAX_WARMUP_NANOS
                    || elapsed > SLOW_STOP_NANOS && runs >= 2) {
                return;
            }
        }
    }

    /** The rows as a text table with the ratios, checks and notes. */
    public static String table(List<Row> rows, Options options) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%6s %7s | %9s %9s %9s %9s | %14s %11s | %12s %12s%n",
                "n", "threads", "jacobi", "openblas", "ejml", "naive", "jacobi/openblas", "jacobi/ejml",
                "err/bound", "vs openblas"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%6d %7d | %9s %9s %9s %9s | %14s %11s | %12s %12s%n",
                    r.n(), r.threads(), gflops(r, GemmImpl.JACOBI), gflops(r, GemmImpl.OPENBLAS),
                    gflops(r, GemmImpl.EJML), gflops(r, GemmImpl.NAIVE), ratio(r.ratioToOpenBlas()),
                    ratio(r.ratioToEjml()), String.format(Locale.ROOT, "%.3f", r.errorToBound()),
                    Double.isNaN(r.differenceToOpenBlas()) ? "-" : String.format(Locale.ROOT, "%.1e", r.differenceToOpenBlas())));
        }
        sb.append("GFLOP/s = 2 n^3 / time of the best product after warm-up (at least ").append(options.minRuns())
                .append(" timed and ").append(options.minSeconds()).append(" s); '-' = not measured.\n");
        sb.append("naive: one timed run after one warm-up run, one thread, n <= ").append(options.naiveMaxSize()).append(".\n");
        sb.append("err/bound: Jacobi's largest error on 2000 sampled entries against a float64 dot product, over the"
                + " bound (n + 3) 2^-24 sum|a||b| (<= 1 is correct); vs openblas: max|jacobi - openblas| / max|openblas|.\n");
        rows.stream().map(r -> r.timings().get(GemmImpl.OPENBLAS)).filter(t -> t != null && !t.measured())
                .findFirst().ifPresent(t -> sb.append("openblas: ").append(t.note()).append('\n'));
        String note = OpenBlas.environmentNote();
        if (!note.isEmpty()) {
            sb.append(note).append('\n');
        }
        return sb.toString();
    }

    private static String gflops(Row r, GemmImpl impl) {
        Timing t = r.timings().get(impl);
        return t == null || !t.measured() ? "-" : String.format(Locale.ROOT, "%.1f", t.best());
    }

    private static String ratio(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2fx", x);
    }
}
