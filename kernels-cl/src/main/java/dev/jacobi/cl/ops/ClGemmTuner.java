package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClBinaryCache;
import dev.jacobi.cl.ClBuildException;
import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClDevice;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.jocl.CLException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses {@link GemmTileConfig} per device by timing each candidate on a square product and keeping
 * the fastest, and remembers the choice in {@code gemm-tuning.properties} in the
 * {@link ClBinaryCache#folder() cache folder} (one line per device name and driver version).
 *
 * <p>{@link ClGemm} asks {@link #configFor} for its tiles: the stored choice when there is one, else
 * the type's {@link GemmTileConfig#defaultFor default}; with the system property
 * {@value #AUTOTUNE_PROPERTY}{@code =true} an untuned device is tuned on its first product.
 * {@code ./jacobi bench opencl} tunes before it measures.
 */
public final class ClGemmTuner {
    /** System property: tune an untuned device on its first GEMM. */
    public static final String AUTOTUNE_PROPERTY = "jacobi.opencl.autotune";
    /** Name of the file, in the cache folder, that holds the choices. */
    public static final String FILE_NAME = "gemm-tuning.properties";

    private static final Map<String, GemmTileConfig> CHOSEN = new ConcurrentHashMap<>();

    private ClGemmTuner() {
    }

    /**
     * The result of a tuning run.
     *
     * @param best   the fastest candidate
     * @param gflops GFLOP/s per candidate that ran (a candidate that failed to build or launch is absent)
     */
    public record Result(GemmTileConfig best, Map<GemmTileConfig, Double> gflops) {
    }

    /** The file the choices are stored in. */
    public static Path defaultFile() {
        return ClBinaryCache.folder().resolve(FILE_NAME);
    }

    /** The tile configuration {@link ClGemm} uses on {@code context}'s device (see the class comment). */
    public static GemmTileConfig configFor(ClContext context) {
        ClDevice device = context.device();
        return CHOSEN.computeIfAbsent(key(device), k -> {
            GemmTileConfig stored = stored(device, defaultFile());
            if (stored != null) {
                return stored;
            }
            if (Boolean.getBoolean(AUTOTUNE_PROPERTY)) {
                return tune(context, device.type() == dev.jacobi.cl.ClDeviceType.CPU ? 256 : 2048,
                        GemmTileConfig.candidates(device), defaultFile(), null).best();
            }
            return GemmTileConfig.defaultFor(device);
        });
    }

    /** The choice stored in {@code file} for {@code device}, or null when there is none (or it is unreadable). */
    public static GemmTileConfig stored(ClDevice device, Path file) {
        Properties p = read(file);
        String line = p.getProperty(key(device));
        if (line == null) {
            return null;
        }
        try {
            GemmTileConfig c = GemmTileConfig.parse(line);
            return c.fits(device) ? c : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Times every candidate on an n x n x n product (median of a few runs after one warm-up, which also
     * builds the program), stores the fastest in {@code file} and uses it from now on in this JVM.
     *
     * @param log where to print one line per candidate, or null
     * @throws IllegalStateException when no candidate runs
     */
    public static Result tune(ClContext context, int n, List<GemmTileConfig> candidates, Path file, PrintStream log) {
        ClDevice device = context.device();
        Generator gen = Generator.seeded(1);
        Map<GemmTileConfig, Double> rates = new LinkedHashMap<>();
        try (ClTensor a = ClTensor.from(context, Tensor.randn(gen, n, n));
             ClTensor b = ClTensor.from(context, Tensor.randn(gen, n, n))) {
            for (GemmTileConfig c : candidates) {
                try {
                    ClGemm.matmul(a, b, c).close(); // warm-up and build
                    context.finish();
                    double[] secs = new double[5];
                    for (int r = 0; r < secs.length; r++) {
                        long t0 = System.nanoTime();
                        ClGemm.matmul(a, b, c).close();
                        context.finish();
                        secs[r] = (System.nanoTime() - t0) * 1e-9;
                    }
                    Arrays.sort(secs);
                    double gflops = 2.0 * n * n * n / secs[secs.length / 2] * 1e-9;
                    rates.put(c, gflops);
                    if (log != null) {
                        log.printf("  gemm tiles %-40s %9.1f GFLOP/s%n", c.describe(), gflops);
                    }
                } catch (ClBuildException | CLException e) {
                    if (log != null) {
                        log.printf("  gemm tiles %-40s skipped: %s%n", c.describe(), e.getMessage().lines().findFirst().orElse(""));
                    }
                }
            }
        }
        GemmTileConfig best = rates.entrySet().stream().max(Map.Entry.comparingByValue())
                .orElseThrow(() -> new IllegalStateException("ClGemmTuner: no GEMM tile configuration runs on "
                        + device.name())).getKey();
        store(device, file, best);
        CHOSEN.put(key(device), best);
        return new Result(best, rates);
    }

    private static String key(ClDevice device) {
        return (device.name() + " | " + device.driverVersion()).replaceAll("[=:\\s]+", "_");
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                // an unreadable file counts as no choice
            }
        }
        return p;
    }

    private static synchronized void store(ClDevice device, Path file, GemmTileConfig best) {
        Properties p = read(file);
        p.setProperty(key(device), best.describe());
        StringWriter w = new StringWriter();
        try {
            p.store(w, "GEMM tile choices per OpenCL device (written by ClGemmTuner)");
        } catch (IOException e) {
            throw new AssertionError("a StringWriter does not fail", e);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), FILE_NAME, ".tmp");
            Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the choice still holds for this JVM; the next one tunes again
        }
    }
}
