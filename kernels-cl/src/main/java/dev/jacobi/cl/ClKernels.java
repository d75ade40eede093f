package dev.jacobi.cl;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.jocl.CL.*;

/**
 * The programs of one {@link ClContext}: loads {@code .cl} resources, builds each (source, defines)
 * pair once per device, keeps it in memory and caches its binary on disk ({@link ClBinaryCache}).
 *
 * <p>This is the hook through which other modules add kernels: put the {@code .cl} file next to a
 * class of your own module and ask for it by that class and file name,
 *
 * <pre>{@code
 * ClProgram p = ctx.kernels().program(TernaryMatmul.class, "ternary_matmul.cl", Map.of("TILE", 32));
 * p.launch("ternary_matmul").arg(x).arg(w).arg(n).run(global, local);
 * }</pre>
 *
 * <p>Every program is built with {@code -cl-std=CL1.2} plus one {@code -DNAME=value} per define. A line
 * {@code #include "other.cl"} is replaced by that resource from the same folder (once per program), so
 * kernels share helpers such as {@code common.cl} without a compiler include path.
 */
public final class ClKernels {
    /** Folder (in this module) of the built-in kernels. */
    public static final String BUILTIN_FOLDER = "kernels/";

    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#include\\s+\"([^\"]+)\"\\s*$");

    private final ClContext context;
    private final Map<String, ClProgram> programs = new ConcurrentHashMap<>();

    ClKernels(ClContext context) {
        this.context = context;
    }

    /** A built-in program of this module, e.g. {@code program("gemm.cl", Map.of("TM", 8))}. */
    public ClProgram program(String fileName, Map<String, ?> defines) {
        return program(ClKernels.class, BUILTIN_FOLDER + fileName, defines);
    }

    /**
     * The program in resource {@code path} (relative to {@code anchor}'s package, as
     * {@link Class#getResourceAsStream} resolves it) built with {@code defines}; built on first request.
     *
     * @throws IllegalArgumentException when the resource does not exist
     * @throws ClBuildException         when it does not compile; the message holds the build log
     */
    public ClProgram program(Class<?> anchor, String path, Map<String, ?> defines) {
        String options = options(defines);
        String cacheKey = anchor.getName() + ":" + path + " " + options;
        return programs.computeIfAbsent(cacheKey, k -> build(path, loadSource(anchor, path, new HashSet<>()), options));
    }

    /** A program from source text (for generated code); cached in memory by its name, defines and text. */
    public ClProgram programFromSource(String name, String source, Map<String, ?> defines) {
        String options = options(defines);
        return programs.computeIfAbsent("source:" + name + " " + options + " " + ClBinaryCache.sha256(source),
                k -> build(name, source, options));
    }

    void release() {
        for (ClProgram p : programs.values()) {
            p.release();
        }
        programs.clear();
    }

    private static String options(Map<String, ?> defines) {
        StringBuilder sb = new StringBuilder("-cl-std=CL1.2");
        for (Map.Entry<String, ?> e : new TreeMap<>(defines).entrySet()) {
            sb.append(" -D").append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    private static String loadSource(Class<?> anchor, String path, Set<String> included) {
        String text;
        try (InputStream in = anchor.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("ClKernels: no kernel resource " + path + " next to " + anchor.getName());
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("ClKernels: reading " + path, e);
        }
        included.add(path);
        String folder = path.contains("/") ? path.substring(0, path.lastIndexOf('/') + 1) : "";
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inc = folder + m.group(1);
            String body = included.contains(inc) ? "" : loadSource(anchor, inc, included);
            m.appendReplacement(out, Matcher.quoteReplacement("// ---- " + m.group(1) + "\n" + body + "// ---- end " + m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private ClProgram build(String name, String source, String options) {
        ClDevice device = context.device();
        cl_device_id[] devices = {device.deviceId()};
        String key = ClBinaryCache.key(device, options, source);
        byte[] cached = ClBinaryCache.load(key).orElse(null);
        if (cached != null) {
            try {
                cl_program p = clCreateProgramWithBinary(context.handle(), 1, devices, new long[] {cached.length},
                        new byte[][] {cached}, new int[1], null);
                clBuildProgram(p, 1, devices, options, null, null);
                return new ClProgram(context, name, p);
            } catch (CLException e) {
                ClBinaryCache.delete(key); // a binary the driver no longer accepts: rebuild from source
            }
        }
        cl_program p = clCreateProgramWithSource(context.handle(), 1, new String[] {source}, null, null);
        try {
            clBuildProgram(p, 1, devices, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p, device.deviceId());
            clReleaseProgram(p);
            throw new ClBuildException("ClKernels: " + name + " does not build for " + device.name()
                    + " with options \"" + options + "\" (" + e.getMessage() + ")", log);
        }
        byte[] binary = binary(p);
        if (binary != null) {
            ClBinaryCache.store(key, binary);
        }
        return new ClProgram(context, name, p);
    }

    private static String buildLog(cl_program p, cl_device_id device) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    private static byte[] binary(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            if (size[0] <= 0) {
                return null;
            }
            byte[] bin = new byte[(int) size[0]];
            clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(bin)), null);
            return bin;
        } catch (CLException e) {
            return null; // a driver that cannot export binaries: just no disk cache
        }
    }
}
