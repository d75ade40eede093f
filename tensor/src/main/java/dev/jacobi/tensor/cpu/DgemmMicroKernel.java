package dev.jacobi.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The register-blocked double64 micro-kernel of {@link Dgemm}: an MR x NR = 12 x (2 vectors) block of C
 * held in 24 vector registers while the packed panels of A and B stream past; each step of the
 * inner dimension loads 2 vectors of B, broadcasts 12 values of A and issues 24 fused
 * multiply-adds. With 512-bit vectors that is 12 x 16: 24 accumulators, 2 B vectors and one
 * broadcast fill 27 of the 32 registers, and 24 independent FMA chains hide the FMA latency
 * (4 cycles x 2 pipes needs at least 8). The accumulators are plain locals, never an array:
 * C2 keeps locals in registers, while an array of vectors would be boxed.
 *
 * <p>Only loaded when {@link Simd#enabled()}.
 */
final class DgemmMicroKernel {
    static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    /** Rows of the register block. */
    static final int MR = 12;
    /** Row stride of a packed panel of A: the largest block depth, a constant so that the 12 broadcasts use fixed displacements. */
    static final int KC = Dgemm.KC;
    /** Columns of the register block: 2 vectors. */
    static final int NR = 2 * SPECIES.length();
    private static final int L = SPECIES.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private DgemmMicroKernel() {
    }

    /**
     * tile = (packed MR x kc panel of A) x (packed kc x NR panel of B), row-major NR wide.
     *
     * @param a packed A: element (r, p) at {@code aOff + r * KC + p}, the rows of A as they are in
     *          a row-major matrix, so packing a row-major A is a plain copy
     * @param b packed B: element (p, j) at {@code bOff + p * NR + j}
     */
    static void multiply(int kc, double[] a, int aOff, double[] b, int bOff, double[] tile) {
        DoubleVector c000 = DoubleVector.zero(SPECIES), c001 = DoubleVector.zero(SPECIES);
        DoubleVector c010 = DoubleVector.zero(SPECIES), c011 = DoubleVector.zero(SPECIES);
        DoubleVector c020 = DoubleVector.zero(SPECIES), c021 = DoubleVector.zero(SPECIES);
        DoubleVector c030 = DoubleVector.zero(SPECIES), c031 = DoubleVector.zero(SPECIES);
        DoubleVector c040 = DoubleVector.zero(SPECIES), c041 = DoubleVector.zero(SPECIES);
        DoubleVector c050 = DoubleVector.zero(SPECIES), c051 = DoubleVector.zero(SPECIES);
        DoubleVector c060 = DoubleVector.zero(SPECIES), c061 = DoubleVector.zero(SPECIES);
        DoubleVector c070 = DoubleVector.zero(SPECIES), c071 = DoubleVector.zero(SPECIES);
        DoubleVector c080 = DoubleVector.zero(SPECIES), c081 = DoubleVector.zero(SPECIES);
        DoubleVector c090 = DoubleVector.zero(SPECIES), c091 = DoubleVector.zero(SPECIES);
        DoubleVector c100 = DoubleVector.zero(SPECIES), c101 = DoubleVector.zero(SPECIES);
        DoubleVector c110 = DoubleVector.zero(SPECIES), c111 = DoubleVector.zero(SPECIES);
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bp);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bp + L);
            int ap = aOff + p;
            DoubleVector x;
            x = DoubleVector.broadcast(SPECIES, a[ap]);
            c000 = b0.fma(x, c000); c001 = b1.fma(x, c001);
            x = DoubleVector.broadcast(SPECIES, a[ap + KC]);
            c010 = b0.fma(x, c010); c011 = b1.fma(x, c011);
            x = DoubleVector.broadcast(SPECIES, a[ap + 2 * KC]);
            c020 = b0.fma(x, c020); c021 = b1.fma(x, c021);
            x = DoubleVector.broadcast(SPECIES, a[ap + 3 * KC]);
            c030 = b0.fma(x, c030); c031 = b1.fma(x, c031);
            x = DoubleVector.broadcast(SPECIES, a[ap + 4 * KC]);
            c040 = b0.fma(x, c040); c041 = b1.fma(x, c041);
            x = DoubleVector.broadcast(SPECIES, a[ap + 5 * KC]);
            c050 = b0.fma(x, c050); c051 = b1.fma(x, c051);
            x = DoubleVector.broadcast(SPECIES, a[ap + 6 * KC]);
            c060 = b0.fma(x, c060); c061 = b1.fma(x, c061);
            x = DoubleVector.broadcast(SPECIES, a[ap + 7 * KC]);
            c070 = b0.fma(x, c070); c071 = b1.fma(x, c071);
            x = DoubleVector.broadcast(SPECIES, a[ap + 8 * KC]);
            c080 = b0.fma(x, c080); c081 = b1.fma(x, c081);
            x = DoubleVector.broadcast(SPECIES, a[ap + 9 * KC]);
            c090 = b0.fma(x, c090); c091 = b1.fma(x, c091);
            x = DoubleVector.broadcast(SPECIES, a[ap + 10 * KC]);
            c100 = b0.fma(x, c100); c101 = b1.fma(x, c101);
            x = DoubleVector.broadcast(SPECIES, a[ap + 11 * KC]);
            c110 = b0.fma(x, c110); c111 = b1.fma(x, c111);
        }
        // Stores go through the tile: inlining a merge into C for each of the 24 accumulators
        // exceeds C2's inlining budget, and an accumulator passed to a call that is not inlined is boxed.
        c000.intoArray(tile, 0); c001.intoArray(tile, L);
        c010.intoArray(tile, NR); c011.intoArray(tile, NR + L);
        c020.intoArray(tile, 2 * NR); c021.intoArray(tile, 2 * NR + L);
        c030.intoArray(tile, 3 * NR); c031.intoArray(tile, 3 * NR + L);
        c040.intoArray(tile, 4 * NR); c041.intoArray(tile, 4 * NR + L);
        c050.intoArray(tile, 5 * NR); c051.intoArray(tile, 5 * NR + L);
        c060.intoArray(tile, 6 * NR); c061.intoArray(tile, 6 * NR + L);
        c070.intoArray(tile, 7 * NR); c071.intoArray(tile, 7 * NR + L);
        c080.intoArray(tile, 8 * NR); c081.intoArray(tile, 8 * NR + L);
        c090.intoArray(tile, 9 * NR); c091.intoArray(tile, 9 * NR + L);
        c100.intoArray(tile, 10 * NR); c101.intoArray(tile, 10 * NR + L);
        c110.intoArray(tile, 11 * NR); c111.intoArray(tile, 11 * NR + L);
    }

    /**
     * C = alpha tile + beta C for a full MR x NR block whose rows are contiguous in C (C not read
     * when beta is 0).
     *
     * @param cOff byte offset of C's element (0, 0)
     * @param ldc  bytes between rows of C
     */
    static void mergeTile(double[] tile, MemorySegment c, long cOff, long ldc, double alpha, double beta) {
        for (int r = 0; r < MR; r++) {
            long row = cOff + r * ldc;
            for (int j = 0; j < NR; j += L) {
                DoubleVector t = DoubleVector.fromArray(SPECIES, tile, r * NR + j).mul(alpha);
                long off = row + j * 8L;
                if (beta == 0) {
                    t.intoMemorySegment(c, off, ORDER);
                } else {
                    DoubleVector.fromMemorySegment(SPECIES, c, off, ORDER).mul(beta).add(t).intoMemorySegment(c, off, ORDER);
                }
            }
        }
    }

    /**
     * Copies kc rows of NR contiguous elements, row p starting at element {@code src + p * rowStride}
     * of {@code seg}, into the packed panel {@code dst[dstOff + p * NR + j]}.
     */
    static void packRows(MemorySegment seg, long src, long rowStride, int kc, double[] dst, int dstOff) {
        long step = rowStride * 8;
        long off = src * 8;
        for (int p = 0; p < kc; p++, off += step) {
            int d = dstOff + p * NR;
            DoubleVector.fromMemorySegment(SPECIES, seg, off, ORDER).intoArray(dst, d);
            DoubleVector.fromMemorySegment(SPECIES, seg, off + L * 8, ORDER).intoArray(dst, d + L);
        }
    }
}
