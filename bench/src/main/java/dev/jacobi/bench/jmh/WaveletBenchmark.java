package dev.jacobi.bench.jmh;

import dev.jacobi.algorithms.wavelet.Wavelet;
import dev.jacobi.algorithms.wavelet.WaveletPacket2D;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JMH benchmark of the 3-level 2-D wavelet packet transform of a 3x512x512 float32 image (bior4.4,
 * periodization, all 192 level-3 nodes; WaLLoC's analysis layout) and its inverse, against PyWavelets
 * in the same run: {@link #main} runs the JMH benchmarks on all cores and on one, then
 * {@code bench/scripts/pywt_packet.py} through {@code /usr/bin/python3}, and prints all figures.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.jacobi.bench.jmh.WaveletBenchmark \
 *     -f 1 -wi 3 -i 5 -w 1 -r 1
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class WaveletBenchmark {
    /** The image and its level-3 channels. */
    @State(Scope.Benchmark)
    public static class Image {
        final Wavelet wavelet = Wavelet.named("bior4.4");
        Tensor image;
        Tensor channels;

        @Setup(Level.Trial)
        public void setUp() {
            image = Tensor.rand(Generator.seeded(0), DType.FLOAT32, 3, 512, 512).sub(0.5);
            channels = WaveletPacket2D.toChannels(image, wavelet, 3);
        }
    }

    /** Analysis: [3, 512, 512] -> [192, 64, 64]. */
    @Benchmark
    public float packetForward(Image s) {
        // In a scope, as a user's loop would run it: the output's memory goes back to the pool at once
        // (GC-owned outputs were freed only by the collector, and fresh pages cost more than the transform).
        try (var scope = dev.jacobi.tensor.Scope.open()) {
            return WaveletPacket2D.toChannels(s.image, s.wavelet, 3).storage().getFloat(0);
        }
    }

    /** Synthesis: [192, 64, 64] -> [3, 512, 512]. */
    @Benchmark
    public float packetInverse(Image s) {
        try (var scope = dev.jacobi.tensor.Scope.open()) {
            return WaveletPacket2D.fromChannels(s.channels, s.wavelet, 3).storage().getFloat(0);
        }
    }

    /**
     * Runs the benchmarks on all cores and with one processor, then PyWavelets, and prints the
     * comparison. JMH options in {@code args} (e.g. {@code -f 1 -wi 3 -i 5}) apply to both runs.
     */
    public static void main(String[] args) throws Exception {
        Map<String, double[]> all = JmhRuns.meanAndBest(WaveletBenchmark.class, args);
        String[] one = new String[args.length + 2];
        System.arraycopy(args, 0, one, 0, args.length);
        one[args.length] = "-jvmArgsAppend";
        one[args.length + 1] = "-XX:ActiveProcessorCount=1";
        Map<String, double[]> single = JmhRuns.meanAndBest(WaveletBenchmark.class, one);
        String pywt = runPython();
        System.out.println();
        System.out.println("Wavelet packet transform, 3 levels, bior4.4, periodization, 3x512x512 float32 (ms; mean / best)");
        for (String name : all.keySet()) {
            System.out.printf("  Jacobi %-14s all cores %.2f / %.2f   one core %.2f / %.2f%n", name,
                    all.get(name)[0], all.get(name)[1], single.get(name)[0], single.get(name)[1]);
        }
        System.out.println("  PyWavelets (one thread): " + pywt);
    }

    private static String runPython() throws IOException, InterruptedException {
        Path script = Path.of("bench", "scripts", "pywt_packet.py");
        if (!Files.exists(script)) {
            return "not run: " + script + " not found (run from the repository root)";
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? out : "failed (exit " + p.exitValue() + "): " + out;
    }
}
