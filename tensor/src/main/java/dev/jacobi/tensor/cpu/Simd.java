package dev.jacobi.tensor.cpu;

import java.util.Locale;

/**
 * Whether the SIMD kernels (jdk.incubator.vector) are in use. They are when the module is in the
 * boot layer (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the system
 * property {@code jacobi.simd} is not {@code false}. Otherwise every kernel takes its scalar path,
 * and a one-line warning says so once.
 */
public final class Simd {
    private static final boolean ENABLED = detect();

    private Simd() {
    }

    /** True when the vector kernels run. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** A one-line description, e.g. {@code "SIMD: 512-bit float vectors (16 lanes)"}. */
    public static String describe() {
        return ENABLED ? "SIMD: " + VectorKernels.FLOAT_LANES * 32 + "-bit float vectors (" + VectorKernels.FLOAT_LANES + " lanes)"
                : "SIMD: off (scalar kernels)";
    }

    private static boolean detect() {
        String prop = System.getProperty("jacobi.simd", "true").toLowerCase(Locale.ROOT);
        if (prop.equals("false") || prop.equals("off")) {
            System.err.println("jacobi: SIMD kernels disabled by -Djacobi.simd=" + prop + "; using scalar kernels");
            return false;
        }
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!present) {
            System.err.println("jacobi: jdk.incubator.vector is not available; using scalar kernels "
                    + "(start java with --add-modules jdk.incubator.vector for SIMD speed)");
        }
        return present;
    }
}
