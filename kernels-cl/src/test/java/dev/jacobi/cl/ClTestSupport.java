package dev.jacobi.cl;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Test helpers: the device the tests run on, and random strided tensors laid out identically on the CPU
 * and on the device.
 *
 * <p>Without an OpenCL platform the device tests are skipped with the one-line reason, except when the
 * environment variable CI is {@code true}: CI installs PoCL, so a missing platform there is a failure.
 */
public final class ClTestSupport {
    private ClTestSupport() {
    }

    /** The shared context, or a skipped (locally) or failed (CI=true) test when OpenCL is missing. */
    public static ClContext context() {
        ClAvailability a = ClDevices.availability();
        if (!a.available()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true and no OpenCL device: " + a.message());
            }
            assumeTrue(false, "skipped: " + a.message());
        }
        return ClContext.shared();
    }

    /** One tensor in the same strided layout on both sides. */
    public record Pair(Tensor cpu, ClTensor device) {
    }

    /** A random shape of {@code rank} dimensions, each 1..maxSize (1 more often than chance would give). */
    public static int[] shape(Random rnd, int rank, int maxSize) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(maxSize);
        }
        return s;
    }

    /**
     * Random float32 values (standard normal) of {@code shape}: contiguous when {@code layout} is 0, else
     * a view with the dimensions stored in a random order, padded rows and a random offset, so kernels see
     * transposed and gapped strides.
     */
    public static Pair random(ClContext ctx, Random rnd, int[] shape, int layout) {
        int rank = shape.length;
        long[] strides = new long[rank];
        long offset = 0;
        long extent;
        if (layout == 0) {
            long s = 1;
            for (int d = rank - 1; d >= 0; d--) {
                strides[d] = s;
                s *= shape[d];
            }
            extent = s;
        } else {
            int[] order = permutation(rnd, rank); // order[0] is the innermost dimension in memory
            long s = 1;
            for (int d : order) {
                strides[d] = s;
                s *= shape[d] + rnd.nextInt(3);
            }
            offset = rnd.nextInt(5);
            extent = offset + s;
        }
        Storage storage = Storage.allocate(DType.FLOAT32, Math.max(1, extent));
        for (long i = 0; i < storage.size(); i++) {
            storage.setFloat(i, (float) rnd.nextGaussian());
        }
        Tensor base = Tensor.view(storage, new int[] {(int) storage.size()}, new long[] {1}, 0);
        Tensor cpu = Tensor.view(storage, shape, strides, offset);
        ClTensor flat = ClTensor.from(ctx, base);
        return new Pair(cpu, ClTensor.view(flat.buffer(), DType.FLOAT32, shape, strides, offset));
    }

    /** A uniformly random permutation of 0..n-1. */
    public static int[] permutation(Random rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Asserts that {@code actual} (from the device) and {@code expected} (CPU) have the same shape and that
     * every element differs by at most {@code abs + rel * |expected|}; NaN must meet NaN and infinities
     * must be equal.
     */
    public static void assertClose(Tensor actual, Tensor expected, double abs, double rel, String what) {
        org.assertj.core.api.Assertions.assertThat(actual.shape()).as(what + ": shape").isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : Double.isInfinite(e[i]) ? a[i] == e[i]
                    : Math.abs(a[i] - e[i]) <= abs + rel * Math.abs(e[i]);
            if (!ok) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (tolerance " + abs + " + "
                        + rel + " relative)");
            }
        }
    }
}
