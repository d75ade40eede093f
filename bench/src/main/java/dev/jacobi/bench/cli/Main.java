package dev.jacobi.bench.cli;

import dev.jacobi.bench.tour.Tour;
import dev.jacobi.bench.tour.TourEntries;
import dev.jacobi.bench.tour.TourOptions;
import dev.jacobi.tensor.cpu.Simd;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Properties;

/**
 * The {@code ./jacobi} command line. Each subcommand is one row of {@link #COMMANDS} (and each
 * benchmark one row of {@link #BENCHMARKS}): name, usage, one line of help and the code it runs.
 */
public final class Main {
    /** Exit status for a command line that is not understood. */
    public static final int EXIT_USAGE = 2;

    /** What a subcommand runs: gets the arguments after its name, returns the exit status. */
    @FunctionalInterface
    public interface Action {
        /** Runs the subcommand. */
        int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
    }

    /**
     * One subcommand.
     *
     * @param name        what the user types
     * @param usage       the arguments it takes, as help shows them
     * @param description one line of help
     * @param action      the code it runs
     */
    public record Command(String name, String usage, String description, Action action) {
    }

    /** The benchmarks of {@code ./jacobi bench NAME}. */
    static final List<Command> BENCHMARKS = List.of(
            new Command("gemm", "bench gemm [ARGS...]",
                    "GFLOP/s of our SGEMM against OpenBLAS, EJML and a naive loop, 1 thread and all cores",
                    (args, out, err) -> {
                        dev.jacobi.bench.gemm.GemmComparison.main(args.toArray(String[]::new));
                        return 0;
                    }),
            new Command("opencl", dev.jacobi.cl.bench.ClBenchmark.USAGE,
                    "GB/s and GFLOP/s of the OpenCL device ops (elementwise, reductions, softmax, layer norm, GEMM, "
                            + "attention) next to the CPU path",
                    (args, out, err) -> dev.jacobi.cl.bench.ClBenchmark.run(args, out, err)),
            new Command("jmh", "bench jmh [JMH ARGS...]",
                    "runs the JMH benchmarks of bench/ (bench jmh -l lists them, bench jmh -h shows JMH's options)",
                    (args, out, err) -> {
                        if (Main.class.getClassLoader().getResource("META-INF/BenchmarkList") == null) {
                            err.println("jacobi bench jmh: this build has no JMH benchmarks");
                            return 1;
                        }
                        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
                        return 0;
                    }));

    /** The subcommands, in the order help lists them. */
    static final List<Command> COMMANDS = List.of(
            new Command("tour", TourOptions.USAGE,
                    "runs every experiment on built-in data, prints a results table and writes "
                            + TourOptions.DEFAULT_OUTPUT.resolve("index.html"),
                    (args, out, err) -> Tour.run(TourEntries.all(), TourOptions.parse(args), out, err)),
            new Command("bench", "bench NAME [ARGS...]",
                    "runs a benchmark: " + String.join(", ", BENCHMARKS.stream().map(Command::name).toList()),
                    Main::bench),
            new Command("help", "help", "shows this list", (args, out, err) -> {
                out.print(help());
                return 0;
            }),
            new Command("--version", "--version", "prints the version of Jacobi, the JDK and the SIMD width",
                    (args, out, err) -> {
                        out.println(version());
                        return 0;
                    }));

    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // plots are drawn to files, never to a screen
        }
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command line, printing to {@code out} and {@code err}; returns the exit status. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.print(help());
            return EXIT_USAGE;
        }
        String name = args.getFirst();
        if (name.equals("--help") || name.equals("-h")) {
            name = "help";
        }
        return dispatch(COMMANDS, name, args.subList(1, args.size()), out, err, "");
    }

    private static int dispatch(List<Command> table, String name, List<String> rest, PrintStream out, PrintStream err,
                                String prefix) {
        Command command = table.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
        if (command == null) {
            err.println("jacobi: unknown command '" + prefix + name + "'; the commands are:");
            err.print(list(table));
            return EXIT_USAGE;
        }
        boolean helpAsked = !rest.isEmpty() && (rest.getFirst().equals("--help") || rest.getFirst().equals("-h"));
        if (helpAsked && !command.name().equals("jmh")) { // JMH has its own -h
            out.print(list(command.name().equals("bench") ? BENCHMARKS : List.of(command)));
            return 0;
        }
        try {
            return command.action().run(rest, out, err);
        } catch (IllegalArgumentException e) {
            // Option parsers report a command line they do not understand this way.
            err.println(e.getMessage());
            err.println("usage: ./jacobi " + command.usage());
            return EXIT_USAGE;
        } catch (Exception e) {
            err.println("jacobi " + prefix + name + ": " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int bench(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("jacobi bench: which benchmark? the benchmarks are:");
            err.print(list(BENCHMARKS));
            return EXIT_USAGE;
        }
        return dispatch(BENCHMARKS, args.getFirst(), args.subList(1, args.size()), out, err, "bench ");
    }

    /** The text of {@code ./jacobi --help}. */
    static String help() {
        return "Jacobi: pure-Java tensors, SIMD CPU kernels and the experiments built on them.\n\n"
                + "usage: ./jacobi COMMAND [ARGS...]\n\n"
                + list(COMMANDS.stream()
                        .flatMap(c -> c.name().equals("bench") ? BENCHMARKS.stream() : java.util.stream.Stream.of(c))
                        .toList())
                + "\nExamples:\n"
                + "  ./jacobi tour                     every experiment, short versions (a few minutes)\n"
                + "  ./jacobi tour --only NAME         one experiment (./jacobi tour --list names them)\n"
                + "  ./jacobi bench jmh -f 1 -wi 2 -i 3 Gemm   a short JMH run of the benchmarks matching Gemm\n";
    }

    private static String list(List<Command> commands) {
        StringBuilder sb = new StringBuilder();
        for (Command c : commands) {
            sb.append("  ./jacobi ").append(c.usage()).append('\n')
                    .append("      ").append(c.description()).append('\n');
        }
        return sb.toString();
    }

    /** "jacobi 0.1.0 (JDK 25.0.1, SIMD: ...)". */
    static String version() {
        String version = "unknown";
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                version = p.getProperty("version", version);
            }
        } catch (IOException e) {
            // keep "unknown"
        }
        return "jacobi " + version + " (JDK " + Runtime.version() + ", " + Simd.describe() + ")";
    }
}
