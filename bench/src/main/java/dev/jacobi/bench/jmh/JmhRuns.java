package dev.jacobi.bench.jmh;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Runs a benchmark class from a {@code main} method and collects each benchmark's mean and best time. */
final class JmhRuns {
    private JmhRuns() {
    }

    /**
     * Runs {@code benchmark}'s methods (or what the JMH options in {@code args} select, e.g.
     * {@code -f 1 -wi 2 -i 3 regex}) and returns, per method name, {mean, best} in the benchmark's unit.
     */
    static Map<String, double[]> meanAndBest(Class<?> benchmark, String[] args)
            throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(benchmark.getName());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, double[]> times = new TreeMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            var stats = r.getPrimaryResult().getStatistics();
            times.put(name.substring(name.lastIndexOf('.') + 1), new double[] {stats.getMean(), stats.getMin()});
        }
        return times;
    }
}
