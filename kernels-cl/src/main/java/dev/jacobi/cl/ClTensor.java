package dev.jacobi.cl;

import dev.jacobi.cl.ops.ClOps;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A tensor on an OpenCL device: a {@link ClBuffer} viewed with a dtype, shape, strides (in elements)
 * and offset, the same layout model as {@link Tensor}. Views ({@link #permute}, {@link #transpose},
 * {@link #expand}, ...) share the buffer; {@link #close()} closes the buffer, so it ends every view of it.
 *
 * <pre>{@code
 * try (ClTensor x = ClTensor.from(ctx, cpu); ClTensor y = ClOps.softmax(x, -1)) {
 *     Tensor back = y.toCpu();
 * }
 * }</pre>
 *
 * <p>Any dtype may be stored and copied; FLOAT64 and COMPLEX128 only on devices with cl_khr_fp64. The
 * device ops of {@link ClOps} compute in float32.
 */
public final class ClTensor implements AutoCloseable {
    private final ClBuffer buffer;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides;
    private final long offset;

    private ClTensor(ClBuffer buffer, DType dtype, int[] shape, long[] strides, long offset) {
        this.buffer = buffer;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /**
     * Copies {@code t} to the device of {@code context} (a contiguous copy whatever {@code t}'s layout).
     *
     * @throws IllegalArgumentException when the dtype needs cl_khr_fp64 and the device lacks it
     */
    public static ClTensor from(ClContext context, Tensor t) {
        checkDType("ClTensor.from", context.device(), t.dtype());
        Tensor c = t.contiguous();
        ClTensor out = empty(context, t.dtype(), t.shape());
        long bytes = c.numel() * c.dtype().byteSize();
        MemorySegment seg = c.storage().segment().asSlice(c.offset() * c.dtype().byteSize(), bytes);
        context.write(out.buffer, 0, seg);
        return out;
    }

    /** Copies {@code t} to the device of the {@link ClContext#shared() shared context}. */
    public static ClTensor from(Tensor t) {
        return from(ClContext.shared(), t);
    }

    /** A contiguous device tensor whose values are unspecified, for kernels that write every element. */
    public static ClTensor empty(ClContext context, DType dtype, int... shape) {
        Shapes.checkShape("ClTensor.empty", shape);
        checkDType("ClTensor.empty", context.device(), dtype);
        ClBuffer b = context.allocate(Shapes.numel(shape) * dtype.byteSize());
        return new ClTensor(b, dtype, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /**
     * A view of {@code buffer} (for kernels added by other modules).
     *
     * @throws IllegalArgumentException when some element would fall outside the buffer
     */
    public static ClTensor view(ClBuffer buffer, DType dtype, int[] shape, long[] strides, long offset) {
        Shapes.checkShape("ClTensor.view", shape);
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("ClTensor.view: shape " + Shapes.format(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
        if (Shapes.numel(shape) > 0) {
            long lo = offset;
            long hi = offset;
            for (int i = 0; i < shape.length; i++) {
                long span = (shape[i] - 1L) * strides[i];
                if (span < 0) {
                    lo += span;
                } else {
                    hi += span;
                }
            }
            long capacity = buffer.byteSize() / dtype.byteSize();
            if (lo < 0 || hi >= capacity) {
                throw new IllegalArgumentException("ClTensor.view: shape " + Shapes.format(shape) + ", strides "
                        + Arrays.toString(strides) + ", offset " + offset + " reach elements [" + lo + ", " + hi
                        + "] of a buffer of " + capacity);
            }
        }
        return new ClTensor(buffer, dtype, shape.clone(), strides.clone(), offset);
    }

    /** Copies the values back into a new contiguous CPU tensor (GC-owned, or owned by the open Scope). */
    public Tensor toCpu() {
        checkOpen("toCpu");
        if (!isContiguous() && dtype == DType.FLOAT32) {
            try (ClTensor c = ClOps.contiguous(this)) {
                return c.toCpu();
            }
        }
        if (!isContiguous()) { // other dtypes: bring back the span the view covers, gather on the CPU
            long lo = offset;
            long hi = offset;
            for (int i = 0; i < shape.length; i++) {
                long span = (shape[i] - 1L) * strides[i];
                lo += Math.min(0, span);
                hi += Math.max(0, span);
            }
            Tensor span = Tensor.uninitialized(dtype, (int) (hi - lo + 1));
            buffer.context().read(buffer, lo * dtype.byteSize(), span.storage().segment()
                    .asSlice(0, (hi - lo + 1) * dtype.byteSize()));
            return Tensor.view(span.storage(), shape, strides, offset - lo).contiguous();
        }
        Tensor out = Tensor.uninitialized(dtype, shape);
        long bytes = numel() * dtype.byteSize();
        buffer.context().read(buffer, offset * dtype.byteSize(), out.storage().segment().asSlice(0, bytes));
        return out;
    }

    /** The context of the device that holds the values. */
    public ClContext context() {
        return buffer.context();
    }

    /** The device buffer (shared with every view of it). */
    public ClBuffer buffer() {
        return buffer;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.axis("ClTensor.size", dim, shape.length)];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public long numel() {
        return Shapes.numel(shape);
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the buffer, in elements. */
    public long offset() {
        return offset;
    }

    /** True when the elements lie in row-major order with no gaps from {@link #offset()}. */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** True until the buffer is closed. */
    public boolean isOpen() {
        return buffer.isOpen();
    }

    /**
     * Checks that the buffer is still open.
     *
     * @throws ClosedBufferException naming {@code op} when it was closed
     */
    public void checkOpen(String op) {
        if (!buffer.isOpen()) {
            throw new ClosedBufferException(op + ": device tensor " + Shapes.format(shape) + " " + dtype
                    + " was used after its buffer was closed (by close() on it or a view, or by its ClScope)");
        }
    }

    /** This tensor when contiguous, else a contiguous copy on the device (see {@link ClOps#contiguous}). */
    public ClTensor contiguous() {
        return isContiguous() ? this : ClOps.contiguous(this);
    }

    /** A view with the dimensions reordered: dimension i of the result is dimension order[i]. */
    public ClTensor permute(int... order) {
        int[] normalized = Shapes.permutation("permute", order, shape);
        int[] s = new int[order.length];
        long[] st = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = shape[normalized[i]];
            st[i] = strides[normalized[i]];
        }
        return new ClTensor(buffer, dtype, s, st, offset);
    }

    /** A view with dimensions {@code a} and {@code b} swapped. */
    public ClTensor transpose(int a, int b) {
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        int x = Shapes.axis("transpose", a, shape.length);
        int y = Shapes.axis("transpose", b, shape.length);
        order[x] = y;
        order[y] = x;
        return permute(order);
    }

    /** A view with the last two dimensions swapped (the matrix transpose of every batch entry). */
    public ClTensor mT() {
        if (shape.length < 2) {
            throw new IllegalArgumentException("mT: needs at least 2 dimensions, shape is " + Shapes.format(shape));
        }
        return transpose(-2, -1);
    }

    /** A view broadcast to {@code newShape} (size-1 dimensions repeat with stride 0, as NumPy). */
    public ClTensor expand(int... newShape) {
        Shapes.Layout layout = Shapes.expanded(shape, strides, newShape);
        return new ClTensor(buffer, dtype, layout.shape(), layout.strides(), offset);
    }

    /** A view with a size-1 dimension inserted at {@code dim}. */
    public ClTensor unsqueeze(int dim) {
        int d = Shapes.axis("unsqueeze", dim, shape.length + 1);
        int[] s = new int[shape.length + 1];
        long[] st = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = 0;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return new ClTensor(buffer, dtype, s, st, offset);
    }

    /**
     * The same elements in a new shape (one size may be -1): a view of a contiguous tensor, else of a
     * contiguous copy, which the caller then owns (close the result in both cases only once).
     */
    public ClTensor reshape(int... newShape) {
        int[] target = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1 && infer < 0) {
                infer = i;
            } else {
                known *= target[i];
            }
        }
        if (infer >= 0 && known > 0) {
            target[infer] = (int) (numel() / known);
        }
        Shapes.checkShape("reshape", target);
        if (Shapes.numel(target) != numel()) {
            throw new IllegalArgumentException("reshape: shape " + Shapes.format(shape) + " (" + numel()
                    + " elements) cannot become " + Arrays.toString(newShape));
        }
        ClTensor c = contiguous();
        return new ClTensor(c.buffer, dtype, target, Shapes.contiguousStrides(target), c.offset);
    }

    /** Closes the buffer: this tensor and every view of the buffer become unusable. Idempotent. */
    @Override
    public void close() {
        buffer.close();
    }

    @Override
    public String toString() {
        return "ClTensor" + Shapes.format(shape) + " " + dtype + " on " + context().device().name();
    }

    private static void checkDType(String op, ClDevice device, DType dtype) {
        if ((dtype == DType.FLOAT64 || dtype == DType.COMPLEX128) && !device.supportsFp64()) {
            throw new IllegalArgumentException(op + ": dtype " + dtype + " needs cl_khr_fp64, which "
                    + device.name() + " does not support");
        }
    }
}
