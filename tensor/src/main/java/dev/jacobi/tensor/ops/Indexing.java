package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Gather, scatter-add and index-select with PyTorch's semantics ({@code torch.gather},
 * {@code torch.scatter_add}, {@code torch.index_select}) for tensors of every dtype.
 *
 * <p>Index tensors are INT32 or INT8, of any layout. Indices are not wrapped: a negative index, like one
 * at or past the size of the indexed dimension, raises {@link IndexOutOfBoundsException} naming the
 * operation, the value, its position in the index tensor and the size, before anything is computed.
 * A 0-dimensional tensor is treated as having one dimension of size 1 (so {@code dim} is 0 or -1).
 */
public final class Indexing {
    private Indexing() {
    }

    /**
     * {@code out[i][j][k] = t[index[i][j][k]][j][k]} for {@code dim} 0, {@code t[i][index[i][j][k]][k]} for
     * dim 1, and so on. {@code index} has the rank of {@code t} and {@code index.size(d) <= t.size(d)} for
     * every {@code d != dim}; the result has {@code index}'s shape and {@code t}'s dtype.
     *
     * @throws IllegalArgumentException  when the index dtype, ranks or sizes do not fit
     * @throws IndexOutOfBoundsException when an index is negative or not below {@code t.size(dim)}
     */
    public static Tensor gather(Tensor t, int dim, Tensor index) {
        Devices.requireCpu("gather", t, index);
        checkIndexType("gather", index);
        if (t.rank() != index.rank()) {
            throw new IllegalArgumentException("gather: index of shape " + Shapes.format(index.shape())
                    + " must have the rank of the input, shape " + Shapes.format(t.shape()));
        }
        if (t.rank() == 0) {
            return gather(t.reshape(1), dim, index.reshape(1)).reshape();
        }
        int ax = Shapes.axis("gather", dim, t.rank());
        for (int d = 0; d < t.rank(); d++) {
            if (d != ax && index.size(d) > t.size(d)) {
                throw new IllegalArgumentException("gather: index of shape " + Shapes.format(index.shape())
                        + " is larger than the input, shape " + Shapes.format(t.shape()) + ", in dimension " + d
                        + " (only dimension " + ax + " may be larger)");
            }
        }
        checkIndexRange("gather", index, t.size(ax), ax);
        return gatherChecked(t, ax, index);
    }

    /**
     * A copy of {@code t} to which each {@code src} element at the positions of {@code index} is added at
     * {@code index}'s value along {@code dim}: for dim 0, {@code out[index[i][j]][j] += src[i][j]}. The
     * three have one rank; {@code index.size(d) <= src.size(d)} for every d and {@code <= t.size(d)} for
     * {@code d != dim}; only the leading {@code index.shape()} block of {@code src} is read.
     *
     * <p>The result has {@code t}'s dtype. {@code src} may have another dtype when it converts to {@code t}'s
     * without changing kind or losing range ({@code DType.promote(t, src) == t}, e.g. int32 into float32);
     * it is cast first and each addition is rounded to {@code t}'s dtype (integers wrap, bool ors). Additions
     * run in the row-major order of {@code index} on one thread, so results are reproducible.
     *
     * @throws IllegalArgumentException  when dtypes, ranks or sizes do not fit
     * @throws IndexOutOfBoundsException when an index is negative or not below {@code t.size(dim)}
     */
    public static Tensor scatterAdd(Tensor t, int dim, Tensor index, Tensor src) {
        Devices.requireCpu("scatterAdd", t, index, src);
        checkIndexType("scatterAdd", index);
        if (t.rank() != index.rank() || src.rank() != index.rank()) {
            throw new IllegalArgumentException("scatterAdd: input " + Shapes.format(t.shape()) + ", index "
                    + Shapes.format(index.shape()) + " and src " + Shapes.format(src.shape()) + " must have one rank");
        }
        if (DType.promote(t.dtype(), src.dtype()) != t.dtype()) {
            throw new IllegalArgumentException("scatterAdd: src of dtype " + src.dtype() + " cannot be added into an input of dtype "
                    + t.dtype() + " without losing values; cast src with to(" + t.dtype() + ") to accept that");
        }
        if (t.rank() == 0) {
            return scatterAdd(t.reshape(1), dim, index.reshape(1), src.reshape(1)).reshape();
        }
        int ax = Shapes.axis("scatterAdd", dim, t.rank());
        for (int d = 0; d < t.rank(); d++) {
            if (index.size(d) > src.size(d) || (d != ax && index.size(d) > t.size(d))) {
                throw new IllegalArgumentException("scatterAdd: index of shape " + Shapes.format(index.shape())
                        + " is larger than src " + Shapes.format(src.shape()) + " or than the input "
                        + Shapes.format(t.shape()) + " in dimension " + d
                        + " (it may exceed the input only in dimension " + ax + ")");
            }
        }
        t.storage().checkAlive();
        src.storage().checkAlive();
        checkIndexRange("scatterAdd", index, t.size(ax), ax);
        Tensor values = src.to(t.dtype());
        Tensor out = t.copy();
        long[] outStrides = out.strides();
        long dimStride = outStrides[ax];
        outStrides[ax] = 0;
        Storage so = out.storage();
        Storage ss = values.storage();
        MemorySegment mi = index.storage().segment();
        boolean int8 = index.dtype() == DType.INT8;
        Loops.forEachRow(index.shape(), new long[][] {outStrides, index.strides(), values.strides()},
                new long[] {out.offset(), index.offset(), values.offset()}, false, (n, base, step) -> {
                    for (int i = 0; i < n; i++) {
                        long at = ElementMoves.readIndex(mi, int8, base[1] + i * step[1]);
                        ElementMoves.add(ss, base[2] + i * step[2], so, base[0] + i * step[0] + at * dimStride);
                    }
                });
        return out;
    }

    /**
     * The slices of {@code t} at the positions in the 1-D {@code index} along {@code dim}, in that order
     * (repeats allowed): the result has {@code t}'s shape with {@code dim} resized to {@code index.size(0)}.
     *
     * @throws IllegalArgumentException  when {@code index} is not a 1-D int tensor or {@code t} is 0-dimensional
     * @throws IndexOutOfBoundsException when an index is negative or not below {@code t.size(dim)}
     */
    public static Tensor indexSelect(Tensor t, int dim, Tensor index) {
        Devices.requireCpu("indexSelect", t, index);
        checkIndexType("indexSelect", index);
        if (index.rank() != 1) {
            throw new IllegalArgumentException("indexSelect: index must be 1-dimensional, shape is " + Shapes.format(index.shape()));
        }
        if (t.rank() == 0) {
            throw new IllegalArgumentException("indexSelect: the input is 0-dimensional; it has no dimension to select from");
        }
        int ax = Shapes.axis("indexSelect", dim, t.rank());
        checkIndexRange("indexSelect", index, t.size(ax), ax);
        // A gather whose index is the 1-D index broadcast (stride 0) over every other dimension.
        int[] outShape = t.shape();
        outShape[ax] = index.size(0);
        long[] strides = new long[outShape.length];
        strides[ax] = index.strides()[0];
        Tensor broadcastIndex = Tensor.view(index.storage(), outShape, strides, index.offset());
        return gatherChecked(t, ax, broadcastIndex);
    }

    /** The gather kernel, after the checks: copies elements bitwise, in parallel when large. */
    private static Tensor gatherChecked(Tensor t, int ax, Tensor index) {
        Tensor out = Tensor.empty(t.dtype(), index.shape());
        long[] srcStrides = t.strides();
        long dimStride = srcStrides[ax];
        srcStrides[ax] = 0;
        MemorySegment mo = out.storage().segment();
        MemorySegment ms = t.storage().segment();
        MemorySegment mi = index.storage().segment();
        boolean int8 = index.dtype() == DType.INT8;
        int bytes = t.dtype().byteSize();
        Loops.forEachRow(index.shape(), new long[][] {out.strides(), index.strides(), srcStrides},
                new long[] {out.offset(), index.offset(), t.offset()}, true, (n, base, step) -> {
                    for (int i = 0; i < n; i++) {
                        long at = ElementMoves.readIndex(mi, int8, base[1] + i * step[1]);
                        ElementMoves.copy(ms, base[2] + i * step[2] + at * dimStride, mo, base[0] + i * step[0], bytes);
                    }
                });
        return out;
    }

    private static void checkIndexType(String op, Tensor index) {
        if (index.dtype() != DType.INT32 && index.dtype() != DType.INT8) {
            throw new IllegalArgumentException(op + ": index must be int32 or int8, got " + index.dtype()
                    + " of shape " + Shapes.format(index.shape()));
        }
    }

    /** Checks every index lies in [0, size), reporting the first that does not by value and position. */
    private static void checkIndexRange(String op, Tensor index, int size, int ax) {
        MemorySegment mi = index.storage().segment();
        boolean int8 = index.dtype() == DType.INT8;
        int[] shape = index.shape();
        long[] position = {0}; // row-major position of the element being checked
        // Sequential rows arrive in row-major order, so a running count is the flat position.
        Loops.forEachRow(shape, new long[][] {index.strides()}, new long[] {index.offset()}, false, (n, base, step) -> {
            for (int i = 0; i < n; i++) {
                int v = ElementMoves.readIndex(mi, int8, base[0] + i * step[0]);
                if (v < 0 || v >= size) {
                    throw new IndexOutOfBoundsException(op + ": index " + v + " at position "
                            + Arrays.toString(unravel(position[0] + i, shape)) + " of the index tensor (shape "
                            + Shapes.format(shape) + ") is out of range for dimension " + ax + " of size " + size
                            + (v < 0 ? " (negative indices are not wrapped)" : ""));
                }
            }
            position[0] += n;
        });
    }

    private static int[] unravel(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }
}
