package dev.jacobi.algorithms.bitnet.kernels;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A ternary weight matrix [out, in] (one row per output feature, values in {-1, 0, +1}) packed for
 * inference. The scale γ of the quantized weights is not part of the packing: the caller keeps it
 * beside the packed matrix and applies it to the int32 products of {@link TernaryGemm#multiply}.
 *
 * <p>Two layouts (see each record for the exact bytes):
 * <ul>
 *   <li>{@link I2S}: bitnet.cpp's I2_S, 2 bits per weight, code {@code w + 1}, blocks of 128 weights
 *       in 32 bytes; decoded by shifts and masks.</li>
 *   <li>{@link TL1}: bitnet.cpp's TL1 pair encoding, 2 bits per weight, one 4-bit index
 *       {@code 3 w_a + w_b + 4} per pair of weights, read through a lookup table of the 9 possible
 *       pair sums per activation pair.</li>
 * </ul>
 * The packed bytes are an INT8 tensor ({@link #data()}), owned like any tensor (by the {@link
 * dev.jacobi.tensor.Scope} open when packing, else by the garbage collector).
 */
public sealed interface PackedTernary permits PackedTernary.I2S, PackedTernary.TL1 {
    /** Output features (rows of the weight matrix). */
    int rows();

    /** Input features (columns of the weight matrix). */
    int cols();

    /** The packed bytes as an INT8 tensor; its shape is given by each layout. */
    Tensor data();

    /** Bytes of packed weight data, padding included: what a product reads from memory. */
    default long bytes() {
        return data().numel();
    }

    /** The INT8 codes [rows, cols] in {-1, 0, +1}: the exact inverse of packing. */
    Tensor unpack();

    /**
     * Packs {@code codes} (INT8 [out, in], values in {-1, 0, 1}) into the {@link I2S} layout.
     *
     * @throws IllegalArgumentException when codes is not INT8 of rank 2, when in is not a multiple of
     *                                  {@value I2S#BLOCK}, or when a value is outside {-1, 0, 1}
     */
    static I2S i2s(Tensor codes) {
        byte[] c = checkedCodes("PackedTernary.i2s", codes, I2S.BLOCK);
        int rows = codes.shape()[0];
        int cols = codes.shape()[1];
        int rowBytes = cols / 4;
        byte[] packed = new byte[rows * rowBytes];
        for (int o = 0; o < rows; o++) {
            for (int b = 0; b < cols / I2S.BLOCK; b++) {
                int base = o * cols + b * I2S.BLOCK;
                for (int j = 0; j < 32; j++) {
                    packed[o * rowBytes + b * 32 + j] = (byte) ((c[base + j] + 1) << 6 | (c[base + j + 32] + 1) << 4
                            | (c[base + j + 64] + 1) << 2 | (c[base + j + 96] + 1));
                }
            }
        }
        return new I2S(rows, cols, Tensor.ofBytes(packed, rows, rowBytes));
    }

    /**
     * Packs {@code codes} (INT8 [out, in], values in {-1, 0, 1}) into the {@link TL1} layout.
     *
     * @throws IllegalArgumentException when codes is not INT8 of rank 2, when in is not a multiple of
     *                                  {@value TL1#BLOCK}, or when a value is outside {-1, 0, 1}
     */
    static TL1 tl1(Tensor codes) {
        byte[] c = checkedCodes("PackedTernary.tl1", codes, TL1.BLOCK);
        int rows = codes.shape()[0];
        int cols = codes.shape()[1];
        int groups = (rows + TL1.ROW_GROUP - 1) / TL1.ROW_GROUP;
        int quads = cols / 4;
        byte[] packed = new byte[groups * quads * TL1.ROW_GROUP];
        for (int g = 0; g < groups; g++) {
            for (int q = 0; q < quads; q++) {
                for (int r = 0; r < TL1.ROW_GROUP; r++) {
                    int o = g * TL1.ROW_GROUP + r;
                    int lo = TL1.ZERO_PAIR;
                    int hi = TL1.ZERO_PAIR;
                    if (o < rows) {
                        int i = o * cols + 4 * q;
                        lo = TL1.pairIndex(c[i], c[i + 1]);
                        hi = TL1.pairIndex(c[i + 2], c[i + 3]);
                    }
                    packed[(g * quads + q) * TL1.ROW_GROUP + r] = (byte) (lo | hi << 4);
                }
            }
        }
        return new TL1(rows, cols, Tensor.ofBytes(packed, groups, quads, TL1.ROW_GROUP));
    }

    /**
     * bitnet.cpp's I2_S layout (x86 blocks). Code {@code c = w + 1} (-1 -> 00, 0 -> 01, +1 -> 10); each
     * row is {@code in / 128} blocks of 32 bytes, rows one after another: {@code data} is INT8
     * {@code [rows, cols / 4]}. Byte {@code j} (0..31) of block {@code b} of row {@code o} holds
     * columns {@code i = 128 b + j, +32, +64, +96}:
     * {@code c[i] << 6 | c[i + 32] << 4 | c[i + 64] << 2 | c[i + 96]}. An all-zero block is 32 bytes
     * {@code 0x55}. bitnet.cpp appends a 32-byte tail with the fp32 scale; here the scale stays with
     * the caller.
     *
     * @param rows output features
     * @param cols input features, a multiple of {@link #BLOCK}
     * @param data INT8 [rows, cols / 4], contiguous
     */
    record I2S(int rows, int cols, Tensor data) implements PackedTernary {
        /** Weights per block: 128 weights in 32 bytes. */
        public static final int BLOCK = 128;

        /** Checks that data has the shape and dtype the layout needs. */
        public I2S {
            checkData("PackedTernary.I2S", rows, cols, BLOCK, data, new int[] {rows, cols / 4});
        }

        @Override
        public Tensor unpack() {
            MemorySegment seg = data.storage().segment();
            long base = data.offset();
            int rowBytes = cols / 4;
            byte[] out = new byte[rows * cols];
            for (int o = 0; o < rows; o++) {
                for (int i = 0; i < cols; i++) {
                    int b = i / BLOCK;
                    int within = i % BLOCK;
                    int field = within / 32; // 0 -> bits 7..6, 3 -> bits 1..0
                    int p = seg.get(ValueLayout.JAVA_BYTE, base + (long) o * rowBytes + b * 32 + within % 32) & 0xFF;
                    out[o * cols + i] = (byte) (((p >>> (6 - 2 * field)) & 3) - 1);
                }
            }
            return Tensor.ofBytes(out, rows, cols);
        }
    }

    /**
     * bitnet.cpp's TL1 pair encoding in a row-interleaved layout for lookups across 32 rows at once.
     * A pair of weights {@code (w_a, w_b)} (columns {@code 2p, 2p + 1}) is the 4-bit index
     * {@code 3 w_a + w_b + 4} in [0, 8] ((-1,-1) -> 0, (0,0) -> 4, (1,1) -> 8). Rows are grouped by
     * {@link #ROW_GROUP} (the last group padded with zero weights, index 4); {@code data} is INT8
     * {@code [groups, cols / 4, 32]} and byte {@code (g, q, r)} holds row {@code 32 g + r}, columns
     * {@code 4q..4q+3}: the index of pair (4q, 4q+1) in the low nibble, of (4q+2, 4q+3) in the high one.
     *
     * @param rows output features
     * @param cols input features, a multiple of {@link #BLOCK}
     * @param data INT8 [ceil(rows / 32), cols / 4, 32], contiguous
     */
    record TL1(int rows, int cols, Tensor data) implements PackedTernary {
        /** Weights per byte along a row: two pairs. */
        public static final int BLOCK = 4;
        /** Rows interleaved byte by byte, the lanes of one table lookup. */
        public static final int ROW_GROUP = 32;
        /** The index of the pair (0, 0). */
        static final int ZERO_PAIR = 4;

        /** Checks that data has the shape and dtype the layout needs. */
        public TL1 {
            checkData("PackedTernary.TL1", rows, cols, BLOCK, data,
                    new int[] {(rows + ROW_GROUP - 1) / ROW_GROUP, cols / 4, ROW_GROUP});
        }

        /** The index {@code 3 a + b + 4} of the weight pair (a, b). */
        static int pairIndex(int a, int b) {
            return 3 * a + b + 4;
        }

        @Override
        public Tensor unpack() {
            MemorySegment seg = data.storage().segment();
            long base = data.offset();
            int quads = cols / 4;
            byte[] out = new byte[rows * cols];
            for (int o = 0; o < rows; o++) {
                int g = o / ROW_GROUP;
                int r = o % ROW_GROUP;
                for (int q = 0; q < quads; q++) {
                    int p = seg.get(ValueLayout.JAVA_BYTE, base + ((long) g * quads + q) * ROW_GROUP + r) & 0xFF;
                    for (int half = 0; half < 2; half++) {
                        int idx = (p >>> (4 * half)) & 15;
                        out[o * cols + 4 * q + 2 * half] = (byte) (Math.floorDiv(idx, 3) - 1);
                        out[o * cols + 4 * q + 2 * half + 1] = (byte) (Math.floorMod(idx, 3) - 1);
                    }
                }
            }
            return Tensor.ofBytes(out, rows, cols);
        }
    }

    /** The codes as a row-major byte array after checking dtype, rank, block and values. */
    private static byte[] checkedCodes(String op, Tensor codes, int block) {
        if (codes.dtype() != DType.INT8 || codes.rank() != 2) {
            throw new IllegalArgumentException(op + ": codes must be an int8 matrix [out, in], got "
                    + codes.dtype() + " " + Shapes.format(codes.shape()));
        }
        int rows = codes.shape()[0];
        int cols = codes.shape()[1];
        if (cols % block != 0) {
            throw new IllegalArgumentException(op + ": in = " + cols + " (codes " + Shapes.format(codes.shape())
                    + ") is not a multiple of the block size " + block);
        }
        Tensor c = codes.contiguous();
        byte[] values = new byte[Math.multiplyExact(rows, cols)];
        MemorySegment.copy(c.storage().segment(), ValueLayout.JAVA_BYTE, c.offset(), values, 0, values.length);
        for (int k = 0; k < values.length; k++) {
            if (values[k] < -1 || values[k] > 1) {
                throw new IllegalArgumentException(op + ": code " + values[k] + " at [" + k / cols + ", " + k % cols
                        + "] of " + Shapes.format(codes.shape()) + " is not in {-1, 0, 1}");
            }
        }
        return values;
    }

    private static void checkData(String op, int rows, int cols, int block, Tensor data, int[] shape) {
        if (rows < 0 || cols < 0 || cols % block != 0) {
            throw new IllegalArgumentException(op + ": [" + rows + ", " + cols + "] needs rows >= 0 and cols a multiple of "
                    + block);
        }
        if (data.dtype() != DType.INT8 || !java.util.Arrays.equals(data.shape(), shape) || !data.isContiguous()) {
            throw new IllegalArgumentException(op + ": data for [" + rows + ", " + cols + "] must be contiguous int8 "
                    + Shapes.format(shape) + ", got " + data.dtype() + " " + Shapes.format(data.shape())
                    + (data.isContiguous() ? "" : " (not contiguous)"));
        }
    }
}
