package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClBuffer;
import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClLaunch;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.Accelerator;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.DeviceBackend;
import dev.jacobi.tensor.device.DeviceMemory;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link DeviceBackend} of an OpenCL device: tensors of {@code dev.jacobi.tensor} whose storage is a
 * {@link ClBuffer}, computed by the kernels of {@link ClOps}, {@link ClGemm} and {@link ClAttention}
 * (float32) and of {@code dtypes.cl} (casts, fills, predicates and where for the other device dtypes).
 *
 * <p>Device dtypes: FLOAT32 (every op), INT32, INT8 and BOOL (stored, copied, cast, compared; arithmetic
 * on them computes in float32, so integers beyond 2^24 are not exact). Other dtypes, and ops of the
 * tables without a kernel, throw {@link UnsupportedOperationException} naming the op and the device.
 * Device memory is released when its tensors become unreachable (or when a {@link dev.jacobi.cl.ClScope}
 * open at their creation closes).
 */
public final class ClDeviceBackend implements DeviceBackend {
    /** Device dtypes in the order of the dtype codes of {@code dtypes.cl}. */
    private static final List<DType> DTYPE_CODES = List.of(DType.FLOAT32, DType.INT32, DType.INT8, DType.BOOL);
    /** Predicates in the order of the op codes of {@code dtypes.cl}. */
    private static final List<BinaryOp> PREDICATES = List.of(BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE,
            BinaryOp.GT, BinaryOp.GE, BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR);

    private final Accelerator device;
    private final ClContext context;

    /** The memory of one device storage: a buffer of this backend's context. */
    private record ClMemory(ClBuffer buffer, Accelerator device) implements DeviceMemory {
        @Override
        public boolean isAlive() {
            return buffer.isOpen();
        }
    }

    private ClDeviceBackend(Accelerator device, ClContext context) {
        this.device = device;
        this.context = context;
    }

    /** The backend of {@code device}, running on {@code context}. */
    public static ClDeviceBackend create(Accelerator device, ClContext context) {
        return new ClDeviceBackend(device, context);
    }

    /** The context the kernels run on. */
    public ClContext context() {
        return context;
    }

    @Override
    public Accelerator device() {
        return device;
    }

    // ---------------------------------------------------------------- memory and layout

    @Override
    public Storage allocate(DType dtype, long size) {
        checkDType("allocate", dtype);
        ClBuffer b = context.allocate(Math.multiplyExact(size, (long) dtype.byteSize()));
        return Storage.onDevice(dtype, size, new ClMemory(b, device));
    }

    @Override
    public Tensor upload(Tensor cpu) {
        checkDType("to(" + device.name() + ")", cpu.dtype());
        return wrap(ClTensor.from(context, cpu));
    }

    @Override
    public Tensor download(Tensor t) {
        return cl(t).toCpu();
    }

    /**
     * A view of device tensor {@code t} as a {@link ClTensor} sharing its buffer (for calling the
     * kernels of {@link ClOps} directly); do not close it.
     *
     * @throws IllegalArgumentException when t is not on this backend's device
     */
    public ClTensor cl(Tensor t) {
        if (!(t.storage().deviceMemory() instanceof ClMemory m) || m.device() != device) {
            throw new IllegalArgumentException("OpenCL backend of " + device.name() + ": tensor " + Shapes.format(t.shape())
                    + " lives on " + t.device().name());
        }
        return ClTensor.view(m.buffer(), t.dtype(), t.shape(), t.strides(), t.offset());
    }

    /** The device tensor over a ClTensor's buffer (same layout); the tensor then owns the buffer. */
    public Tensor wrap(ClTensor c) {
        long capacity = c.buffer().byteSize() / c.dtype().byteSize();
        Storage s = Storage.onDevice(c.dtype(), capacity, new ClMemory(c.buffer(), device));
        return Tensor.view(s, c.shape(), c.strides(), c.offset());
    }

    @Override
    public void copyInto(Tensor src, Tensor dst) {
        int[] shape = dst.shape();
        if (!Arrays.equals(Shapes.broadcast("copy", src.shape(), shape), shape)) {
            throw new IllegalArgumentException("copy: source of shape " + Shapes.format(src.shape())
                    + " does not broadcast to destination shape " + Shapes.format(shape));
        }
        convert(cl(src), cl(dst));
    }

    /** Copies (casting) {@code src}, broadcast to dst's shape, into {@code dst}; both any layout. */
    private void convert(ClTensor src, ClTensor dst) {
        long n = dst.numel();
        if (n == 0) {
            return;
        }
        int[] shape = dst.shape();
        Layouts.Collapsed c = collapse("copy", shape, src.expand(shape).strides(), dst.strides());
        launch("convert_strided").arg(src.buffer()).arg(code(src.dtype())).arg(src.offset()).argLong8(c.strides()[0])
                .arg(dst.buffer()).arg(code(dst.dtype())).arg(dst.offset()).argLong8(c.strides()[1])
                .argLong8(c.shape()).arg(c.rank()).arg(n).run(global(n), local());
    }

    @Override
    public void fill(Tensor t, double value) {
        ClTensor d = cl(t);
        long n = d.numel();
        if (n == 0) {
            return;
        }
        Layouts.Collapsed c = collapse("fill", d.shape(), d.strides());
        launch("fill_strided").arg(d.buffer()).arg(code(d.dtype())).arg(d.offset()).argLong8(c.strides()[0])
                .argLong8(c.shape()).arg(c.rank()).arg((float) value).arg(n).run(global(n), local());
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public Tensor unary(UnaryOp op, Tensor x) {
        DType result = op.resultType(x.dtype());
        if (op == UnaryOp.LOGICAL_NOT) {
            return binary(BinaryOp.EQ, x, upload(Tensor.zeros(x.dtype())));
        }
        if (!ClOps.UNARY.contains(op)) {
            throw Devices.unsupported(op.label(), device, "no kernel for this op; device unary ops: " + ClOps.UNARY);
        }
        checkDType(op.label(), result);
        ClTensor xf = float32(cl(x));
        ClTensor y = ClOps.unary(op, xf);
        closeCopy(xf, x);
        return wrap(castOwned(y, result));
    }

    @Override
    public Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        DType result = op.resultType(a.dtype(), b.dtype());
        checkDType(op.label(), result);
        ClTensor af = float32(cl(a));
        ClTensor bf = float32(cl(b));
        ClTensor y;
        if (ClOps.BINARY.contains(op)) {
            y = castOwned(ClOps.binary(op, af, bf), result);
        } else if (PREDICATES.contains(op)) {
            int[] shape = Shapes.broadcast(op.label(), af.shape(), bf.shape());
            y = ClTensor.empty(context, DType.BOOL, shape);
            long n = y.numel();
            if (n > 0) {
                Layouts.Collapsed c = collapse(op.label(), shape, af.expand(shape).strides(), bf.expand(shape).strides());
                launch("compare_strided").arg(PREDICATES.indexOf(op)).arg(af.buffer()).arg(af.offset()).argLong8(c.strides()[0])
                        .arg(bf.buffer()).arg(bf.offset()).argLong8(c.strides()[1]).argLong8(c.shape()).arg(c.rank())
                        .arg(y.buffer()).arg(n).run(global(n), local());
            }
        } else {
            throw Devices.unsupported(op.label(), device, "no kernel for this op");
        }
        closeCopy(af, a);
        closeCopy(bf, b);
        return wrap(y);
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape(), a.shape()), b.shape());
        DType result = DType.promote(a.dtype(), b.dtype());
        checkDType("where", result);
        ClTensor c0 = cl(cond);
        ClTensor cb = c0;
        if (cond.dtype() != DType.BOOL) {
            checkDType("where", cond.dtype());
            cb = ClTensor.empty(context, DType.BOOL, cond.shape());
            convert(c0, cb);
        }
        ClTensor af = float32(cl(a));
        ClTensor bf = float32(cl(b));
        ClTensor y = ClTensor.empty(context, DType.FLOAT32, shape);
        long n = y.numel();
        if (n > 0) {
            Layouts.Collapsed c = collapse("where", shape, cb.expand(shape).strides(), af.expand(shape).strides(),
                    bf.expand(shape).strides());
            launch("where_strided").arg(cb.buffer()).arg(cb.offset()).argLong8(c.strides()[0])
                    .arg(af.buffer()).arg(af.offset()).argLong8(c.strides()[1])
                    .arg(bf.buffer()).arg(bf.offset()).argLong8(c.strides()[2])
                    .argLong8(c.shape()).arg(c.rank()).arg(y.buffer()).arg(n).run(global(n), local());
        }
        closeCopy(cb, cond);
        closeCopy(af, a);
        closeCopy(bf, b);
        return wrap(castOwned(y, result));
    }

    // ---------------------------------------------------------------- reductions, normalization, products

    @Override
    public Tensor reduce(Reduction op, Tensor x, int[] axes, boolean keepDim) {
        DType result = switch (op) {
            case SUM -> x.dtype() == DType.FLOAT32 ? DType.FLOAT32 : DType.INT32; // as the CPU: integer sums are int32
            case MEAN -> DType.FLOAT32;
            case MAX, MIN -> x.dtype();
        };
        ClTensor xf = float32(cl(x));
        ClTensor y = ClOps.reduce(ClOps.Reduction.valueOf(op.name()), xf, axes, keepDim);
        closeCopy(xf, x);
        return wrap(castOwned(y, result));
    }

    @Override
    public Tensor softmax(Tensor x, int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        requireFloat32(op, x);
        return wrap(log ? ClOps.logSoftmax(cl(x), axis) : ClOps.softmax(cl(x), axis));
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be non-negative, got " + eps);
        }
        requireFloat32("layerNorm", x, weight, bias);
        return wrap(ClOps.layerNorm(cl(x), weight == null ? null : cl(weight), bias == null ? null : cl(bias), eps));
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        requireFloat32("matmul", a, b);
        return wrap(ClGemm.matmul(cl(a), cl(b)));
    }

    @Override
    public Optional<Tensor> attention(Tensor q, Tensor k, Tensor v, boolean causal, Tensor alibiSlopes, double scale) {
        for (Tensor t : new Tensor[] {q, k, v, alibiSlopes}) {
            if (t != null && t.dtype() != DType.FLOAT32) {
                return Optional.empty();
            }
        }
        if (q.size(-1) > ClAttention.MAX_HEAD_DIM) {
            return Optional.empty();
        }
        return Optional.of(wrap(ClAttention.flashAttention(cl(q), cl(k), cl(v), causal,
                alibiSlopes == null ? null : cl(alibiSlopes), scale)));
    }

    @Override
    public String toString() {
        return "ClDeviceBackend[" + device.name() + "]";
    }

    // ---------------------------------------------------------------- helpers

    /** x itself when float32, else a float32 copy (close it with {@link #closeCopy}). */
    private ClTensor float32(ClTensor x) {
        if (x.dtype() == DType.FLOAT32) {
            return x;
        }
        ClTensor f = ClTensor.empty(context, DType.FLOAT32, x.shape());
        convert(x, f);
        return f;
    }

    /** Closes {@code made} when it is a temporary copy, not a view of {@code original}'s buffer. */
    private void closeCopy(ClTensor made, Tensor original) {
        if (made.buffer() != ((ClMemory) original.storage().deviceMemory()).buffer()) {
            made.close();
        }
    }

    /** {@code y} (a fresh result) cast to {@code dtype}; y is closed when a cast copy replaces it. */
    private ClTensor castOwned(ClTensor y, DType dtype) {
        if (y.dtype() == dtype) {
            return y;
        }
        ClTensor out = ClTensor.empty(context, dtype, y.shape());
        convert(y, out);
        y.close();
        return out;
    }

    private void requireFloat32(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.dtype() != DType.FLOAT32) {
                throw Devices.unsupported(op, device, "dtype " + t.dtype() + "; device kernels of this op compute in float32");
            }
        }
    }

    private void checkDType(String op, DType dtype) {
        if (!DTYPE_CODES.contains(dtype)) {
            throw Devices.unsupported(op, device, "dtype " + dtype + "; device dtypes are " + DTYPE_CODES);
        }
    }

    private static int code(DType dtype) {
        return DTYPE_CODES.indexOf(dtype);
    }

    private ClLaunch launch(String kernel) {
        return context.kernels().program("dtypes.cl", Map.of()).launch(kernel);
    }

    private long[] global(long n) {
        return new long[] {Layouts.gridStride(context.device(), n, Layouts.elementwiseLocal(context.device()))};
    }

    private long[] local() {
        return new long[] {Layouts.elementwiseLocal(context.device())};
    }

    private static Layouts.Collapsed collapse(String op, int[] shape, long[]... strides) {
        Layouts.Collapsed c = Layouts.collapse(shape, strides);
        if (c.rank() > Layouts.MAX_RANK) {
            throw new IllegalArgumentException(op + ": layout of shape " + Shapes.format(shape) + " has " + c.rank()
                    + " dimensions that do not merge; device kernels take at most " + Layouts.MAX_RANK);
        }
        return c;
    }
}
