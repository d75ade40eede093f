package dev.jacobi.bench.tour;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one {@code ./jacobi tour} run.
 *
 * @param only      names of the entries to run; empty runs them all
 * @param full      run the longer versions of the experiments
 * @param list      only list the entries, run nothing
 * @param seed      the seed every random choice derives from
 * @param outputDir where the report and plots go
 * @param cacheDir  where trained models are cached between runs
 */
public record TourOptions(List<String> only, boolean full, boolean list, long seed, Path outputDir, Path cacheDir) {
    /** The seed of a run without {@code --seed}: the same numbers on every run. */
    public static final long DEFAULT_SEED = 42;
    /** The report folder, relative to the repository root (where {@code ./jacobi} runs). */
    public static final Path DEFAULT_OUTPUT = Path.of("out", "tour");
    /** The cache folder, relative to the repository root. */
    public static final Path DEFAULT_CACHE = Path.of("out", "cache");

    /** The options line as {@code --help} shows it. */
    public static final String USAGE = "tour [--only NAME[,NAME...]] [--full] [--list] [--seed N]";

    public TourOptions {
        only = List.copyOf(only);
    }

    /** Every entry, the short versions, the default seed and folders. */
    public static TourOptions defaults() {
        return new TourOptions(List.of(), false, false, DEFAULT_SEED, DEFAULT_OUTPUT, DEFAULT_CACHE);
    }

    /**
     * Reads the arguments that follow {@code tour}.
     *
     * @throws IllegalArgumentException naming the argument that is not understood
     */
    public static TourOptions parse(List<String> args) {
        List<String> only = new ArrayList<>();
        boolean full = false;
        boolean list = false;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--full" -> full = true;
                case "--list" -> list = true;
                case "--only", "--seed" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException("tour: " + arg + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (arg.equals("--seed")) {
                        seed = parseSeed(value);
                    } else {
                        for (String name : value.split(",")) {
                            if (!name.isBlank()) {
                                only.add(name.strip());
                            }
                        }
                    }
                }
                default -> throw new IllegalArgumentException("tour: unknown option '" + args.get(i) + "'");
            }
        }
        return new TourOptions(only, full, list, seed, DEFAULT_OUTPUT, DEFAULT_CACHE);
    }

    private static long parseSeed(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tour: --seed needs an integer, got '" + value + "'");
        }
    }

    /** The context the entries of this run receive. */
    public TourContext context() {
        return new TourContext(full, outputDir, cacheDir, seed);
    }
}
