package dev.jacobi.bench.gemm;

import dev.jacobi.tensor.cpu.StridedMatrix;
import org.ejml.data.FMatrixRMaj;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One float32 product C = A B of n x n row-major matrices, with A and B in [-1, 1) from a seed, held
 * both off-heap (for Jacobi, OpenBLAS and the naive loop) and as EJML matrices holding the same values.
 * Closing it frees the off-heap memory.
 */
public final class GemmProblem implements AutoCloseable {
    private final int n;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment a;
    private final MemorySegment b;
    private final MemorySegment c;
    private final FMatrixRMaj ejmlA;
    private final FMatrixRMaj ejmlB;
    private final FMatrixRMaj ejmlC;

    private GemmProblem(int n, long seed) {
        this.n = n;
        long count = (long) n * n;
        a = arena.allocate(count * 4, 64);
        b = arena.allocate(count * 4, 64);
        c = arena.allocate(count * 4, 64);
        ejmlA = new FMatrixRMaj(n, n);
        ejmlB = new FMatrixRMaj(n, n);
        ejmlC = new FMatrixRMaj(n, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            float x = (float) (rnd.nextDouble() * 2 - 1);
            float y = (float) (rnd.nextDouble() * 2 - 1);
            a.setAtIndex(ValueLayout.JAVA_FLOAT, i, x);
            b.setAtIndex(ValueLayout.JAVA_FLOAT, i, y);
            ejmlA.data[i] = x;
            ejmlB.data[i] = y;
        }
    }

    /** A fresh n x n problem whose A and B come from {@code seed}. */
    public static GemmProblem create(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("GemmProblem: size must be positive, got " + n);
        }
        return new GemmProblem(n, seed);
    }

    /** The matrix size. */
    public int n() {
        return n;
    }

    /** Multiply-adds times two: the flop count of one product. */
    public double flops() {
        return 2.0 * n * n * n;
    }

    StridedMatrix a() {
        return StridedMatrix.rowMajor(a, 0, n, n);
    }

    StridedMatrix b() {
        return StridedMatrix.rowMajor(b, 0, n, n);
    }

    StridedMatrix c() {
        return StridedMatrix.rowMajor(c, 0, n, n);
    }

    MemorySegment segmentA() {
        return a;
    }

    MemorySegment segmentB() {
        return b;
    }

    MemorySegment segmentC() {
        return c;
    }

    FMatrixRMaj ejmlA() {
        return ejmlA;
    }

    FMatrixRMaj ejmlB() {
        return ejmlB;
    }

    FMatrixRMaj ejmlC() {
        return ejmlC;
    }

    /** A copy of C as the given implementation last left it (EJML keeps its own C). */
    public float[] result(GemmImpl impl) {
        return impl == GemmImpl.EJML ? ejmlC.data.clone() : c.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Sets every element of the off-heap and EJML C to NaN, so a result that is not written shows. */
    public void poisonResult() {
        c.fill((byte) 0xFF); // 0xFFFFFFFF is a NaN
        java.util.Arrays.fill(ejmlC.data, Float.NaN);
    }

    /**
     * Checks {@code result} against a float64 dot product on {@code samples} entries drawn from
     * {@code seed} (every entry when there are fewer).
     *
     * @return the largest |result - exact| / ((n + 3) u sum_p |a_ip b_pj|) over the entries, u = 2^-24:
     *         at most 1 for a float32 GEMM (the rounding-error bound of a sum of n products); NaN or
     *         above 1 means a wrong result
     */
    public double errorToBound(float[] result, int samples, long seed) {
        Random rnd = new Random(seed);
        long count = (long) n * n;
        boolean all = count <= samples;
        double worst = 0;
        for (long s = 0; s < (all ? count : samples); s++) {
            long e = all ? s : Math.floorMod(rnd.nextLong(), count);
            int i = (int) (e / n);
            int j = (int) (e % n);
            double sum = 0;
            double magnitude = 0;
            for (int p = 0; p < n; p++) {
                double prod = (double) a.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * n + p)
                        * b.getAtIndex(ValueLayout.JAVA_FLOAT, (long) p * n + j);
                sum += prod;
                magnitude += Math.abs(prod);
            }
            double bound = (n + 3) * 0x1p-24 * magnitude;
            double ratio = Math.abs(result[(int) e] - sum) / bound;
            if (!(ratio <= worst)) {
                worst = ratio; // NaN sticks
            }
        }
        return worst;
    }

    /** max |x - y| / max |y|: how far two results of the same product are apart, relative to its size. */
    public static double relativeDifference(float[] x, float[] y) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < x.length; i++) {
            double d = Math.abs((double) x[i] - y[i]);
            diff = d > diff || Double.isNaN(d) ? d : diff;
            scale = Math.max(scale, Math.abs(y[i]));
        }
        return diff / scale;
    }

    @Override
    public void close() {
        arena.close();
    }
}
