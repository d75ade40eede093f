package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.Tensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The SIMD kernels of {@link TernaryGemm} (jdk.incubator.vector); only loaded when SIMD is enabled.
 * All arithmetic is in 16-bit lanes (32 on AVX-512), widened to int before a lane could overflow:
 * Java's Vector API has no widening int8 dot product (x86's vpmaddubsw / vpdpbusd), and 8-bit lanes
 * cannot hold even one product (-1 x -128 = 128).
 *
 * <ul>
 *   <li>I2_S, one activation row: each 32-byte block is sign-extended to shorts once; its four 2-bit
 *       fields (shift, mask) give codes c = w + 1 in {0, 1, 2} that multiply the activations, and the
 *       activation sum is subtracted at the end: {@code sum (c - 1) x = sum c x - sum x}.</li>
 *   <li>I2_S, several rows: a tile of 4 weight rows is decoded once to shorts w in {-1, 0, 1} and
 *       reused by every activation row; a 4 x 4 register tile of 16-bit accumulators over the depth.</li>
 *   <li>TL1: per activation pair a table of the 9 sums {@code w_a x_a + w_b x_b}; 32 rows are looked
 *       up at once with a lane permutation ({@code selectFrom}, vpermw), one lookup per 2 weights.</li>
 * </ul>
 */
final class VectorTernaryKernels {
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    /** Bytes that widen to one vector of shorts. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int SL = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * Depth summed in 16-bit lanes before widening. One-row I2_S: a lane gains at most 4 x 256 per
     * 128-weight block, so 16 blocks (2048 weights) stay below 2^15. Tiled I2_S: a lane gains at most
     * 128 per step of SL weights, 2048 / SL <= 128 steps. TL1: at most 2 x 256 per 4 weights, 32 quads.
     */
    private static final int DEPTH = 2048;
    private static final int TL1_QUADS = 32;
    /** Rows of one tiled I2_S register tile, and activation rows. */
    private static final int MR = 4;
    private static final int NR = 4;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private VectorTernaryKernels() {
    }

    /** Whether the vector kernels support this machine's vector shape (the I2_S and TL1 groups are 32 wide). */
    static boolean supported() {
        return SL >= 8 && 32 % SL == 0;
    }

    /** As {@link ScalarTernaryKernels#multiply}. */
    static void multiply(PackedTernary w, Tensor x, Tensor y, int r0, int r1) {
        if (!supported()) {
            ScalarTernaryKernels.multiply(w, x, y, r0, r1);
            return;
        }
        int batch = x.shape()[0];
        int cols = w.cols();
        Buffers buf = BUFFERS.get();
        short[] xs = buf.activations(batch * cols);
        int[] sums = widen(x.storage().segment(), x.offset(), batch, cols, xs);
        MemorySegment ws = w.data().storage().segment();
        long wo = w.data().offset();
        MemorySegment ys = y.storage().segment();
        long yo = y.offset();
        int rows = w.rows();
        switch (w) {
            case PackedTernary.I2S p -> {
                if (batch == 1) {
                    gemvI2S(ws, wo, cols, xs, sums[0], ys, yo, r0, r1);
                } else {
                    gemmI2S(ws, wo, cols, rows, xs, batch, ys, yo, r0, r1, buf);
                }
            }
            case PackedTernary.TL1 p -> {
                short[] tables = buf.tables(cols / 2 * SL);
                for (int b = 0; b < batch; b++) {
                    pairTables(xs, b * cols, cols, tables);
                    lookupTL1(ws, wo, cols, rows, tables, ys, yo + (long) b * rows, r0, r1);
                }
            }
        }
        y.storage().bumpVersion();
    }

    /** Widens the INT8 activations [batch, cols] to shorts in {@code out}; returns each row's sum. */
    private static int[] widen(MemorySegment seg, long off, int batch, int cols, short[] out) {
        int[] sums = new int[batch];
        for (int b = 0; b < batch; b++) {
            long base = off + (long) b * cols;
            int i = 0;
            IntVector s = IntVector.zero(I);
            for (; i + SL <= cols; i += SL) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(B, seg, base + i, ORDER).convertShape(VectorOperators.B2S, S, 0);
                v.intoArray(out, b * cols + i);
                s = s.add(v.convertShape(VectorOperators.S2I, I, 0)).add(v.convertShape(VectorOperators.S2I, I, 1));
            }
            int sum = s.reduceLanes(VectorOperators.ADD);
            for (; i < cols; i++) {
                byte v = seg.get(ValueLayout.JAVA_BYTE, base + i);
                out[b * cols + i] = v;
                sum += v;
            }
            sums[b] = sum;
        }
        return sums;
    }

    /** One activation row against I2_S rows r0..r1: codes times activations, minus the activation sum. */
    private static void gemvI2S(MemorySegment ws, long wo, int cols, short[] x, int sumX, MemorySegment ys, long yo,
                                int r0, int r1) {
        int rowBytes = cols / 4;
        for (int o = r0; o < r1; o++) {
            long base = wo + (long) o * rowBytes;
            IntVector total = IntVector.zero(I);
            for (int k0 = 0; k0 < cols; k0 += DEPTH) {
                int k1 = Math.min(cols, k0 + DEPTH);
                ShortVector acc = ShortVector.zero(S);
                for (int blk = k0; blk < k1; blk += PackedTernary.I2S.BLOCK) {
                    long pb = base + blk / 4;
                    for (int j = 0; j < 32; j += SL) {
                        ShortVector p = (ShortVector) ByteVector.fromMemorySegment(B, ws, pb + j, ORDER)
                                .convertShape(VectorOperators.B2S, S, 0);
                        int i = blk + j;
                        acc = acc.add(p.lanewise(VectorOperators.LSHR, 6).and((short) 3).mul(ShortVector.fromArray(S, x, i)))
                                .add(p.lanewise(VectorOperators.LSHR, 4).and((short) 3).mul(ShortVector.fromArray(S, x, i + 32)))
                                .add(p.lanewise(VectorOperators.LSHR, 2).and((short) 3).mul(ShortVector.fromArray(S, x, i + 64)))
                                .add(p.and((short) 3).mul(ShortVector.fromArray(S, x, i + 96)));
                    }
                }
                total = total.add(acc.convertShape(VectorOperators.S2I, I, 0)).add(acc.convertShape(VectorOperators.S2I, I, 1));
            }
            ys.setAtIndex(ValueLayout.JAVA_INT, yo + o, total.reduceLanes(VectorOperators.ADD) - sumX);
        }
    }

    /** Decodes I2_S rows o..o+nr-1, columns k0..k0+kc-1, to shorts in {-1, 0, 1} at wbuf[r * DEPTH + i]. */
    private static void decodeI2S(MemorySegment ws, long wo, int cols, int o, int nr, int k0, int kc, short[] wbuf) {
        int rowBytes = cols / 4;
        for (int r = 0; r < nr; r++) {
            long base = wo + (long) (o + r) * rowBytes;
            for (int blk = 0; blk < kc; blk += PackedTernary.I2S.BLOCK) {
                long pb = base + (k0 + blk) / 4;
                int at = r * DEPTH + blk;
                for (int j = 0; j < 32; j += SL) {
                    ShortVector p = (ShortVector) ByteVector.fromMemorySegment(B, ws, pb + j, ORDER)
                            .convertShape(VectorOperators.B2S, S, 0);
                    p.lanewise(VectorOperators.LSHR, 6).and((short) 3).sub((short) 1).intoArray(wbuf, at + j);
                    p.lanewise(VectorOperators.LSHR, 4).and((short) 3).sub((short) 1).intoArray(wbuf, at + j + 32);
                    p.lanewise(VectorOperators.LSHR, 2).and((short) 3).sub((short) 1).intoArray(wbuf, at + j + 64);
                    p.and((short) 3).sub((short) 1).intoArray(wbuf, at + j + 96);
                }
            }
        }
    }

    /** Several activation rows against I2_S rows r0..r1, adding into y (zero on entry). */
    private static void gemmI2S(MemorySegment ws, long wo, int cols, int rows, short[] x, int batch, MemorySegment ys,
                                long yo, int r0, int r1, Buffers buf) {
        short[] wbuf = buf.weights(MR * DEPTH);
        for (int k0 = 0; k0 < cols; k0 += DEPTH) {
            int kc = Math.min(DEPTH, cols - k0);
            for (int o = r0; o < r1; o += MR) {
                int nr = Math.min(MR, r1 - o);
                decodeI2S(ws, wo, cols, o, nr, k0, kc, wbuf);
                int b = 0;
                if (nr == MR) {
                    for (; b + NR <= batch; b += NR) {
                        tile4x4(wbuf, x, b * cols + k0, cols, kc, ys, yo + (long) b * rows + o, rows);
                    }
                }
                for (; b < batch; b++) {
                    for (int r = 0; r < nr; r++) {
                        ShortVector acc = ShortVector.zero(S);
                        for (int i = 0; i < kc; i += SL) {
                            acc = acc.add(ShortVector.fromArray(S, wbuf, r * DEPTH + i).mul(ShortVector.fromArray(S, x, b * cols + k0 + i)));
                        }
                        addInto(ys, yo + (long) b * rows + o + r, acc);
                    }
                }
            }
        }
    }

    /**
     * The 4 x 4 register tile: rows wbuf[r * DEPTH ...] (r < 4) against activation rows
     * x[xo + c * cols ...] (c < 4) over kc, added into y[c * rows + r] from {@code yAt}.
     */
    private static void tile4x4(short[] w, short[] x, int xo, int cols, int kc, MemorySegment ys, long yAt, int rows) {
        ShortVector a00 = ShortVector.zero(S), a01 = a00, a02 = a00, a03 = a00;
        ShortVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        ShortVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        ShortVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int i = 0; i < kc; i += SL) {
            ShortVector w0 = ShortVector.fromArray(S, w, i);
            ShortVector w1 = ShortVector.fromArray(S, w, DEPTH + i);
            ShortVector w2 = ShortVector.fromArray(S, w, 2 * DEPTH + i);
            ShortVector w3 = ShortVector.fromArray(S, w, 3 * DEPTH + i);
            ShortVector x0 = ShortVector.fromArray(S, x, xo + i);
            a00 = a00.add(w0.mul(x0));
            a10 = a10.add(w1.mul(x0));
            a20 = a20.add(w2.mul(x0));
            a30 = a30.add(w3.mul(x0));
            ShortVector x1 = ShortVector.fromArray(S, x, xo + cols + i);
            a01 = a01.add(w0.mul(x1));
            a11 = a11.add(w1.mul(x1));
            a21 = a21.add(w2.mul(x1));
            a31 = a31.add(w3.mul(x1));
            ShortVector x2 = ShortVector.fromArray(S, x, xo + 2 * cols + i);
            a02 = a02.add(w0.mul(x2));
            a12 = a12.add(w1.mul(x2));
            a22 = a22.add(w2.mul(x2));
            a32 = a32.add(w3.mul(x2));
            ShortVector x3 = ShortVector.fromArray(S, x, xo + 3 * cols + i);
            a03 = a03.add(w0.mul(x3));
            a13 = a13.add(w1.mul(x3));
            a23 = a23.add(w2.mul(x3));
            a33 = a33.add(w3.mul(x3));
        }
        addInto(ys, yAt, a00);
        addInto(ys, yAt + 1, a10);
        addInto(ys, yAt + 2, a20);
        addInto(ys, yAt + 3, a30);
        addInto(ys, yAt + rows, a01);
        addInto(ys, yAt + rows + 1, a11);
        addInto(ys, yAt + rows + 2, a21);
        addInto(ys, yAt + rows + 3, a31);
        addInto(ys, yAt + 2L * rows, a02);
        addInto(ys, yAt + 2L * rows + 1, a12);
        addInto(ys, yAt + 2L * rows + 2, a22);
        addInto(ys, yAt + 2L * rows + 3, a32);
        addInto(ys, yAt + 3L * rows, a03);
        addInto(ys, yAt + 3L * rows + 1, a13);
        addInto(ys, yAt + 3L * rows + 2, a23);
        addInto(ys, yAt + 3L * rows + 3, a33);
    }

    /** y[at] += the sum of acc's lanes, widened to int first. */
    private static void addInto(MemorySegment ys, long at, ShortVector acc) {
        int s = ((IntVector) acc.convertShape(VectorOperators.S2I, I, 0)).add(acc.convertShape(VectorOperators.S2I, I, 1))
                .reduceLanes(VectorOperators.ADD);
        ys.setAtIndex(ValueLayout.JAVA_INT, at, ys.getAtIndex(ValueLayout.JAVA_INT, at) + s);
    }

    /** The TL1 tables of one activation row: tables[p * SL + n] = (n / 3 - 1) x[2p] + (n % 3 - 1) x[2p + 1]. */
    private static void pairTables(short[] x, int xo, int cols, short[] tables) {
        for (int p = 0; p < cols / 2; p++) {
            int xa = x[xo + 2 * p];
            int xb = x[xo + 2 * p + 1];
            int t = p * SL;
            for (int a = 0; a < 3; a++) {
                int base = (a - 1) * xa;
                tables[t + 3 * a] = (short) (base - xb);
                tables[t + 3 * a + 1] = (short) base;
                tables[t + 3 * a + 2] = (short) (base + xb);
            }
        }
    }

    /** One activation row's tables against TL1 rows r0..r1 (r0 a multiple of 32), into y[yo + o]. */
    private static void lookupTL1(MemorySegment ws, long wo, int cols, int rows, short[] tables, MemorySegment ys, long yo,
                                  int r0, int r1) {
        int quads = cols / 4;
        int group = PackedTernary.TL1.ROW_GROUP;
        for (int g = r0 / group; g * group < r1; g++) {
            long gb = wo + (long) g * quads * group;
            for (int j = 0; j < group; j += SL) {
                IntVector lo = IntVector.zero(I);
                IntVector hi = IntVector.zero(I);
                for (int q0 = 0; q0 < quads; q0 += TL1_QUADS) {
                    int q1 = Math.min(quads, q0 + TL1_QUADS);
                    ShortVector acc = ShortVector.zero(S);
                    for (int q = q0; q < q1; q++) {
                        ShortVector s = (ShortVector) ByteVector.fromMemorySegment(B, ws, gb + (long) q * group + j, ORDER)
                                .convertShape(VectorOperators.B2S, S, 0);
                        ShortVector t0 = ShortVector.fromArray(S, tables, 2 * q * SL);
                        ShortVector t1 = ShortVector.fromArray(S, tables, (2 * q + 1) * SL);
                        acc = acc.add(s.and((short) 15).selectFrom(t0))
                                .add(s.lanewise(VectorOperators.LSHR, 4).and((short) 15).selectFrom(t1));
                    }
                    lo = lo.add(acc.convertShape(VectorOperators.S2I, I, 0));
                    hi = hi.add(acc.convertShape(VectorOperators.S2I, I, 1));
                }
                int o = g * group + j;
                int half = SL / 2;
                if (o + SL <= rows) {
                    lo.intoMemorySegment(ys, (yo + o) * 4, ORDER);
                    hi.intoMemorySegment(ys, (yo + o + half) * 4, ORDER);
                } else {
                    for (int l = 0; l < SL && o + l < rows; l++) {
                        ys.setAtIndex(ValueLayout.JAVA_INT, yo + o + l, l < half ? lo.lane(l) : hi.lane(l - half));
                    }
                }
            }
        }
    }

    /** One thread's scratch arrays, kept between calls and grown when a call needs more. */
    private static final class Buffers {
        private short[] activations = new short[0];
        private short[] tables = new short[0];
        private short[] weights = new short[0];

        short[] activations(int n) {
            if (activations.length < n) {
                activations = new short[n];
            }
            return activations;
        }

        short[] tables(int n) {
            if (tables.length < n) {
                tables = new short[n];
            }
            return tables;
        }

        short[] weights(int n) {
            if (weights.length < n) {
                weights = new short[n];
            }
            return weights;
        }
    }
}
