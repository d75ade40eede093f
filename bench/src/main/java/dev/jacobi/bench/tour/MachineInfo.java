package dev.jacobi.bench.tour;

import dev.jacobi.tensor.cpu.Simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine a run happened on, for reports: results mean little without it.
 *
 * @param cpu   the CPU model (from /proc/cpuinfo on Linux, else the architecture)
 * @param cores the processors the JVM may use
 * @param jdk   the Java runtime's version and vendor
 * @param simd  {@link Simd#describe()}
 * @param os    operating system name and version
 * @param date  when the run started, ISO-8601 with the zone
 */
public record MachineInfo(String cpu, int cores, String jdk, String simd, String os, String date) {

    /** The machine this JVM runs on, now. */
    public static MachineInfo current() {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version() + " (" + System.getProperty("java.vm.vendor", "unknown vendor") + ")",
                Simd.describe(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    /** The fields as label-value pairs, in display order. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpu);
        m.put("cores", Integer.toString(cores));
        m.put("JDK", jdk);
        m.put("SIMD", simd.replaceFirst("^SIMD: ", ""));
        m.put("OS", os);
        m.put("date", date);
        return m;
    }

    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (var lines = Files.lines(cpuinfo)) {
                var model = lines.filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst();
                if (model.isPresent()) {
                    return model.get();
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // fall through to the architecture name
            }
        }
        return System.getProperty("os.arch");
    }
}
