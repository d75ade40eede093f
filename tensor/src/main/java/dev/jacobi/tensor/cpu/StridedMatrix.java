package dev.jacobi.tensor.cpu;

import java.lang.foreign.MemorySegment;

/**
 * A rows x cols matrix inside a memory segment: element (i, j) is element number
 * {@code offset + i * rowStride + j * colStride} of the segment, counted in elements of the
 * precision of the kernel that reads it (4 bytes for {@link Sgemm}, 8 for {@link Dgemm}).
 *
 * <p>Strides may be any value, so transposed, sliced and broadcast views need no copy:
 * {@link #transpose()} only swaps the numbers. Creating one checks nothing; the GEMM kernels check
 * that every element lies inside the segment before they read or write.
 *
 * @param segment   the memory
 * @param offset    element index of (0, 0)
 * @param rows      number of rows, at least 0
 * @param cols      number of columns, at least 0
 * @param rowStride elements between (i, j) and (i + 1, j)
 * @param colStride elements between (i, j) and (i, j + 1)
 */
public record StridedMatrix(MemorySegment segment, long offset, int rows, int cols, long rowStride, long colStride) {
    public StridedMatrix {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("StridedMatrix: negative size " + rows + " x " + cols);
        }
    }

    /** A dense row-major matrix: row stride {@code cols}, column stride 1. */
    public static StridedMatrix rowMajor(MemorySegment segment, long offset, int rows, int cols) {
        return new StridedMatrix(segment, offset, rows, cols, cols, 1);
    }

    /** A dense column-major matrix: row stride 1, column stride {@code rows}. */
    public static StridedMatrix columnMajor(MemorySegment segment, long offset, int rows, int cols) {
        return new StridedMatrix(segment, offset, rows, cols, 1, rows);
    }

    /** The transposed view (cols x rows) of the same memory. */
    public StridedMatrix transpose() {
        return new StridedMatrix(segment, offset, cols, rows, colStride, rowStride);
    }

    /** The view of rows [r0, r0 + count). */
    StridedMatrix rowRange(int r0, int count) {
        return new StridedMatrix(segment, offset + r0 * rowStride, count, cols, rowStride, colStride);
    }

    /** The view of columns [c0, c0 + count). */
    StridedMatrix colRange(int c0, int count) {
        return new StridedMatrix(segment, offset + c0 * colStride, rows, count, rowStride, colStride);
    }

    /** Element index of (i, j). */
    long index(int i, int j) {
        return offset + i * rowStride + j * colStride;
    }

    /** Shape as {@code [rows, cols]}, for messages. */
    String shape() {
        return "[" + rows + ", " + cols + "]";
    }

    /**
     * Checks that every element lies inside the segment for elements of {@code elementBytes} bytes.
     *
     * @throws IndexOutOfBoundsException naming {@code op} and {@code name} otherwise
     */
    void checkInside(String op, String name, int elementBytes) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long lo = offset;
        long hi = offset;
        long spanRows = (rows - 1L) * rowStride;
        long spanCols = (cols - 1L) * colStride;
        lo += Math.min(spanRows, 0) + Math.min(spanCols, 0);
        hi += Math.max(spanRows, 0) + Math.max(spanCols, 0);
        long capacity = segment.byteSize() / elementBytes;
        if (lo < 0 || hi >= capacity) {
            throw new IndexOutOfBoundsException(op + ": " + name + " " + shape() + " with offset " + offset
                    + " and strides (" + rowStride + ", " + colStride + ") reaches elements [" + lo + ", " + hi
                    + "] of a segment holding " + capacity);
        }
    }
}
