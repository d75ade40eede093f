package dev.jacobi.tensor.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The plain triple loop: {@code C = alpha A B + beta C}, one dot product per element of C, with the
 * same arguments and the same beta rule (C not read when beta is 0) as {@link Sgemm} and
 * {@link Dgemm}. It is the reference those kernels are tested and benchmarked against, and runs the
 * products too small to pack. No blocking, no SIMD, one thread.
 */
public final class NaiveGemm {
    private NaiveGemm() {
    }

    /** float32 {@code C = alpha A B + beta C}, accumulating each dot product in float32. */
    public static void sgemm(float alpha, StridedMatrix a, StridedMatrix b, float beta, StridedMatrix c) {
        GemmDriver.checkOperands("NaiveGemm.sgemm", a, b, c, 4);
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment cs = c.segment();
        int k = a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                float sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += as.getAtIndex(ValueLayout.JAVA_FLOAT, a.index(i, p))
                            * bs.getAtIndex(ValueLayout.JAVA_FLOAT, b.index(p, j));
                }
                long idx = c.index(i, j);
                float scaled = alpha * sum;
                cs.setAtIndex(ValueLayout.JAVA_FLOAT, idx,
                        beta == 0 ? scaled : beta * cs.getAtIndex(ValueLayout.JAVA_FLOAT, idx) + scaled);
            }
        }
    }

    /** float64 {@code C = alpha A B + beta C}, accumulating each dot product in float64. */
    public static void dgemm(double alpha, StridedMatrix a, StridedMatrix b, double beta, StridedMatrix c) {
        GemmDriver.checkOperands("NaiveGemm.dgemm", a, b, c, 8);
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        MemorySegment cs = c.segment();
        int k = a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += as.getAtIndex(ValueLayout.JAVA_DOUBLE, a.index(i, p))
                            * bs.getAtIndex(ValueLayout.JAVA_DOUBLE, b.index(p, j));
                }
                long idx = c.index(i, j);
                double scaled = alpha * sum;
                cs.setAtIndex(ValueLayout.JAVA_DOUBLE, idx,
                        beta == 0 ? scaled : beta * cs.getAtIndex(ValueLayout.JAVA_DOUBLE, idx) + scaled);
            }
        }
    }
}
