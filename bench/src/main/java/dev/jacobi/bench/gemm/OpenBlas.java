package dev.jacobi.bench.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OpenBLAS's {@code cblas_sgemm} and {@code cblas_dgemm}, called through the FFM API, as the yardstick
 * for {@link dev.jacobi.tensor.cpu.Sgemm}. The library is Debian's {@code libopenblas.so.0}, looked up
 * by name (the dynamic linker's search path) and then in {@code /usr/lib/x86_64-linux-gnu/} and its
 * {@code openblas-pthread/} folder. Nothing is bundled: when the library is missing,
 * {@link #isAvailable()} is false and {@link #unavailableReason()} says why.
 *
 * <p>The calls need native access: start java with {@code --enable-native-access=ALL-UNNAMED} (class
 * path) or {@code --enable-native-access=dev.jacobi.bench} (module path), or the JVM prints a warning.
 *
 * <p>OpenBLAS picks its kernel when it loads, from the CPU and the environment: with
 * {@code OPENBLAS_CORETYPE} set it uses that core's kernels (e.g. Haswell's AVX2 ones on an AVX-512
 * machine), and {@code OPENBLAS_L2_SIZE} changes its blocking. {@link #environmentNote()} says when
 * either is set, since the comparison is then not against OpenBLAS at its best.
 */
public final class OpenBlas {
    /** The library's file name. */
    public static final String LIBRARY = "libopenblas.so.0";
    /** Folders searched after the dynamic linker's path. */
    public static final List<Path> FOLDERS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread"),
            Path.of("/usr/lib64"), Path.of("/usr/lib"));
    /** Environment variables that change which kernel OpenBLAS picks. */
    public static final List<String> KERNEL_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;

    private static final Binding BINDING = bind();

    private OpenBlas() {
    }

    /** The loaded functions, or why there are none. */
    private record Binding(MethodHandle sgemm, MethodHandle dgemm, MethodHandle setThreads,
                           MethodHandle coreName, String error) {
    }

    private static Binding bind() {
        Optional<SymbolLookup> lookup;
        List<String> tried = new ArrayList<>();
        try {
            lookup = Optional.of(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            tried.add(LIBRARY + " (" + e.getMessage() + ")");
            lookup = Optional.empty();
        }
        for (int i = 0; i < FOLDERS.size() && lookup.isEmpty(); i++) {
            Path file = FOLDERS.get(i).resolve(LIBRARY);
            if (!Files.exists(file)) {
                tried.add(file + " (missing)");
                continue;
            }
            try {
                lookup = Optional.of(SymbolLookup.libraryLookup(file, Arena.global()));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                tried.add(file + " (" + e.getMessage() + ")");
            }
        }
        if (lookup.isEmpty()) {
            return new Binding(null, null, null, null, "OpenBLAS not found: tried " + String.join(", ", tried)
                    + " (install libopenblas0-pthread)");
        }
        SymbolLookup lib = lookup.get();
        Linker linker = Linker.nativeLinker();
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout ptr = ValueLayout.ADDRESS;
        // void cblas_?gemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
        FunctionDescriptor sgemmType = FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, i32,
                ValueLayout.JAVA_FLOAT, ptr, i32, ptr, i32, ValueLayout.JAVA_FLOAT, ptr, i32);
        FunctionDescriptor dgemmType = FunctionDescriptor.ofVoid(i32, i32, i32, i32, i32, i32,
                ValueLayout.JAVA_DOUBLE, ptr, i32, ptr, i32, ValueLayout.JAVA_DOUBLE, ptr, i32);
        Optional<MemorySegment> sgemm = lib.find("cblas_sgemm");
        Optional<MemorySegment> dgemm = lib.find("cblas_dgemm");
        if (sgemm.isEmpty() || dgemm.isEmpty()) {
            return new Binding(null, null, null, null, LIBRARY + " has no cblas_sgemm / cblas_dgemm");
        }
        try {
            MethodHandle setThreads = lib.find("openblas_set_num_threads")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.ofVoid(i32))).orElse(null);
            MethodHandle coreName = lib.find("openblas_get_corename")
                    .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ptr))).orElse(null);
            return new Binding(linker.downcallHandle(sgemm.get(), sgemmType), linker.downcallHandle(dgemm.get(), dgemmType),
                    setThreads, coreName, null);
        } catch (IllegalCallerException e) {
            return new Binding(null, null, null, null, "native access is not enabled: start java with "
                    + "--enable-native-access=ALL-UNNAMED (" + e.getMessage() + ")");
        }
    }

    /** True when OpenBLAS loaded and has both functions. */
    public static boolean isAvailable() {
        return BINDING.error() == null;
    }

    /** Why OpenBLAS is not available, or an empty string when it is. */
    public static String unavailableReason() {
        return BINDING.error() == null ? "" : BINDING.error();
    }

    /** The kernel OpenBLAS chose (e.g. {@code SkylakeX} or {@code Haswell}), or "unknown". */
    public static String coreName() {
        if (BINDING.coreName() == null) {
            return "unknown";
        }
        try {
            MemorySegment s = (MemorySegment) BINDING.coreName().invokeExact();
            return s.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "unknown";
        }
    }

    /**
     * A note to print when {@link #KERNEL_VARIABLES} are set in the environment (OpenBLAS then does
     * not pick its fastest kernel), or an empty string.
     */
    public static String environmentNote() {
        List<String> set = new ArrayList<>();
        for (String name : KERNEL_VARIABLES) {
            String value = System.getenv(name);
            if (value != null) {
                set.add(name + "=" + value);
            }
        }
        if (set.isEmpty()) {
            return "";
        }
        return "note: " + String.join(" and ", set) + " set in the environment: OpenBLAS then uses that core's"
                + " kernels and blocking, not its AVX-512 ones; unset them for the fair comparison (env -u "
                + String.join(" -u ", KERNEL_VARIABLES) + " ...)";
    }

    /**
     * Sets how many threads OpenBLAS uses; ignored when the library has no
     * {@code openblas_set_num_threads}.
     *
     * @return whether the library took the setting
     */
    public static boolean setThreads(int threads) {
        requireAvailable();
        if (BINDING.setThreads() == null) {
            return false;
        }
        try {
            BINDING.setThreads().invokeExact(threads);
            return true;
        } catch (Throwable e) {
            throw new IllegalStateException("openblas_set_num_threads failed", e);
        }
    }

    /**
     * Row-major, untransposed {@code C = alpha A B + beta C} in float32. The segments are native
     * memory: A is m x k with rows {@code lda} elements apart, B k x n ({@code ldb}), C m x n ({@code ldc}).
     */
    public static void sgemm(int m, int n, int k, float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                             float beta, MemorySegment c, int ldc) {
        requireAvailable();
        checkSize("sgemm", a, m, k, lda, 4);
        checkSize("sgemm", b, k, n, ldb, 4);
        checkSize("sgemm", c, m, n, ldc, 4);
        try {
            BINDING.sgemm().invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_sgemm failed", e);
        }
    }

    /** As {@link #sgemm} in float64. */
    public static void dgemm(int m, int n, int k, double alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                             double beta, MemorySegment c, int ldc) {
        requireAvailable();
        checkSize("dgemm", a, m, k, lda, 8);
        checkSize("dgemm", b, k, n, ldb, 8);
        checkSize("dgemm", c, m, n, ldc, 8);
        try {
            BINDING.dgemm().invokeExact(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_dgemm failed", e);
        }
    }

    private static void requireAvailable() {
        if (!isAvailable()) {
            throw new IllegalStateException(unavailableReason());
        }
    }

    /** OpenBLAS does not check bounds: refuse segments too small for the matrices. */
    private static void checkSize(String op, MemorySegment s, int rows, int cols, int ld, int bytes) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("OpenBlas." + op + ": leading dimension " + ld + " is less than "
                    + cols + " columns");
        }
        long elements = rows == 0 || cols == 0 ? 0 : (rows - 1L) * ld + cols;
        if (!s.isNative()) {
            throw new IllegalArgumentException("OpenBlas." + op + ": needs native (off-heap) memory");
        }
        if (s.byteSize() < elements * bytes) {
            throw new IllegalArgumentException("OpenBlas." + op + ": a segment of " + s.byteSize() + " bytes cannot hold "
                    + elements + " elements of " + bytes + " bytes");
        }
    }
}
