package dev.jacobi.bench.tour;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the tour: the selected {@link TourEntry entries} one after the other, each on its own so that
 * one that throws is reported FAILED while the others still run; then prints the results table and
 * writes the HTML report ({@link TourReport}) to {@link TourOptions#outputDir()}.
 *
 * <p>The table shows each entry's status, time, summary and its first {@value #KEY_METRICS} metrics:
 * entries list their most telling metrics first.
 */
public final class Tour {
    /** Exit status when every entry ran and passed. */
    public static final int EXIT_OK = 0;
    /** Exit status when some entry failed or threw. */
    public static final int EXIT_FAILED = 1;
    /** Exit status for arguments that name no entry. */
    public static final int EXIT_USAGE = 2;
    /** How many metrics of each entry the text table shows (the report shows all). */
    public static final int KEY_METRICS = 4;

    private Tour() {
    }

    /** Whether an entry passed. */
    public enum Status {
        PASSED("ok"), FAILED("FAILED");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** The word the table shows. */
        public String label() {
            return label;
        }
    }

    /**
     * What running one entry gave.
     *
     * @param entry   the entry
     * @param status  PASSED, or FAILED when its checks failed or it threw
     * @param result  what the entry returned; for an entry that threw, a result holding the exception's message
     * @param elapsed wall-clock time the entry took
     * @param failure the stack trace when the entry threw, else null
     */
    public record Outcome(TourEntry entry, Status status, TourResult result, Duration elapsed, String failure) {
    }

    /**
     * Runs the entries {@code options} selects out of {@code entries}, printing progress and the table
     * to {@code out} and problems to {@code err}.
     *
     * @return {@link #EXIT_OK}, {@link #EXIT_FAILED} when an entry failed, or {@link #EXIT_USAGE} when
     *     {@code --only} names an unknown entry
     */
    public static int run(List<TourEntry> entries, TourOptions options, PrintStream out, PrintStream err) {
        if (options.list()) {
            int width = entries.stream().mapToInt(e -> e.name().length()).max().orElse(0);
            for (TourEntry e : entries) {
                out.printf("%-" + width + "s  %s%n", e.name(), e.description());
            }
            return EXIT_OK;
        }
        List<TourEntry> selected;
        try {
            selected = select(entries, options.only());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return EXIT_USAGE;
        }
        try {
            Files.createDirectories(options.outputDir());
            Files.createDirectories(options.cacheDir());
        } catch (IOException e) {
            err.println("tour: cannot create " + options.outputDir() + " or " + options.cacheDir() + ": " + e);
            return EXIT_FAILED;
        }
        MachineInfo machine = MachineInfo.current();
        out.println("Jacobi tour: " + selected.size() + " entr" + (selected.size() == 1 ? "y" : "ies")
                + (options.full() ? " (full)" : "") + ", seed " + options.seed() + "; " + machine.cpu()
                + ", " + machine.cores() + " cores, JDK " + Runtime.version().feature() + ", " + machine.simd());
        TourContext context = options.context();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            TourEntry entry = selected.get(i);
            out.printf("[%d/%d] %s: %s%n", i + 1, selected.size(), entry.name(), entry.description());
            Outcome outcome;
            try (Ticker ignored = Ticker.start(out)) {
                outcome = runEntry(entry, context);
            }
            if (outcome.failure() != null) {
                err.println("tour: " + entry.name() + " threw:");
                err.print(outcome.failure());
            }
            out.printf("      %s in %s: %s%n", outcome.status().label(), formatDuration(outcome.elapsed()),
                    outcome.result().summary());
            outcomes.add(outcome);
        }
        out.println();
        out.print(table(outcomes));
        Path report = options.outputDir().resolve("index.html");
        try {
            TourReport.write(report, outcomes, options, machine);
            out.println("report: " + report.toAbsolutePath().normalize());
        } catch (IOException e) {
            err.println("tour: could not write " + report + ": " + e);
            return EXIT_FAILED;
        }
        long failed = outcomes.stream().filter(o -> o.status() == Status.FAILED).count();
        if (failed > 0) {
            out.println(failed + " of " + outcomes.size() + " entries FAILED");
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }

    /**
     * The entries named in {@code only}, in tour order, or all when {@code only} is empty.
     *
     * @throws IllegalArgumentException naming the unknown names and listing the known ones
     */
    public static List<TourEntry> select(List<TourEntry> entries, List<String> only) {
        if (only.isEmpty()) {
            return entries;
        }
        Map<String, TourEntry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        List<String> unknown = only.stream().filter(n -> !byName.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("tour: no entry named " + String.join(", ", unknown)
                    + "; the entries are: " + String.join(", ", byName.keySet()));
        }
        return entries.stream().filter(e -> only.contains(e.name())).toList();
    }

    /** Runs one entry, turning anything it throws into a FAILED outcome. */
    public static Outcome runEntry(TourEntry entry, TourContext context) {
        long start = System.nanoTime();
        try {
            TourResult result = entry.run(context);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (result == null) {
                return new Outcome(entry, Status.FAILED, new TourResult(false, "returned no result", List.of(), List.of()),
                        elapsed, null);
            }
            return new Outcome(entry, result.passed() ? Status.PASSED : Status.FAILED, result, elapsed, null);
        } catch (Exception | AssertionError | LinkageError | StackOverflowError | OutOfMemoryError e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new Outcome(entry, Status.FAILED, new TourResult(false, "threw " + message, List.of(), List.of()),
                    elapsed, trace.toString());
        }
    }

    /** The results table as text: one row per entry, its key metrics on the line below. */
    public static String table(List<Outcome> outcomes) {
        int nameWidth = Math.max("entry".length(), outcomes.stream().mapToInt(o -> o.entry().name().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %-6s  %8s  %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, row, "entry", "status", "time", "summary"));
        sb.append(String.format(Locale.ROOT, row, "-".repeat(nameWidth), "-".repeat(6), "-".repeat(8), "-".repeat(40)));
        for (Outcome o : outcomes) {
            sb.append(String.format(Locale.ROOT, row, o.entry().name(), o.status().label(), formatDuration(o.elapsed()),
                    o.result().summary()));
            String metrics = o.result().metrics().stream().limit(KEY_METRICS)
                    .map(m -> m.name() + " " + m.value())
                    .collect(Collectors.joining("; "));
            if (!metrics.isEmpty()) {
                sb.append(" ".repeat(nameWidth + 20)).append(metrics).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    /** "850 ms", "12.3 s" or "4 min 05 s". */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }

    /** On a terminal, rewrites one status line every second while an entry runs; elsewhere does nothing. */
    private static final class Ticker implements AutoCloseable {
        private final PrintStream out;
        private final Thread thread;

        private Ticker(PrintStream out, Thread thread) {
            this.out = out;
            this.thread = thread;
        }

        static Ticker start(PrintStream out) {
            var console = System.console();
            if (out != System.out || console == null || !console.isTerminal()) {
                return new Ticker(out, null);
            }
            long start = System.nanoTime();
            Thread t = Thread.ofPlatform().daemon().name("tour-ticker").start(() -> {
                try {
                    while (true) {
                        Thread.sleep(1000);
                        out.print("\r      running, " + formatDuration(Duration.ofNanos(System.nanoTime() - start)) + "   ");
                        out.flush();
                    }
                } catch (InterruptedException e) {
                    // the entry finished
                }
            });
            return new Ticker(out, t);
        }

        @Override
        public void close() {
            if (thread == null) {
                return;
            }
            thread.interrupt();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.print("\r" + " ".repeat(40) + "\r");
            out.flush();
        }
    }
}
