package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Single-element moves shared by the indexing and window kernels: a bitwise copy that works for every
 * dtype (it moves {@link DType#byteSize()} bytes, so complex, bool and half types need no conversion),
 * and an accumulate ({@code dst += src}) in the destination's dtype. Indices are element indices.
 */
final class ElementMoves {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ElementMoves() {
    }

    /** Copies element {@code si} of {@code src} to element {@code di} of {@code dst}; both hold elements of {@code bytes} bytes. */
    static void copy(MemorySegment src, long si, MemorySegment dst, long di, int bytes) {
        // Unaligned layouts: a storage wrapped around a file mapping need not be aligned to the element size.
        switch (bytes) {
            case 1 -> dst.set(ValueLayout.JAVA_BYTE, di, src.get(ValueLayout.JAVA_BYTE, si));
            case 2 -> dst.setAtIndex(SHORT, di, src.getAtIndex(SHORT, si));
            case 4 -> dst.setAtIndex(INT, di, src.getAtIndex(INT, si));
            case 8 -> dst.setAtIndex(LONG, di, src.getAtIndex(LONG, si));
            case 16 -> {
                dst.setAtIndex(LONG, 2 * di, src.getAtIndex(LONG, 2 * si));
                dst.setAtIndex(LONG, 2 * di + 1, src.getAtIndex(LONG, 2 * si + 1));
            }
            default -> throw new IllegalStateException("no element copy for " + bytes + "-byte elements");
        }
    }

    /**
     * {@code dst[di] += src[si]} where both storages have the same dtype, rounded to that dtype after each
     * addition: float32 adds in float32, integers wrap, bool becomes the logical or, complex adds both parts.
     */
    static void add(Storage src, long si, Storage dst, long di) {
        // The sum of two float32 values computed in float64 and rounded once to float32 equals the float32 sum,
        // so the generic path is exact for float32 too; the branch only saves the conversions.
        DType dt = dst.dtype();
        if (dt == DType.FLOAT32) {
            dst.setFloat(di, dst.getFloat(di) + src.getFloat(si));
            return;
        }
        dst.setDouble(di, dst.getDouble(di) + src.getDouble(si));
        if (dt.isComplex()) {
            dst.setImag(di, dst.getImag(di) + src.getImag(si));
        }
    }

    /**
     * Reads the integer at element {@code i} of an INT32 or INT8 index storage.
     */
    static int readIndex(MemorySegment seg, boolean int8, long i) {
        return int8 ? seg.get(ValueLayout.JAVA_BYTE, i) : seg.getAtIndex(INT, i);
    }
}
