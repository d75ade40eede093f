package dev.jacobi.tensor;

import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradState;
import dev.jacobi.tensor.autograd.Node;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.Elementwise;
import dev.jacobi.tensor.ops.Indexing;
import dev.jacobi.tensor.ops.Joining;
import dev.jacobi.tensor.ops.Matmul;
import dev.jacobi.tensor.ops.Normalization;
import dev.jacobi.tensor.ops.Reductions;
import dev.jacobi.tensor.ops.UnaryOp;
import dev.jacobi.tensor.ops.Windows;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional, strided view of a {@link Storage}: the one array type of Jacobi.
 *
 * <p>A tensor has a {@link DType}, a shape and strides (in elements). View operations
 * ({@link #reshape}, {@link #permute}, {@link #transpose}, {@link #slice}, {@link #select},
 * {@link #expand}, {@link #squeeze}, {@link #unsqueeze}, {@link #flip}) share the storage and copy
 * nothing; {@link #contiguous()} copies only when the layout needs it. Every other operation
 * returns a new tensor and leaves its inputs unchanged.
 *
 * <p>Binary operations broadcast as NumPy does and promote types as {@link DType#promote} says.
 * Bad arguments raise {@link IllegalArgumentException} naming the operation and the shapes, dtypes,
 * axes or indices involved, before anything is computed.
 *
 * <p>Memory is off-heap: see {@link Scope} for who frees it.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final long[] strides;
    private final long offset;
    private final GradState gradState = new GradState();

    private Tensor(Storage storage, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** A float32 tensor holding a copy of {@code values} in row-major order. */
    public static Tensor of(float[] values, int... shape) {
        Tensor t = empty(DType.FLOAT32, checkCount("Tensor.of", values.length, shape));
        java.lang.foreign.MemorySegment.copy(values, 0, t.storage.segment(), Storage.F32, 0, values.length);
        return t;
    }

    /** A float64 tensor holding a copy of {@code values} in row-major order. */
    public static Tensor of(double[] values, int... shape) {
        Tensor t = empty(DType.FLOAT64, checkCount("Tensor.of", values.length, shape));
        java.lang.foreign.MemorySegment.copy(values, 0, t.storage.segment(), Storage.F64, 0, values.length);
        return t;
    }

    /** An int32 tensor holding a copy of {@code values} in row-major order. */
    public static Tensor ofInts(int[] values, int... shape) {
        Tensor t = empty(DType.INT32, checkCount("Tensor.ofInts", values.length, shape));
        java.lang.foreign.MemorySegment.copy(values, 0, t.storage.segment(), Storage.I32, 0, values.length);
        return t;
    }

    /** An int8 tensor holding a copy of {@code values} in row-major order. */
    public static Tensor ofBytes(byte[] values, int... shape) {
        Tensor t = empty(DType.INT8, checkCount("Tensor.ofBytes", values.length, shape));
        java.lang.foreign.MemorySegment.copy(values, 0, t.storage.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, values.length);
        return t;
    }

    /** A bool tensor holding a copy of {@code values} in row-major order. */
    public static Tensor ofBooleans(boolean[] values, int... shape) {
        Tensor t = empty(DType.BOOL, checkCount("Tensor.ofBooleans", values.length, shape));
        for (int i = 0; i < values.length; i++) {
            t.storage.setDouble(i, values[i] ? 1 : 0);
        }
        return t;
    }

    /**
     * A complex tensor from its real and imaginary parts (float32 parts give COMPLEX64, float64 parts
     * COMPLEX128); the parts broadcast against each other.
     */
    public static Tensor complex(Tensor real, Tensor imag) {
        return Autograd.op("complex", () -> Elementwise.complex(real, imag),
                (g, y, n) -> new Tensor[] {g.real(), g.imag()},
                (t, y) -> complex(t[0] != null ? t[0] : zeros(real.dtype()), t[1] != null ? t[1] : zeros(imag.dtype())),
                real, imag);
    }

    /** A complex128 tensor from row-major arrays of real and imaginary parts. */
    public static Tensor complex(double[] real, double[] imag, int... shape) {
        if (real.length != imag.length) {
            throw new IllegalArgumentException("Tensor.complex: " + real.length + " real parts but "
                    + imag.length + " imaginary parts");
        }
        Tensor t = empty(DType.COMPLEX128, checkCount("Tensor.complex", real.length, shape));
        for (int i = 0; i < real.length; i++) {
            t.storage.setDouble(i, real[i]);
            t.storage.setImag(i, imag[i]);
        }
        return t;
    }

    /** A 0-dimensional float64 tensor. */
    public static Tensor scalar(double value) {
        return full(DType.FLOAT64, value);
    }

    /** A 0-dimensional tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, value);
    }

    /** A contiguous tensor of zeros (its memory is zeroed at allocation). */
    public static Tensor zeros(DType dtype, int... shape) {
        return empty(dtype, Shapes.checkShape("Tensor.zeros", shape));
    }

    /** A contiguous tensor of ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(dtype, 1.0, shape);
    }

    /** A contiguous tensor with every element equal to {@code value} (cast to {@code dtype}). */
    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = empty(dtype, Shapes.checkShape("Tensor.full", shape));
        t.fill(value);
        return t;
    }

    /** A zero tensor with the dtype and shape of {@code like}. */
    public static Tensor zerosLike(Tensor like) {
        return zeros(like.dtype(), like.shape);
    }

    /** {@code [start, start + step, ...]} below {@code end}, as float64 (or int32 when all are integers). */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || Double.isNaN(step) || Double.isNaN(start) || Double.isNaN(end)) {
            throw new IllegalArgumentException("Tensor.arange: step must be a non-zero number, got start="
                    + start + ", end=" + end + ", step=" + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Tensor.arange: " + n + " elements are too many");
        }
        boolean integral = start == Math.rint(start) && step == Math.rint(step)
                && Math.abs(start) < 1 << 30 && Math.abs(end) < 1 << 30;
        Tensor t = empty(integral ? DType.INT32 : DType.FLOAT64, new int[] {(int) n});
        for (int i = 0; i < n; i++) {
            t.storage.setDouble(i, start + i * step);
        }
        return t;
    }

    /** {@code [0, 1, ..., n-1]} as int32. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** {@code count} evenly spaced float64 values from {@code start} to {@code end}, both included. */
    public static Tensor linspace(double start, double end, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("Tensor.linspace: negative count " + count);
        }
        Tensor t = empty(DType.FLOAT64, new int[] {count});
        for (int i = 0; i < count; i++) {
            t.storage.setDouble(i, count == 1 ? start : start + (end - start) * i / (count - 1));
        }
        return t;
    }

    /** The n x n identity matrix. */
    public static Tensor eye(DType dtype, int n) {
        Tensor t = zeros(dtype, n, n);
        for (int i = 0; i < n; i++) {
            t.storage.setDouble((long) i * n + i, 1);
        }
        return t;
    }

    /** Uniform random values in [0, 1) of the given floating dtype; see {@link Generator} for the stream. */
    public static Tensor rand(Generator gen, DType dtype, int... shape) {
        return gen.uniform(dtype, 0, 1, shape);
    }

    /** Standard normal random values of the given floating dtype; see {@link Generator} for the stream. */
    public static Tensor randn(Generator gen, DType dtype, int... shape) {
        return gen.normal(dtype, 0, 1, shape);
    }

    /** Float32 standard normal random values. */
    public static Tensor randn(Generator gen, int... shape) {
        return randn(gen, DType.FLOAT32, shape);
    }

    /** Float32 uniform random values in [0, 1). */
    public static Tensor rand(Generator gen, int... shape) {
        return rand(gen, DType.FLOAT32, shape);
    }

    /** Bool tensor whose element i is true with probability {@code p[i]}. */
    public static Tensor bernoulli(Generator gen, Tensor p) {
        return gen.bernoulli(p);
    }

    /** A contiguous tensor of zeros; the same as {@link #zeros}. */
    public static Tensor empty(DType dtype, int... shape) {
        Shapes.checkShape("Tensor.empty", shape);
        Storage s = Storage.allocate(dtype, Shapes.numel(shape));
        return new Tensor(s, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /**
     * A contiguous tensor whose values are unspecified (they may be an earlier tensor's), for kernels
     * that write every element before anyone reads it. Saves a pass over memory on large outputs.
     */
    public static Tensor uninitialized(DType dtype, int... shape) {
        Shapes.checkShape("Tensor.uninitialized", shape);
        Storage s = Storage.allocateUninitialized(dtype, Shapes.numel(shape));
        return new Tensor(s, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /**
     * A view of {@code storage} with explicit shape, strides (in elements, may be 0 or negative) and offset.
     *
     * @throws IllegalArgumentException when some element would fall outside the storage
     */
    public static Tensor view(Storage storage, int[] shape, long[] strides, long offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("Tensor.view: shape " + Shapes.format(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
        Shapes.checkShape("Tensor.view", shape);
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
            if (lo < 0 || hi >= storage.size()) {
                throw new IllegalArgumentException("Tensor.view: shape " + Shapes.format(shape) + ", strides "
                        + Arrays.toString(strides) + ", offset " + offset + " reach elements [" + lo + ", " + hi
                        + "] of a storage of " + storage.size());
            }
        }
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    private static int[] checkCount(String op, int count, int[] shape) {
        Shapes.checkShape(op, shape);
        if (Shapes.numel(shape) != count) {
            throw new IllegalArgumentException(op + ": " + count + " values do not fill shape "
                    + Shapes.format(shape) + " (" + Shapes.numel(shape) + " elements)");
        }
        return shape;
    }

    // ---------------------------------------------------------------- layout

    /** The element type. */
    public DType dtype() {
        return storage.dtype();
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        return shape[Shapes.axis("Tensor.size", dim, shape.length)];
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

    /** Offset of the first element in the storage, in elements. */
    public long offset() {
        return offset;
    }

    /** The storage this tensor views (shared with other views). */
    public Storage storage() {
        return storage;
    }

    /** True when the elements lie in row-major order with no gaps, starting at {@link #offset()}. */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** True while the memory is not freed (see {@link Scope}). */
    public boolean isAlive() {
        return storage.isAlive();
    }

    // ---------------------------------------------------------------- element access

    /** Storage index of the element at {@code index} (bounds checked). */
    private long elementOffset(String op, int[] index) {
        storage.checkAlive();
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape "
                    + Shapes.format(shape));
        }
        long off = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[i] + " is out of range for dimension "
                        + i + " of shape " + Shapes.format(shape));
            }
            off += ix * strides[i];
        }
        return off;
    }

    /** The element at {@code index} as a double (the real part for complex tensors). */
    public double getDouble(int... index) {
        return storage.getDouble(elementOffset("Tensor.getDouble", index));
    }

    /** The imaginary part of the element at {@code index}; zero for real tensors. */
    public double getImag(int... index) {
        return storage.getImag(elementOffset("Tensor.getImag", index));
    }

    /** Writes one element in place (cast to the dtype). */
    public void set(double value, int... index) {
        long off = elementOffset("Tensor.set", index);
        beforeInPlaceChange("Tensor.set");
        storage.setDouble(off, value);
    }

    /** Writes one complex element in place. */
    public void setComplex(double real, double imag, int... index) {
        long off = elementOffset("Tensor.setComplex", index);
        beforeInPlaceChange("Tensor.setComplex");
        storage.setDouble(off, real);
        storage.setImag(off, imag);
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("Tensor.item: needs exactly one element, shape is " + Shapes.format(shape));
        }
        return storage.getDouble(elementOffset("Tensor.item", new int[shape.length]));
    }

    /** The elements in row-major order as floats (complex tensors: real and imaginary parts interleaved). */
    public float[] toFloatArray() {
        if (dtype() == DType.FLOAT32) {
            // One bulk copy, not a detour through a double[] twice the size.
            Tensor c = contiguous();
            int n = Math.toIntExact(c.numel());
            return n == 0 ? new float[0] : c.storage.segment().asSlice(c.offset * 4, n * 4L).toArray(Storage.F32);
        }
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The elements in row-major order as doubles (complex tensors: real and imaginary parts interleaved). */
    public double[] toDoubleArray() {
        Tensor c = contiguous();
        int n = Math.toIntExact(c.numel());
        if (n == 0) {
            return new double[0]; // an empty view may point past the end of its storage
        }
        java.lang.foreign.MemorySegment seg = c.storage.segment();
        return switch (dtype()) {
            case FLOAT64 -> seg.asSlice(c.offset * 8, n * 8L).toArray(Storage.F64);
            case COMPLEX128 -> seg.asSlice(c.offset * 16, n * 16L).toArray(Storage.F64);
            case COMPLEX64 -> {
                float[] f = seg.asSlice(c.offset * 8, n * 8L).toArray(Storage.F32);
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield d;
            }
            default -> {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = c.storage.getDouble(c.offset + i);
                }
                yield d;
            }
        };
    }

    /** The elements in row-major order as ints (floating values truncate toward zero). */
    public int[] toIntArray() {
        double[] d = toDoubleArray();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = (int) d[i];
        }
        return r;
    }

    /** Sets every element to {@code value} in place. */
    public Tensor fill(double value) {
        beforeInPlaceChange("fill");
        Elementwise.fill(this, value);
        return this;
    }

    /**
     * Copies {@code src} into this tensor in place, broadcasting and casting it.
     *
     * @throws IllegalArgumentException when {@code src} does not broadcast to this shape
     */
    public Tensor copyFrom(Tensor src) {
        beforeInPlaceChange("copyFrom");
        Elementwise.copyInto(src, this);
        return this;
    }

    /** this += other in place (other broadcasts to this shape); for updates such as optimizer steps. */
    public Tensor addInPlace(Tensor other) {
        Tensor sum;
        try (var g = Autograd.noGrad()) {
            sum = Elementwise.binary(BinaryOp.ADD, this, other);
        }
        return copyFrom(sum);
    }

    /** this *= value in place. */
    public Tensor mulInPlace(double value) {
        Tensor product;
        try (var g = Autograd.noGrad()) {
            product = Elementwise.binary(BinaryOp.MUL, this, scalarLike(value));
        }
        return copyFrom(product);
    }

    /**
     * Called before every in-place write: refuses to change a leaf that requires grad while recording
     * (its gradient would be wrong), and advances the storage's version so that backward can detect
     * that a tensor it saved has changed.
     */
    private void beforeInPlaceChange(String op) {
        if (gradState.requiresGrad() && Autograd.isGradEnabled()) {
            throw new IllegalStateException(op + ": in-place change of a tensor that requires grad (shape "
                    + Shapes.format(shape) + "); do it inside Autograd.noGrad(), or change a detach()ed copy");
        }
        storage.bumpVersion();
    }

    /** A contiguous copy with its own storage. */
    public Tensor copy() {
        return Autograd.op("copy", () -> {
            Tensor out = Devices.uninitialized(device(), dtype(), shape);
            Elementwise.copyInto(this, out);
            return out;
        }, (g, y, n) -> new Tensor[] {g}, (t, y) -> t[0], this);
    }

    /** This tensor when it is contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        storage.checkAlive();
        return isContiguous() ? this : copy();
    }

    /** The values cast to {@code dtype} (this tensor itself when the dtype already matches). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        return Autograd.op("to", () -> {
            Tensor out = Devices.uninitialized(device(), dtype, shape);
            Elementwise.copyInto(this, out);
            return out;
        }, (g, y, n) -> new Tensor[] {g}, (t, y) -> t[0].to(dtype), this);
    }

    // ---------------------------------------------------------------- views

    /**
     * The same elements in a new shape; one size may be -1 (inferred). A view when the strides allow,
     * else a copy (as {@code torch.reshape}).
     */
    public Tensor reshape(int... newShape) {
        int[] target = inferShape("reshape", newShape);
        return Autograd.op("reshape", () -> {
            Tensor v = tryView(target);
            return v != null ? v : contiguous().tryView(target);
        }, (g, y, n) -> new Tensor[] {g.reshape(shape)}, (t, y) -> t[0].reshape(target), this);
    }

    /**
     * A view in a new shape, never a copy (as {@code torch.view}).
     *
     * @throws IllegalArgumentException when the strides do not allow a view; call {@link #reshape}
     */
    public Tensor view(int... newShape) {
        int[] target = inferShape("view", newShape);
        Tensor v = tryView(target);
        if (v == null) {
            throw new IllegalArgumentException("view: shape " + Shapes.format(shape) + " with strides "
                    + Arrays.toString(strides) + " cannot be viewed as " + Shapes.format(target)
                    + " without a copy; use reshape");
        }
        return Autograd.op("view", () -> tryView(target),
                (g, y, n) -> new Tensor[] {g.reshape(shape)}, (t, y) -> t[0].reshape(target), this);
    }

    private int[] inferShape(String op, int[] newShape) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one size may be -1 in " + Shapes.format(newShape));
                }
                infer = i;
            } else if (newShape[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shapes.format(newShape));
            } else {
                known *= newShape[i];
            }
        }
        int[] target = newShape.clone();
        long n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer the -1 in " + Shapes.format(newShape)
                        + " for a tensor of shape " + Shapes.format(shape));
            }
            target[infer] = (int) (n / known);
        }
        if (Shapes.numel(target) != n) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.format(shape) + " (" + n
                    + " elements) cannot become " + Shapes.format(newShape) + " (" + Shapes.numel(target) + " elements)");
        }
        return target;
    }

    /** The view in {@code target} shape when strides allow it (the algorithm of numpy's _attempt_nocopy_reshape), else null. */
    private Tensor tryView(int[] target) {
        storage.checkAlive();
        if (numel() == 0 || isContiguous()) {
            return new Tensor(storage, target, Shapes.contiguousStrides(target), offset);
        }
        // Drop size-1 dims, then match groups of old dims (which must be mutually contiguous) to groups of new dims.
        int[] oldShape = Arrays.stream(shape).filter(d -> d != 1).toArray();
        long[] oldStrides = new long[oldShape.length];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                oldStrides[j++] = strides[i];
            }
        }
        long[] newStrides = new long[target.length];
        int oi = 0;
        int ni = 0;
        while (oi < oldShape.length && ni < target.length) {
            if (target[ni] == 1) {
                newStrides[ni] = 0;
                ni++;
                continue;
            }
            long np = target[ni];
            long op = oldShape[oi];
            int oj = oi + 1;
            int nj = ni + 1;
            while (np != op) {
                if (np < op) {
                    np *= target[nj++];
                } else {
                    op *= oldShape[oj++];
                }
            }
            for (int k = oi; k < oj - 1; k++) {
                if (oldStrides[k] != oldStrides[k + 1] * oldShape[k + 1]) {
                    return null;
                }
            }
            newStrides[nj - 1] = oldStrides[oj - 1];
            for (int k = nj - 1; k > ni; k--) {
                newStrides[k - 1] = newStrides[k] * target[k];
            }
            oi = oj;
            ni = nj;
        }
        for (; ni < target.length; ni++) {
            newStrides[ni] = 1;
        }
        return new Tensor(storage, target, newStrides, offset);
    }

    /** A view with the dimensions reordered: result dimension i is dimension {@code order[i]} of this. */
    public Tensor permute(int... order) {
        int[] normalized = Shapes.permutation("permute", order, shape);
        int[] s = new int[order.length];
        long[] st = new long[order.length];
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            s[i] = shape[normalized[i]];
            st[i] = strides[normalized[i]];
            inverse[normalized[i]] = i;
        }
        return Autograd.op("permute", () -> new Tensor(storage, s, st, offset),
                (g, y, n) -> new Tensor[] {g.permute(inverse)}, (t, y) -> t[0].permute(normalized), this);
    }

    /** A view with dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int x = Shapes.axis("transpose", a, shape.length);
        int y = Shapes.axis("transpose", b, shape.length);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[x] = y;
        order[y] = x;
        return permute(order);
    }

    /** The matrix transpose of a 2-D tensor (swaps the last two dimensions of a batch). */
    public Tensor mT() {
        if (shape.length < 2) {
            throw new IllegalArgumentException("mT: needs at least 2 dimensions, shape is " + Shapes.format(shape));
        }
        return transpose(-2, -1);
    }

    /**
     * A view of elements {@code start, start+step, ...} below {@code end} along {@code dim}. Start and end
     * may be negative (counted from the end) and are clamped to the size, as Python slicing does.
     */
    public Tensor slice(int dim, int start, int end, int step) {
        int ax = Shapes.axis("slice", dim, shape.length);
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step + " (use flip to reverse)");
        }
        int n = shape[ax];
        int s = Math.clamp(start < 0 ? (long) start + n : start, 0, n);
        int e = Math.clamp(end < 0 ? (long) end + n : end, 0, n);
        int len = e <= s ? 0 : (e - s + step - 1) / step;
        int[] ns = shape.clone();
        long[] nst = strides.clone();
        ns[ax] = len;
        nst[ax] = strides[ax] * step;
        return Autograd.op("slice", () -> new Tensor(storage, ns, nst, len == 0 ? offset : offset + s * strides[ax]),
                (g, y, needed) -> new Tensor[] {embed(g, shape, z -> z.slice(ax, s, e, step))},
                (t, y) -> t[0].slice(ax, s, e, step), this);
    }

    /** {@link #slice(int, int, int, int)} with step 1. */
    public Tensor slice(int dim, int start, int end) {
        return slice(dim, start, end, 1);
    }

    /** A view of index {@code index} along {@code dim}, with that dimension removed. */
    public Tensor select(int dim, int index) {
        int ax = Shapes.axis("select", dim, shape.length);
        int ix = index < 0 ? index + shape[ax] : index;
        if (ix < 0 || ix >= shape[ax]) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + dim
                    + " of shape " + Shapes.format(shape));
        }
        return Autograd.op("select", () -> new Tensor(storage, remove(shape, ax), remove(strides, ax), offset + ix * strides[ax]),
                (g, y, n) -> new Tensor[] {embed(g, shape, z -> z.select(ax, ix))}, (t, y) -> t[0].select(ax, ix), this);
    }

    /**
     * A view broadcast to {@code newShape} (size-1 dimensions repeat with stride 0; -1 keeps a size).
     *
     * @throws IllegalArgumentException when this shape does not broadcast to {@code newShape}
     */
    public Tensor expand(int... newShape) {
        Shapes.Layout layout = Shapes.expanded(shape, strides, newShape);
        int[] s = layout.shape();
        long[] st = layout.strides();
        // The gradient keeps the expanded shape: autograd sums it back over the broadcast dimensions.
        return Autograd.op("expand", () -> new Tensor(storage, s, st, offset),
                (g, y, n) -> new Tensor[] {g}, (t, y) -> t[0].expand(s), this);
    }

    /** A view without every size-1 dimension. */
    public Tensor squeeze() {
        int keep = 0;
        for (int d : shape) {
            keep += d == 1 ? 0 : 1;
        }
        int[] s = new int[keep];
        long[] st = new long[keep];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return Autograd.op("squeeze", () -> new Tensor(storage, s, st, offset),
                (g, y, n) -> new Tensor[] {g.reshape(shape)}, (t, y) -> t[0].reshape(s), this);
    }

    /** A view without dimension {@code dim}, which must have size 1. */
    public Tensor squeeze(int dim) {
        int ax = Shapes.axis("squeeze", dim, shape.length);
        if (shape[ax] != 1) {
            throw new IllegalArgumentException("squeeze: dimension " + dim + " of shape " + Shapes.format(shape)
                    + " has size " + shape[ax] + ", not 1");
        }
        int[] s = remove(shape, ax);
        return Autograd.op("squeeze", () -> new Tensor(storage, s, remove(strides, ax), offset),
                (g, y, n) -> new Tensor[] {g.reshape(shape)}, (t, y) -> t[0].reshape(s), this);
    }

    /** A view with a new size-1 dimension at position {@code dim} (in the result's numbering). */
    public Tensor unsqueeze(int dim) {
        int ax = Shapes.axis("unsqueeze", dim, shape.length + 1);
        int[] s = new int[shape.length + 1];
        long[] st = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == ax) {
                s[i] = 1;
                st[i] = ax < shape.length ? strides[ax] * shape[ax] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        return Autograd.op("unsqueeze", () -> new Tensor(storage, s, st, offset),
                (g, y, n) -> new Tensor[] {g.reshape(shape)}, (t, y) -> t[0].reshape(s), this);
    }

    /** A view with the order of elements reversed along each of {@code dims}. */
    public Tensor flip(int... dims) {
        boolean[] mask = Shapes.axesMask("flip", dims, shape.length);
        long[] st = strides.clone();
        long off = offset;
        for (int i = 0; i < shape.length; i++) {
            if (mask[i] && shape[i] > 0) {
                off += (shape[i] - 1L) * strides[i];
                st[i] = -strides[i];
            }
        }
        long flippedOffset = off;
        return Autograd.op("flip", () -> new Tensor(storage, shape.clone(), st, flippedOffset),
                (g, y, n) -> new Tensor[] {g.flip(dims)}, (t, y) -> t[0].flip(dims), this);
    }

    /** A view of all windows of {@code size} elements, {@code step} apart, along {@code dim}, as a new last dimension (as {@code torch.Tensor.unfold}). */
    public Tensor unfold(int dim, int size, int step) {
        int ax = Shapes.axis("unfold", dim, shape.length);
        if (size < 0 || step <= 0 || size > shape[ax]) {
            throw new IllegalArgumentException("unfold: windows of size " + size + " and step " + step
                    + " do not fit dimension " + dim + " of shape " + Shapes.format(shape));
        }
        int[] s = Arrays.copyOf(shape, shape.length + 1);
        long[] st = Arrays.copyOf(strides, strides.length + 1);
        s[ax] = (shape[ax] - size) / step + 1;
        st[ax] = strides[ax] * step;
        s[shape.length] = size;
        st[shape.length] = strides[ax];
        return Autograd.op("unfold", () -> new Tensor(storage, s, st, offset),
                (g, y, n) -> new Tensor[] {unfoldAdjoint(g, ax, size, step)}, (t, y) -> t[0].unfold(ax, size, step), this);
    }

    /** The gradient of unfold: each window's elements go back to their place, overlapping ones summed. */
    private Tensor unfoldAdjoint(Tensor g, int ax, int size, int step) {
        if (step >= size) { // windows do not overlap: one placement
            return embed(g, shape, z -> z.unfold(ax, size, step));
        }
        int windows = g.size(ax);
        Tensor sum = null;
        for (int w = 0; w < size; w++) {
            int start = w;
            Tensor part = embed(g.select(-1, w), shape, z -> z.slice(ax, start, start + step * (windows - 1) + 1, step));
            sum = sum == null ? part : sum.add(part);
        }
        return sum;
    }

    /**
     * A zero tensor of {@code shape} with {@code values} written into the view {@code place} picks: the
     * adjoint of taking that view (used by the gradients of slice, select and unfold).
     */
    private static Tensor embed(Tensor values, int[] shape, java.util.function.UnaryOperator<Tensor> place) {
        return Autograd.op("embed", () -> {
            Tensor z = zeros(values.dtype(), shape).to(values.device());
            Elementwise.copyInto(values, place.apply(z));
            return z;
        }, (g, y, n) -> new Tensor[] {place.apply(g)}, (t, y) -> embed(t[0], shape, place), values);
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    private static long[] remove(long[] a, int i) {
        long[] r = new long[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    // ---------------------------------------------------------------- elementwise

    /** Elementwise sum, broadcasting. */
    public Tensor add(Tensor other) {
        return binary(BinaryOp.ADD, this, other);
    }

    /** Adds a scalar (a Python-style scalar: it does not widen a float tensor's dtype). */
    public Tensor add(double value) {
        return add(scalarLike(value));
    }

    /** Elementwise difference, broadcasting. */
    public Tensor sub(Tensor other) {
        return binary(BinaryOp.SUB, this, other);
    }

    /** Subtracts a scalar. */
    public Tensor sub(double value) {
        return sub(scalarLike(value));
    }

    /** Elementwise product, broadcasting. */
    public Tensor mul(Tensor other) {
        return binary(BinaryOp.MUL, this, other);
    }

    /** Multiplies by a scalar. */
    public Tensor mul(double value) {
        return mul(scalarLike(value));
    }

    /** Elementwise true division, broadcasting (integer inputs give float32). */
    public Tensor div(Tensor other) {
        return binary(BinaryOp.DIV, this, other);
    }

    /** Divides by a scalar. */
    public Tensor div(double value) {
        return div(scalarLike(value));
    }

    /** Elementwise power, broadcasting. */
    public Tensor pow(Tensor exponent) {
        return binary(BinaryOp.POW, this, exponent);
    }

    /** Raises every element to a scalar power. */
    public Tensor pow(double exponent) {
        return pow(scalarLike(exponent));
    }

    /** Elementwise maximum, broadcasting (NaN wins, as in NumPy). */
    public Tensor maximum(Tensor other) {
        return binary(BinaryOp.MAXIMUM, this, other);
    }

    /** Elementwise minimum, broadcasting (NaN wins, as in NumPy). */
    public Tensor minimum(Tensor other) {
        return binary(BinaryOp.MINIMUM, this, other);
    }

    /** Elementwise {@code atan2(this, other)}, broadcasting. */
    public Tensor atan2(Tensor other) {
        return binary(BinaryOp.ATAN2, this, other);
    }

    /** Elementwise {@code ==} (bool result). */
    public Tensor eq(Tensor other) {
        return binary(BinaryOp.EQ, this, other);
    }

    /** Elementwise {@code !=} (bool result). */
    public Tensor ne(Tensor other) {
        return binary(BinaryOp.NE, this, other);
    }

    /** Elementwise {@code <} (bool result). */
    public Tensor lt(Tensor other) {
        return binary(BinaryOp.LT, this, other);
    }

    /** Elementwise {@code <=} (bool result). */
    public Tensor le(Tensor other) {
        return binary(BinaryOp.LE, this, other);
    }

    /** Elementwise {@code >} (bool result). */
    public Tensor gt(Tensor other) {
        return binary(BinaryOp.GT, this, other);
    }

    /** Elementwise {@code >=} (bool result). */
    public Tensor ge(Tensor other) {
        return binary(BinaryOp.GE, this, other);
    }

    /** Elementwise comparison with a scalar: {@code this > value}. */
    public Tensor gt(double value) {
        return gt(scalarLike(value));
    }

    /** Elementwise comparison with a scalar: {@code this < value}. */
    public Tensor lt(double value) {
        return lt(scalarLike(value));
    }

    /** Elementwise logical and of the truth values (bool result). */
    public Tensor logicalAnd(Tensor other) {
        return binary(BinaryOp.LOGICAL_AND, this, other);
    }

    /** Elementwise logical or of the truth values (bool result). */
    public Tensor logicalOr(Tensor other) {
        return binary(BinaryOp.LOGICAL_OR, this, other);
    }

    /** Elementwise logical not (bool result). */
    public Tensor logicalNot() {
        return apply(UnaryOp.LOGICAL_NOT);
    }

    /**
     * Picks {@code a} where {@code condition} is true and {@code b} elsewhere; all three broadcast,
     * and the result has the promoted dtype of {@code a} and {@code b}.
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Autograd.op("where", () -> Elementwise.where(condition, a, b),
                (g, y, n) -> new Tensor[] {null,
                        n[1] ? where(condition, g, zeros(g.dtype())) : null,
                        n[2] ? where(condition, zeros(g.dtype()), g) : null},
                (t, y) -> where(condition, t[1] != null ? t[1] : zeros(y.dtype()), t[2] != null ? t[2] : zeros(y.dtype())),
                condition, a, b);
    }

    /** Applies a unary operation of the op table (differentiable by its table rule). */
    public Tensor apply(UnaryOp op) {
        UnaryOp.Derivative d = op.derivative();
        return Autograd.op(op.label(), () -> Elementwise.unary(op, this),
                (g, y, n) -> new Tensor[] {d.vjp(g, this, y)}, (t, y) -> d.jvp(t[0], this, y), this);
    }

    /** Applies a binary operation of the op table (differentiable by its table rule unless it is a predicate). */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        BinaryOp.Derivative d = op.derivative();
        if (d == null) {
            return Elementwise.binary(op, a, b);
        }
        return Autograd.op(op.label(), () -> Elementwise.binary(op, a, b),
                (g, y, n) -> d.vjp(g, a, b, y, n), (t, y) -> d.jvp(t[0], t[1], a, b, y), a, b);
    }

    /** Elementwise negation. */
    public Tensor neg() {
        return apply(UnaryOp.NEG);
    }

    /** Elementwise absolute value (the modulus, as a real tensor, for complex input). */
    public Tensor abs() {
        return apply(UnaryOp.ABS);
    }

    /** Elementwise e^x (complex exponential for complex input). */
    public Tensor exp() {
        return apply(UnaryOp.EXP);
    }

    /** Elementwise natural logarithm (principal branch for complex input). */
    public Tensor log() {
        return apply(UnaryOp.LOG);
    }

    /** Elementwise square root (principal branch for complex input). */
    public Tensor sqrt() {
        return apply(UnaryOp.SQRT);
    }

    /** Elementwise 1/sqrt(x). */
    public Tensor rsqrt() {
        return apply(UnaryOp.RSQRT);
    }

    /** Elementwise sine. */
    public Tensor sin() {
        return apply(UnaryOp.SIN);
    }

    /** Elementwise cosine. */
    public Tensor cos() {
        return apply(UnaryOp.COS);
    }

    /** Elementwise hyperbolic tangent. */
    public Tensor tanh() {
        return apply(UnaryOp.TANH);
    }

    /** Elementwise logistic sigmoid 1/(1+e^-x). */
    public Tensor sigmoid() {
        return apply(UnaryOp.SIGMOID);
    }

    /** Elementwise error function. */
    public Tensor erf() {
        return apply(UnaryOp.ERF);
    }

    /** Elementwise exact GELU: x * Phi(x). */
    public Tensor gelu() {
        return apply(UnaryOp.GELU);
    }

    /** Elementwise tanh-approximated GELU (as {@code approximate='tanh'} in PyTorch). */
    public Tensor geluTanh() {
        return apply(UnaryOp.GELU_TANH);
    }

    /** Elementwise SiLU (swish): x * sigmoid(x). */
    public Tensor silu() {
        return apply(UnaryOp.SILU);
    }

    /** Elementwise max(x, 0). */
    public Tensor relu() {
        return apply(UnaryOp.RELU);
    }

    /** Elementwise x*x. */
    public Tensor square() {
        return apply(UnaryOp.SQUARE);
    }

    /** Elementwise 1/x. */
    public Tensor reciprocal() {
        return apply(UnaryOp.RECIPROCAL);
    }

    /** Elementwise log(1+x), accurate near 0. */
    public Tensor log1p() {
        return apply(UnaryOp.LOG1P);
    }

    /** Elementwise e^x - 1, accurate near 0. */
    public Tensor expm1() {
        return apply(UnaryOp.EXPM1);
    }

    /** Elementwise floor. */
    public Tensor floor() {
        return apply(UnaryOp.FLOOR);
    }

    /** Elementwise ceiling. */
    public Tensor ceil() {
        return apply(UnaryOp.CEIL);
    }

    /** Elementwise rounding to nearest, ties to even (as NumPy). */
    public Tensor round() {
        return apply(UnaryOp.ROUND);
    }

    /** Elementwise sign: -1, 0 or 1. */
    public Tensor sign() {
        return apply(UnaryOp.SIGN);
    }

    /** Elementwise clamp into [min, max]; use infinities for a one-sided clamp. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        }
        return Autograd.op("clamp", () -> Elementwise.binary(BinaryOp.MINIMUM, Elementwise.binary(BinaryOp.MAXIMUM, this, scalarLike(min)), scalarLike(max)),
                (g, y, n) -> new Tensor[] {g.mul(insideMask(min, max))}, (t, y) -> t[0].mul(insideMask(min, max)), this);
    }

    /** 1 where min <= this <= max, else 0 (in this dtype): where clamp passes gradients. */
    private Tensor insideMask(double min, double max) {
        return ge(scalarLike(min)).logicalAnd(le(scalarLike(max))).to(dtype());
    }

    /** Real part of a complex tensor (a copy of a real tensor). */
    public Tensor real() {
        return apply(UnaryOp.REAL);
    }

    /** Imaginary part of a complex tensor (zeros for a real tensor). */
    public Tensor imag() {
        return apply(UnaryOp.IMAG);
    }

    /** Complex conjugate (a copy of a real tensor). */
    public Tensor conj() {
        return apply(UnaryOp.CONJ);
    }

    /** Argument (phase) of each element in radians, as a real tensor. */
    public Tensor angle() {
        return apply(UnaryOp.ANGLE);
    }

    /** A 0-d tensor holding {@code value} with the dtype a Python scalar would take against this tensor. */
    private Tensor scalarLike(double value) {
        DType dt = dtype();
        boolean integral = value == Math.rint(value) && !Double.isInfinite(value);
        DType st = dt.isInexact() ? dt.realPart() : (integral && dt != DType.BOOL ? dt : DType.FLOAT32);
        if (dt == DType.BOOL && integral) {
            st = DType.INT32;
        }
        return full(st, value);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum over {@code axes} (all when none are given), dropping them. Integer and bool sums are int32. */
    public Tensor sum(int... axes) {
        return sum(axes, false);
    }

    /** Sum over {@code axes} (all when empty), keeping them as size 1 when {@code keepDim}. */
    public Tensor sum(int[] axes, boolean keepDim) {
        return Autograd.op("sum", () -> Reductions.sum(this, axes, keepDim),
                (g, y, n) -> new Tensor[] {keptShape(g, axes, keepDim).expand(shape)},
                (t, y) -> t[0].sum(axes, keepDim), this);
    }

    /** {@code r} (a reduction of this over {@code axes}) with the reduced axes present as size 1. */
    private Tensor keptShape(Tensor r, int[] axes, boolean keepDim) {
        if (keepDim) {
            return r;
        }
        int[] kept = shape.clone();
        boolean[] mask = axes.length == 0 ? null : Shapes.axesMask("reduce", axes, shape.length);
        for (int i = 0; i < kept.length; i++) {
            if (mask == null || mask[i]) {
                kept[i] = 1;
            }
        }
        return r.reshape(kept);
    }

    /** How many elements a reduction over {@code axes} combines into each result. */
    private long reducedCount(int[] axes) {
        if (axes.length == 0) {
            return numel();
        }
        boolean[] mask = Shapes.axesMask("reduce", axes, shape.length);
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            n *= mask[i] ? shape[i] : 1;
        }
        return n;
    }

    /** Mean over {@code axes} (all when none are given). */
    public Tensor mean(int... axes) {
        return mean(axes, false);
    }

    /** Mean over {@code axes}, keeping them when {@code keepDim}. */
    public Tensor mean(int[] axes, boolean keepDim) {
        return Autograd.op("mean", () -> Reductions.mean(this, axes, keepDim),
                (g, y, n) -> new Tensor[] {keptShape(g, axes, keepDim).div((double) reducedCount(axes)).expand(shape)},
                (t, y) -> t[0].mean(axes, keepDim), this);
    }

    /**
     * Variance over {@code axes}: sum of squared deviations divided by {@code n - correction}
     * (0 for the population variance as NumPy's default, 1 for the sample variance as PyTorch's).
     */
    public Tensor var(int[] axes, int correction, boolean keepDim) {
        return Autograd.op("var", () -> Reductions.var(this, axes, correction, keepDim),
                (g, y, n) -> new Tensor[] {keptShape(g, axes, keepDim).mul(deviation(axes)).mul(2.0 / (reducedCount(axes) - correction))},
                (t, y) -> dev.jacobi.tensor.ops.Derivatives.realDot(deviation(axes), t[0]).sum(axes, keepDim)
                        .mul(2.0 / (reducedCount(axes) - correction)), this);
    }

    /** this - mean over {@code axes} (kept as size 1). */
    private Tensor deviation(int[] axes) {
        return sub(mean(axes, true));
    }

    /** Maximum over {@code axes} (all when none are given). */
    public Tensor max(int... axes) {
        return max(axes, false);
    }

    /** Maximum over {@code axes}, keeping them when {@code keepDim}. */
    public Tensor max(int[] axes, boolean keepDim) {
        return extremum("max", axes, keepDim, true);
    }

    /**
     * max or min over axes; the gradient goes to the positions that attain the extremum, shared equally
     * between ties.
     */
    private Tensor extremum(String name, int[] axes, boolean keepDim, boolean isMax) {
        return Autograd.op(name, () -> isMax ? Reductions.max(this, axes, keepDim) : Reductions.min(this, axes, keepDim),
                (g, y, n) -> new Tensor[] {keptShape(g, axes, keepDim).mul(attainedShare(keptShape(y, axes, keepDim), axes))},
                (t, y) -> t[0].mul(attainedShare(keptShape(y, axes, keepDim), axes)).sum(axes, keepDim), this);
    }

    /** 1/k at the k positions of each reduced group equal to {@code extremum}, 0 elsewhere. */
    private Tensor attainedShare(Tensor extremum, int[] axes) {
        Tensor hit = eq(extremum).to(dtype());
        return hit.div(hit.sum(axes, true));
    }

    /** Minimum over {@code axes} (all when none are given). */
    public Tensor min(int... axes) {
        return min(axes, false);
    }

    /** Minimum over {@code axes}, keeping them when {@code keepDim}. */
    public Tensor min(int[] axes, boolean keepDim) {
        return extremum("min", axes, keepDim, false);
    }

    /** Index of the first maximum along {@code axis} (int32). */
    public Tensor argmax(int axis, boolean keepDim) {
        return Reductions.argmax(this, axis, keepDim);
    }

    /** Index of the first minimum along {@code axis} (int32). */
    public Tensor argmin(int axis, boolean keepDim) {
        return Reductions.argmin(this, axis, keepDim);
    }

    /** log(sum(exp(x))) over {@code axes}, computed without overflow. */
    public Tensor logsumexp(int[] axes, boolean keepDim) {
        return Autograd.op("logsumexp", () -> Reductions.logsumexp(this, axes, keepDim),
                (g, y, n) -> new Tensor[] {keptShape(g, axes, keepDim).mul(sub(keptShape(y, axes, keepDim)).exp())},
                (t, y) -> t[0].mul(sub(keptShape(y, axes, keepDim)).exp()).sum(axes, keepDim), this);
    }

    /** The p-norm over {@code axes} ({@code p} may be infinite); the modulus is used for complex input. */
    public Tensor norm(double p, int[] axes, boolean keepDim) {
        return Autograd.op("norm", () -> Reductions.norm(this, p, axes, keepDim),
                (g, y, n) -> new Tensor[] {normSlope(p, keptShape(y, axes, keepDim), axes) == null ? null
                        : keptShape(g, axes, keepDim).mul(normSlope(p, keptShape(y, axes, keepDim), axes))},
                (t, y) -> {
                    Tensor w = normSlope(p, keptShape(y, axes, keepDim), axes);
                    return w == null ? null : dev.jacobi.tensor.ops.Derivatives.realDot(w, t[0]).sum(axes, keepDim);
                }, this);
    }

    /**
     * The gradient of the p-norm y with respect to this (null for p = 0, a count):
     * sgn(x) |x|^(p-1) / y^(p-1), zero where y = 0; for infinite p, sgn(x) shared among the extreme entries.
     */
    private Tensor normSlope(double p, Tensor y, int[] axes) {
        if (p == 0) {
            return null;
        }
        Tensor a = abs();
        Tensor sgn = dev.jacobi.tensor.ops.Derivatives.sgn(this, a);
        if (Double.isInfinite(p)) {
            return sgn.mul(a.attainedShare(y, axes));
        }
        if (p == 1) {
            return sgn;
        }
        Tensor ratio = a.div(y);
        Tensor slope = sgn.mul(p == 2 ? ratio : ratio.pow(p - 1));
        Tensor zero = zeros(slope.dtype());
        return where(y.eq(zeros(y.dtype())), zero, slope);
    }

    /** Softmax along {@code axis}. */
    public Tensor softmax(int axis) {
        return Autograd.op("softmax", () -> Normalization.softmax(this, axis),
                (g, y, n) -> new Tensor[] {y.mul(g.sub(g.mul(y).sum(new int[] {axis}, true)))},
                (t, y) -> y.mul(t[0].sub(t[0].mul(y).sum(new int[] {axis}, true))), this);
    }

    /** Log-softmax along {@code axis}. */
    public Tensor logSoftmax(int axis) {
        return Autograd.op("logSoftmax", () -> Normalization.logSoftmax(this, axis),
                (g, y, n) -> new Tensor[] {g.sub(y.exp().mul(g.sum(new int[] {axis}, true)))},
                (t, y) -> t[0].sub(y.exp().mul(t[0]).sum(new int[] {axis}, true)), this);
    }

    /**
     * Layer normalization over the last dimension: (x - mean) / sqrt(var + eps) * weight + bias, with the
     * population variance. {@code weight} and {@code bias} have the size of the last dimension, or are null.
     */
    public Tensor layerNorm(Tensor weight, Tensor bias, double eps) {
        return Autograd.op("layerNorm", () -> Normalization.layerNorm(this, weight, bias, eps),
                (g, y, n) -> layerNormVjp(g, weight, eps, n),
                (t, y) -> layerNormJvp(t, weight, eps), this, weight, bias);
    }

    /** Gradients of layer norm with respect to (x, weight, bias), recomputing x-hat and 1/sigma. */
    private Tensor[] layerNormVjp(Tensor g, Tensor weight, double eps, boolean[] needed) {
        if (!Autograd.isGradEnabled() && dev.jacobi.tensor.ops.LayerNormBackward.applies(this, weight, g)) {
            return dev.jacobi.tensor.ops.LayerNormBackward.gradients(this, weight, g, eps, needed); // fused, 2 passes
        }
        int[] last = {-1};
        Tensor centered = sub(mean(last, true));
        Tensor rstd = centered.square().mean(last, true).add(eps).rsqrt();
        Tensor xhat = centered.mul(rstd);
        int[] rows = new int[rank() - 1];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        Tensor gx = null;
        if (needed[0]) {
            Tensor gh = weight == null ? g : g.mul(weight);
            gx = rstd.mul(gh.sub(gh.mean(last, true)).sub(xhat.mul(gh.mul(xhat).mean(last, true))));
        }
        Tensor gw = needed[1] ? sumRows(g.mul(xhat), rows) : null;
        Tensor gb = needed[2] ? sumRows(g, rows) : null;
        return new Tensor[] {gx, gw, gb};
    }

    private static Tensor sumRows(Tensor t, int[] rows) {
        return rows.length == 0 ? t : t.sum(rows, false);
    }

    /** The tangent of layer norm: r (u - x-hat mean(x-hat u)) w + x-hat tw + tb, with u = t - mean(t). */
    private Tensor layerNormJvp(Tensor[] t, Tensor weight, double eps) {
        int[] last = {-1};
        Tensor centered = sub(mean(last, true));
        Tensor rstd = centered.square().mean(last, true).add(eps).rsqrt();
        Tensor xhat = centered.mul(rstd);
        Tensor out = null;
        if (t[0] != null) {
            Tensor u = t[0].sub(t[0].mean(last, true));
            Tensor dxhat = rstd.mul(u.sub(xhat.mul(xhat.mul(u).mean(last, true))));
            out = weight == null ? dxhat : dxhat.mul(weight);
        }
        if (t[1] != null) {
            Tensor fromW = xhat.mul(t[1]);
            out = out == null ? fromW : out.add(fromW);
        }
        if (t[2] != null) {
            out = out == null ? t[2] : out.add(t[2]);
        }
        return out;
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product with NumPy's {@code matmul} rules: 1-D operands are promoted to a row or column
     * and that dimension is removed after; batch dimensions broadcast.
     */
    public Tensor matmul(Tensor other) {
        if (shape.length > 2 && other.rank() == 2 && shape[shape.length - 1] == other.size(0)) {
            // [..., m, k] @ [k, n] is one [(...) m, k] @ [k, n] product: one large GEMM instead of a batch of
            // small ones, and a weight gradient without a sum over the batch (measured: that sum, on the
            // batch of transposed [k, n] products, was a quarter of a transformer training step).
            int[] outShape = shape.clone();
            outShape[shape.length - 1] = other.size(1);
            return reshape(-1, shape[shape.length - 1]).matmul(other).reshape(outShape);
        }
        return Autograd.op("matmul", () -> Matmul.matmul(this, other),
                (g, y, n) -> matmulVjp(g, other, n),
                (t, y) -> {
                    Tensor fromA = t[0] == null ? null : t[0].matmul(other);
                    Tensor fromB = t[1] == null ? null : matmul(t[1]);
                    return fromA == null ? fromB : fromB == null ? fromA : fromA.add(fromB);
                }, this, other);
    }

    /**
     * Gradients of this @ b: g @ b^H and this^H @ g, with 1-D operands made matrices first (as the forward
     * does) and batch dimensions summed back by the engine.
     */
    private Tensor[] matmulVjp(Tensor g, Tensor b, boolean[] needed) {
        Tensor a2 = rank() == 1 ? unsqueeze(0) : this;
        Tensor b2 = b.rank() == 1 ? b.unsqueeze(-1) : b;
        Tensor g2 = g;
        if (rank() == 1) {
            g2 = g2.unsqueeze(b.rank() == 1 ? 0 : -2);
        }
        if (b.rank() == 1) {
            g2 = g2.unsqueeze(-1);
        }
        Tensor ga = !needed[0] ? null : storedTransposed(a2) ? b2.matmul(adjoint(g2)).mT() : g2.matmul(adjoint(b2));
        Tensor gb = !needed[1] ? null : storedTransposed(b2) ? adjoint(g2).matmul(a2).mT() : adjoint(a2).matmul(g2);
        if (ga != null && rank() == 1) {
            ga = ga.squeeze(-2);
        }
        if (gb != null && b.rank() == 1) {
            gb = gb.squeeze(-1);
        }
        return new Tensor[] {ga, gb};
    }

    /**
     * True for a real matrix stored transposed (its {@code mT()} is contiguous), such as a Linear layer's
     * {@code weight.mT()}: its gradient is then computed as the transpose of a product, which lands
     * contiguous in the weight's own layout instead of needing a transposing copy (measured: that copy
     * was a fifth of an MLP training step).
     */
    private static boolean storedTransposed(Tensor m) {
        return !m.dtype().isComplex() && m.rank() >= 2 && !m.isContiguous() && m.mT().isContiguous();
    }

    /** The conjugate transpose of the last two dimensions (the transpose for real tensors). */
    private static Tensor adjoint(Tensor m) {
        return m.dtype().isComplex() ? m.mT().conj() : m.mT();
    }

    // ---------------------------------------------------------------- joining and indexing

    /**
     * Joins tensors of one rank, with equal sizes except along {@code dim}, into a new tensor of their
     * promoted dtype (see {@link Joining#concat}).
     */
    public static Tensor concat(List<Tensor> tensors, int dim) {
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Autograd.op("concat", () -> Joining.concat(tensors, dim),
                (g, y, n) -> {
                    int ax = Shapes.axis("concat", dim, g.rank());
                    int[] sizes = new int[inputs.length];
                    for (int i = 0; i < sizes.length; i++) {
                        sizes[i] = inputs[i].size(ax);
                    }
                    return g.split(sizes, ax).toArray(new Tensor[0]);
                },
                (t, y) -> {
                    java.util.ArrayList<Tensor> parts = new java.util.ArrayList<>();
                    for (int i = 0; i < inputs.length; i++) {
                        parts.add(t[i] != null ? t[i] : zeros(y.dtype(), inputs[i].shape));
                    }
                    return concat(parts, dim);
                }, inputs);
    }

    /** Stacks tensors of equal shape along a new dimension {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return Autograd.op("stack", () -> Joining.stack(tensors, dim),
                (g, y, n) -> {
                    int ax = Shapes.axis("stack", dim, g.rank());
                    Tensor[] r = new Tensor[inputs.length];
                    for (int i = 0; i < r.length; i++) {
                        r[i] = n[i] ? g.select(ax, i) : null;
                    }
                    return r;
                },
                (t, y) -> {
                    java.util.ArrayList<Tensor> parts = new java.util.ArrayList<>();
                    for (int i = 0; i < inputs.length; i++) {
                        parts.add(t[i] != null ? t[i] : zeros(y.dtype(), inputs[i].shape));
                    }
                    return stack(parts, dim);
                }, inputs);
    }

    /** Views of consecutive pieces of {@code sizes} along {@code dim}; the sizes must add up to the dimension. */
    public List<Tensor> split(int[] sizes, int dim) {
        return Joining.split(this, sizes, dim);
    }

    /**
     * Views of pieces of {@code ceil(size / chunks)} elements along {@code dim}, the last smaller when the
     * size does not divide; as {@code torch.chunk}, there may be fewer than {@code chunks} pieces.
     */
    public List<Tensor> chunk(int chunks, int dim) {
        return Joining.chunk(this, chunks, dim);
    }

    /**
     * {@code out[i][j][k] = this[index[i][j][k]][j][k]} for dim 0, and so on (as {@code torch.gather});
     * {@code index} is int32 or int8, and an index outside {@code [0, size(dim))} throws
     * {@link IndexOutOfBoundsException}. See {@link Indexing#gather}.
     */
    public Tensor gather(int dim, Tensor index) {
        return Autograd.op("gather", () -> Indexing.gather(this, dim, index),
                (g, y, n) -> new Tensor[] {zeros(g.dtype(), shape).scatterAdd(dim, index, g), null},
                (t, y) -> t[0].gather(dim, index), this, index);
    }

    /**
     * A copy of this with {@code src} added at {@code index} along {@code dim} (as {@code torch.scatter_add}),
     * in this tensor's dtype; see {@link Indexing#scatterAdd} for which {@code src} dtypes are accepted.
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Autograd.op("scatterAdd", () -> Indexing.scatterAdd(this, dim, index, src),
                (g, y, n) -> new Tensor[] {g, null, n[2] ? padTo(g.gather(dim, index), src.shape) : null},
                (t, y) -> (t[0] != null ? t[0] : zeros(y.dtype(), shape)).scatterAdd(dim, index,
                        t[2] != null ? t[2] : zeros(src.dtype(), src.shape)),
                this, index, src);
    }

    /** {@code t} padded with zeros at the end of each dimension up to {@code target}. */
    private static Tensor padTo(Tensor t, int[] target) {
        int[] padding = new int[2 * target.length];
        boolean any = false;
        for (int i = 0; i < target.length; i++) {
            int extra = target[target.length - 1 - i] - t.size(target.length - 1 - i);
            padding[2 * i + 1] = extra;
            any |= extra != 0;
        }
        return any ? t.pad(padding, 0) : t;
    }

    /** The entries at the 1-D int {@code index} along {@code dim} (as {@code torch.index_select}). */
    public Tensor indexSelect(int dim, Tensor index) {
        return Autograd.op("indexSelect", () -> Indexing.indexSelect(this, dim, index),
                (g, y, n) -> {
                    int ax = Shapes.axis("indexSelect", dim, rank());
                    int[] along = new int[rank()];
                    Arrays.fill(along, 1);
                    along[ax] = -1;
                    return new Tensor[] {zeros(g.dtype(), shape).scatterAdd(ax, index.reshape(along).expand(g.shape()), g), null};
                },
                (t, y) -> t[0].indexSelect(dim, index), this, index);
    }

    /**
     * Pads with a constant. {@code padding} holds (before, after) pairs starting from the last
     * dimension, as {@code torch.nn.functional.pad}; negative amounts crop.
     */
    public Tensor pad(int[] padding, double value) {
        int[] crop = new int[padding.length];
        for (int i = 0; i < crop.length; i++) {
            crop[i] = -padding[i];
        }
        return Autograd.op("pad", () -> Windows.pad(this, padding, value),
                (g, y, n) -> new Tensor[] {g.pad(crop, 0)}, (t, y) -> t[0].pad(padding, 0), this);
    }

    /**
     * im2col: sliding blocks of a [N, C, H, W] tensor as columns of a [N, C*kh*kw, L] tensor
     * (as {@code torch.nn.functional.unfold}).
     */
    public Tensor im2col(int[] kernel, int[] dilation, int[] padding, int[] stride) {
        // [N, C, H, W] or [C, H, W]: the image size is the last two dims (im2col itself rejects other ranks)
        int[] size = {shape.length >= 2 ? shape[shape.length - 2] : 0, shape.length >= 2 ? shape[shape.length - 1] : 0};
        return Autograd.op("im2col", () -> Windows.im2col(this, kernel, dilation, padding, stride),
                (g, y, n) -> new Tensor[] {g.col2im(size, kernel, dilation, padding, stride)},
                (t, y) -> t[0].im2col(kernel, dilation, padding, stride), this);
    }

    /** col2im: sums [N, C*kh*kw, L] columns back into a [N, C, H, W] tensor (as {@code torch.nn.functional.fold}). */
    public Tensor col2im(int[] outputSize, int[] kernel, int[] dilation, int[] padding, int[] stride) {
        return Autograd.op("col2im", () -> Windows.col2im(this, outputSize, kernel, dilation, padding, stride),
                (g, y, n) -> new Tensor[] {g.im2col(kernel, dilation, padding, stride)},
                (t, y) -> t[0].col2im(outputSize, kernel, dilation, padding, stride), this);
    }

    // ---------------------------------------------------------------- autograd

    /**
     * Marks this leaf tensor as needing a gradient (or not): later ops on it record what backward needs,
     * and {@link #backward()} accumulates into {@link #grad()}. Returns this.
     *
     * @throws IllegalArgumentException for integer and bool tensors, which have no gradients
     * @throws IllegalStateException    when switching off a tensor computed by recorded ops (not a leaf)
     */
    public Tensor requiresGrad(boolean requires) {
        if (requires && !dtype().isInexact()) {
            throw new IllegalArgumentException("requiresGrad: only floating and complex tensors have gradients; this one is "
                    + dtype() + " of shape " + Shapes.format(shape));
        }
        if (gradState.gradFn() != null) {
            if (!requires) {
                throw new IllegalStateException("requiresGrad(false): this tensor was computed by '" + gradState.gradFn().name()
                        + "' from tensors that require grad; use detach() for a copy outside the graph");
            }
            return this;
        }
        gradState.setLeafRequiresGrad(requires);
        return this;
    }

    /** True for a leaf marked by {@link #requiresGrad(boolean)} and for results of recorded ops. */
    public boolean requiresGrad() {
        return gradState.requiresGrad();
    }

    /** True unless this tensor was computed by a recorded op. */
    public boolean isLeaf() {
        return gradState.gradFn() == null;
    }

    /** The gradient accumulated into this leaf by backward passes, or null before the first. */
    public Tensor grad() {
        return gradState.grad();
    }

    /** Replaces (or, with null, clears) the accumulated gradient, e.g. to zero it between steps. */
    public Tensor setGrad(Tensor grad) {
        if (grad != null && (!Arrays.equals(grad.shape, shape) || grad.dtype() != dtype())) {
            throw new IllegalArgumentException("setGrad: gradient of shape " + Shapes.format(grad.shape) + " (" + grad.dtype()
                    + ") for a tensor of shape " + Shapes.format(shape) + " (" + dtype() + ")");
        }
        gradState.setGrad(grad);
        return this;
    }

    /** The recorded op that computed this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradState.gradFn();
    }

    /** This tensor's autograd bookkeeping (used by {@link Autograd}). */
    public GradState gradState() {
        return gradState;
    }

    /**
     * Accumulates d(this)/d(leaf) into the {@link #grad()} of every leaf that requires grad. This must be a
     * one-element tensor; the graph is freed afterwards.
     *
     * @throws IllegalArgumentException when this has more than one element (pass a seed) or needs no grad
     */
    public void backward() {
        Autograd.backward(this, null, false, false);
    }

    /**
     * Backward with {@code seed}, the gradient of some loss with respect to this tensor (its shape).
     *
     * @throws IllegalArgumentException when the seed's shape differs
     */
    public void backward(Tensor seed) {
        Autograd.backward(this, seed, false, false);
    }

    /** Backward with a seed (null for a scalar), keeping the graph for another pass when {@code retainGraph}. */
    public void backward(Tensor seed, boolean retainGraph) {
        Autograd.backward(this, seed, retainGraph, false);
    }

    /** The same values, sharing memory, outside any graph: it does not require grad. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    // ---------------------------------------------------------------- devices

    /** Where this tensor's elements live: {@link Device#CPU} or an {@link Accelerator}. */
    public Device device() {
        return storage.device();
    }

    /**
     * A contiguous copy on {@code target} (this tensor itself when it is there already). Recorded for
     * autograd: the gradient goes back to this tensor's device, so a graph may move between devices.
     */
    public Tensor to(Device target) {
        if (target.equals(device())) {
            return this;
        }
        Device home = device();
        return Autograd.op("to(" + target.name() + ")", () -> Devices.transfer(this, target),
                (g, y, n) -> new Tensor[] {g.to(home)}, (t, y) -> t[0].to(target), this);
    }

    /** A copy on the CPU (this tensor itself when it is on the CPU); the same as {@code to(Device.CPU)}. */
    public Tensor toCpu() {
        return to(Device.CPU);
    }

    // ---------------------------------------------------------------- printing

    @Override
    public String toString() {
        if (!storage.isAlive()) {
            return "Tensor(freed, shape=" + Shapes.format(shape) + ", dtype=" + dtype() + ")";
        }
        return TensorFormat.format(this);
    }
}
