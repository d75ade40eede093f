package dev.jacobi.bench.jmh;

import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
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

import java.util.concurrent.TimeUnit;

/**
 * What autograd adds to a tiny op (16 float32 elements), where the bookkeeping is not hidden behind the
 * arithmetic: the same add untracked, recorded (an input requires grad) and inside {@code noGrad}; an op
 * with a trivial forward ({@code detach}), untracked and recorded, which isolates the engine's own cost
 * (checking the inputs, building the node); and a whole step, mul, sum and backward.
 * Run after {@code ./mvnw -pl bench -am package -DskipTests}:
 * <pre>{@code
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.jacobi.bench.jmh.AutogradOverheadBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * }</pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AutogradOverheadBenchmark {
    private Tensor a;
    private Tensor b;
    private Tensor tracked;

    /** Two random 16-element float32 vectors, and a copy of the first that requires grad. */
    @Setup
    public void setUp() {
        a = Tensor.randn(Generator.seeded(1), 16);
        b = Tensor.randn(Generator.seeded(2), 16);
        tracked = a.copy().requiresGrad(true);
    }

    /** The add with nothing to record. */
    @Benchmark
    public Tensor addUntracked() {
        return a.add(b);
    }

    /** The add recording a node (its input requires grad). */
    @Benchmark
    public Tensor addRecorded() {
        return tracked.add(b);
    }

    /** The add of a tensor that requires grad, inside noGrad. */
    @Benchmark
    public Tensor addNoGrad() {
        try (GradMode g = Autograd.noGrad()) {
            return tracked.add(b);
        }
    }

    private static Tensor trivialOp(Tensor x, Tensor y) {
        return Autograd.op("trivial", x::detach, (g, out, needed) -> new Tensor[] {g, g}, (t, out) -> t[0], x, y);
    }

    /** An op whose forward costs nothing, untracked: the price of passing through {@link Autograd#op}. */
    @Benchmark
    public Tensor trivialOpUntracked() {
        return trivialOp(a, b);
    }

    /** The same op recorded: the engine's bookkeeping per op. */
    @Benchmark
    public Tensor trivialOpRecorded() {
        return trivialOp(tracked, b);
    }

    /** Forward (mul, sum) and backward, then clearing the gradient. */
    @Benchmark
    public Tensor mulSumBackward() {
        tracked.mul(b).sum().backward();
        Tensor g = tracked.grad();
        tracked.setGrad(null);
        return g;
    }

    /** Runs this benchmark with JMH command-line options. */
    public static void main(String[] args) throws RunnerException, org.openjdk.jmh.runner.options.CommandLineOptionException {
        new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder()
                .parent(new org.openjdk.jmh.runner.options.CommandLineOptions(args))
                .include(AutogradOverheadBenchmark.class.getSimpleName()).build()).run();
    }
}
