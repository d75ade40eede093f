package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClDevice;
import dev.jacobi.cl.ClProgram;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * float32 tensor ops on an OpenCL device, each the device twin of a CPU op of {@code dev.jacobi.tensor}
 * (same names, broadcasting rules and error messages). Every op returns a new contiguous
 * {@link ClTensor} on the inputs' device, owned by the caller (or the open {@link dev.jacobi.cl.ClScope});
 * inputs may be any strided view. Launches are asynchronous: {@link ClTensor#toCpu()} waits.
 *
 * <p>Kernels: {@code elementwise.cl}, {@code copy.cl}, {@code reduce.cl}, {@code softmax.cl},
 * {@code layernorm.cl}; matrix products are in {@link ClGemm}, attention in {@link ClAttention}.
 */
public final class ClOps {
    /** The unary ops of {@code elementwise.cl}, in the order of its op codes. */
    private static final List<UnaryOp> UNARY_CODES = List.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.EXP, UnaryOp.LOG,
            UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.SIN, UnaryOp.COS, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.ERF,
            UnaryOp.GELU, UnaryOp.GELU_TANH, UnaryOp.SILU, UnaryOp.RELU, UnaryOp.SQUARE, UnaryOp.RECIPROCAL,
            UnaryOp.LOG1P, UnaryOp.EXPM1, UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND, UnaryOp.SIGN, UnaryOp.STEP, UnaryOp.GELU_SLOPE);
    /** The binary ops of {@code elementwise.cl}, in the order of its op codes. */
    private static final List<BinaryOp> BINARY_CODES = List.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL,
            BinaryOp.DIV, BinaryOp.POW, BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.ATAN2);

    /** The unary ops with a device kernel (every real-valued float op of the table). */
    public static final Set<UnaryOp> UNARY = Collections.unmodifiableSet(EnumSet.copyOf(UNARY_CODES));
    /** The binary ops with a device kernel (the arithmetic ones; comparisons give bool, not yet on device). */
    public static final Set<BinaryOp> BINARY = Collections.unmodifiableSet(EnumSet.copyOf(BINARY_CODES));

    private ClOps() {
    }

    // ---------------------------------------------------------------- elementwise

    /**
     * {@code op} applied to every element.
     *
     * @throws IllegalArgumentException when the op has no device kernel or {@code x} is not float32
     */
    public static ClTensor unary(UnaryOp op, ClTensor x) {
        if (!UNARY.contains(op)) {
            throw new IllegalArgumentException(op.label() + ": no OpenCL kernel (device unary ops: " + UNARY + ")");
        }
        checkFloat32(op.label(), x);
        ClContext ctx = x.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, x.shape());
        long n = x.numel();
        if (n == 0) {
            return out;
        }
        ClProgram p = elementwise(ctx);
        long local = Layouts.elementwiseLocal(ctx.device());
        long[] global = {Layouts.gridStride(ctx.device(), n, local)};
        if (x.isContiguous()) {
            p.launch("unary_contig").arg(UNARY_CODES.indexOf(op)).arg(x.buffer()).arg(x.offset())
                    .arg(out.buffer()).arg(n).run(global, new long[] {local});
        } else {
            Layouts.Collapsed c = collapse(op.label(), x.shape(), x.strides());
            p.launch("unary_strided").arg(UNARY_CODES.indexOf(op)).arg(x.buffer()).arg(x.offset()).argLong8(c.strides()[0])
                    .argLong8(c.shape()).arg(c.rank()).arg(out.buffer()).arg(n).run(global, new long[] {local});
        }
        return out;
    }

    /**
     * {@code op(a, b)} with NumPy broadcasting.
     *
     * @throws IllegalArgumentException when the op has no device kernel, an input is not float32, the
     *                                  shapes do not broadcast or the tensors live in different contexts
     */
    public static ClTensor binary(BinaryOp op, ClTensor a, ClTensor b) {
        if (!BINARY.contains(op)) {
            throw new IllegalArgumentException(op.label() + ": no OpenCL kernel (device binary ops: " + BINARY + ")");
        }
        checkFloat32(op.label(), a);
        checkFloat32(op.label(), b);
        checkSameContext(op.label(), a, b);
        int[] shape = Shapes.broadcast(op.label(), a.shape(), b.shape());
        ClContext ctx = a.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, shape);
        long n = out.numel();
        if (n == 0) {
            return out;
        }
        ClProgram p = elementwise(ctx);
        long local = Layouts.elementwiseLocal(ctx.device());
        long[] global = {Layouts.gridStride(ctx.device(), n, local)};
        if (a.isContiguous() && b.isContiguous() && Arrays.equals(a.shape(), shape) && Arrays.equals(b.shape(), shape)) {
            p.launch("binary_contig").arg(BINARY_CODES.indexOf(op)).arg(a.buffer()).arg(a.offset()).arg(b.buffer()).arg(b.offset())
                    .arg(out.buffer()).arg(n).run(global, new long[] {local});
        } else {
            ClTensor ea = a.expand(shape);
            ClTensor eb = b.expand(shape);
            Layouts.Collapsed c = collapse(op.label(), shape, ea.strides(), eb.strides());
            p.launch("binary_strided").arg(BINARY_CODES.indexOf(op)).arg(a.buffer()).arg(a.offset()).argLong8(c.strides()[0])
                    .arg(b.buffer()).arg(b.offset()).argLong8(c.strides()[1]).argLong8(c.shape()).arg(c.rank())
                    .arg(out.buffer()).arg(n).run(global, new long[] {local});
        }
        return out;
    }

    /** {@code a + b} with broadcasting. */
    public static ClTensor add(ClTensor a, ClTensor b) {
        return binary(BinaryOp.ADD, a, b);
    }

    /** {@code a * b} with broadcasting. */
    public static ClTensor mul(ClTensor a, ClTensor b) {
        return binary(BinaryOp.MUL, a, b);
    }

    // ---------------------------------------------------------------- layout copies

    /**
     * A contiguous copy of {@code x} (any layout: transposed, broadcast, strided). A batch of transposed
     * matrices takes the tiled transpose kernel, other layouts a strided gather.
     */
    public static ClTensor contiguous(ClTensor x) {
        checkFloat32("contiguous", x);
        ClContext ctx = x.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, x.shape());
        long n = x.numel();
        if (n == 0) {
            return out;
        }
        ClProgram p = ctx.kernels().program("copy.cl", Map.of());
        Layouts.Collapsed c = collapse("contiguous", x.shape(), x.strides());
        int r = c.rank();
        long[] s = c.shape();
        long[] st = c.strides()[0];
        // [B,] R x C read along R: in collapsed form the last stride is not 1 and the one before it is.
        if (r >= 2 && r <= 3 && st[r - 2] == 1 && st[r - 1] != 1 && s[r - 1] < Integer.MAX_VALUE
                && s[r - 2] < Integer.MAX_VALUE && ctx.device().maxWorkGroupSize() >= 256) {
            long batches = r == 3 ? s[0] : 1;
            long sb = r == 3 ? st[0] : 0;
            int rows = (int) s[r - 2];
            int cols = (int) s[r - 1];
            p.launch("transpose_tiled").arg(x.buffer()).arg(x.offset()).arg(sb).arg(st[r - 1]).arg(rows).arg(cols)
                    .arg(out.buffer()).run(new long[] {roundUp(cols, 16), roundUp(rows, 16), batches}, new long[] {16, 16, 1});
        } else {
            long local = Layouts.elementwiseLocal(ctx.device());
            p.launch("copy_strided").arg(x.buffer()).arg(x.offset()).argLong8(st).argLong8(s).arg(r)
                    .arg(out.buffer()).arg(n).run(new long[] {Layouts.gridStride(ctx.device(), n, local)}, new long[] {local});
        }
        return out;
    }

    // ---------------------------------------------------------------- reductions

    /** The reductions with device kernels. */
    public enum Reduction {
        SUM("sum"), MEAN("mean"), MAX("max"), MIN("min");

        private final String label;

        Reduction(String label) {
            this.label = label;
        }

        /** The op's name in messages. */
        public String label() {
            return label;
        }

        String kernel() {
            return this == MEAN ? "sum" : label;
        }
    }

    /** Sum over {@code axes} (all when empty), keeping them as size 1 when {@code keepDim}. */
    public static ClTensor sum(ClTensor x, int[] axes, boolean keepDim) {
        return reduce(Reduction.SUM, x, axes, keepDim);
    }

    /** Mean over {@code axes} (all when empty). */
    public static ClTensor mean(ClTensor x, int[] axes, boolean keepDim) {
        return reduce(Reduction.MEAN, x, axes, keepDim);
    }

    /** Maximum over {@code axes} (all when empty); NaN propagates. */
    public static ClTensor max(ClTensor x, int[] axes, boolean keepDim) {
        return reduce(Reduction.MAX, x, axes, keepDim);
    }

    /** Minimum over {@code axes} (all when empty); NaN propagates. */
    public static ClTensor min(ClTensor x, int[] axes, boolean keepDim) {
        return reduce(Reduction.MIN, x, axes, keepDim);
    }

    /**
     * Reduces {@code x} over {@code axes}. Empty reductions follow the CPU path: sum 0, mean NaN, max and
     * min throw.
     *
     * @throws IllegalArgumentException for a bad axis, a non-float32 input, or max/min over no elements
     */
    public static ClTensor reduce(Reduction op, ClTensor x, int[] axes, boolean keepDim) {
        String name = op.label();
        checkFloat32(name, x);
        int rank = x.rank();
        boolean[] mask = Shapes.axesMask(name, axes, rank);
        int[] shape = x.shape();
        int[] order = new int[rank];
        int k = 0;
        long outer = 1;
        long count = 1;
        for (int d = 0; d < rank; d++) {
            if (!mask[d]) {
                order[k++] = d;
                outer *= shape[d];
            }
        }
        int kept = k;
        for (int d = 0; d < rank; d++) {
            if (mask[d]) {
                order[k++] = d;
                count *= shape[d];
            }
        }
        int[] outShape = new int[keepDim ? rank : kept];
        for (int d = 0, j = 0; d < rank; d++) {
            if (keepDim) {
                outShape[d] = mask[d] ? 1 : shape[d];
            } else if (!mask[d]) {
                outShape[j++] = shape[d];
            }
        }
        if (count == 0 && outer > 0 && (op == Reduction.MAX || op == Reduction.MIN)) {
            throw new IllegalArgumentException(name + ": reduction over no elements (shape " + Shapes.format(shape)
                    + ", axes " + Arrays.toString(axes) + ")");
        }
        ClContext ctx = x.context();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, outShape);
        if (outer == 0) {
            return out;
        }
        ClProgram p = ctx.kernels().program("reduce.cl", Map.of());
        float scale = op == Reduction.MEAN ? (float) (1.0 / count) : 1f;
        if (count == 0) { // sum of nothing is 0, mean of nothing NaN: reduce a row of zero length
            rows(p, op, x, 0, outer, 0, out, scale);
            return out;
        }
        ClTensor rowsView = x.permute(order); // kept dimensions first, reduced last
        int[] colOrder = new int[rank];
        System.arraycopy(order, kept, colOrder, 0, rank - kept);
        System.arraycopy(order, 0, colOrder, rank - kept, kept);
        ClTensor colsView = x.permute(colOrder); // reduced first, kept last
        if (rowsView.isContiguous()) {
            rows(p, op, x, x.offset(), outer, count, out, scale);
        } else if (colsView.isContiguous() && outer > 1) {
            long local = Layouts.elementwiseLocal(ctx.device());
            p.launch("reduce_cols_" + op.kernel()).arg(x.buffer()).arg(x.offset()).arg(out.buffer()).arg(count)
                    .arg(outer).arg(scale).run(new long[] {Layouts.gridStride(ctx.device(), outer, local)}, new long[] {local});
        } else {
            try (ClTensor c = contiguous(rowsView)) {
                rows(p, op, c, 0, outer, count, out, scale);
            }
        }
        return out;
    }

    /** Row reduction of [rows, cols] at {@code offset} of {@code x}'s buffer, in one or two passes. */
    private static void rows(ClProgram p, Reduction op, ClTensor x, long offset, long rows, long cols, ClTensor out,
                             float scale) {
        ClDevice device = x.context().device();
        String kernel = "reduce_rows_" + op.kernel();
        int local = Layouts.rowLocal(device, cols);
        // Few long rows leave most of the device idle with one group per row: cut them into parts.
        long wantGroups = device.computeUnits() * 8L;
        int parts = (int) Math.max(1, Math.min((cols + 16L * local - 1) / (16L * local), (wantGroups + rows - 1) / rows));
        if (parts == 1) {
            p.launch(kernel).arg(x.buffer()).arg(offset).arg(out.buffer()).arg(rows).arg(cols).arg(1).arg(scale)
                    .local(4L * local).run(new long[] {rows * local}, new long[] {local});
            return;
        }
        try (ClTensor partial = ClTensor.empty(x.context(), DType.FLOAT32, (int) rows, parts)) {
            p.launch(kernel).arg(x.buffer()).arg(offset).arg(partial.buffer()).arg(rows).arg(cols).arg(parts).arg(1f)
                    .local(4L * local).run(new long[] {rows * parts * local}, new long[] {local});
            int local2 = Layouts.rowLocal(device, parts);
            p.launch(kernel).arg(partial.buffer()).arg(0L).arg(out.buffer()).arg(rows).arg((long) parts).arg(1)
                    .arg(scale).local(4L * local2).run(new long[] {rows * local2}, new long[] {local2});
        }
    }

    // ---------------------------------------------------------------- normalization

    /** Softmax along {@code axis}. */
    public static ClTensor softmax(ClTensor x, int axis) {
        return softmax("softmax", x, axis, false);
    }

    /** Log-softmax along {@code axis}, computed as x - max - log(sum(exp(x - max))). */
    public static ClTensor logSoftmax(ClTensor x, int axis) {
        return softmax("log_softmax", x, axis, true);
    }

    private static ClTensor softmax(String name, ClTensor x, int axis, boolean log) {
        checkFloat32(name, x);
        if (x.rank() == 0) {
            return softmax(name, x.reshape(1), 0, log).reshape();
        }
        int ax = Shapes.axis(name, axis, x.rank());
        int last = x.rank() - 1;
        if (ax != last) { // move the axis last, normalize the rows, move it back
            try (ClTensor moved = contiguous(x.transpose(ax, last)); ClTensor y = softmax(name, moved, -1, log)) {
                return contiguous(y.transpose(ax, last));
            }
        }
        ClContext ctx = x.context();
        ClTensor src = x.contiguous();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, x.shape());
        long cols = x.size(-1);
        long rows = cols == 0 ? 0 : x.numel() / cols;
        if (rows > 0) {
            int local = Layouts.rowLocal(ctx.device(), cols);
            ctx.kernels().program("softmax.cl", Map.of()).launch("softmax_rows").arg(src.buffer()).arg(src.offset())
                    .arg(out.buffer()).arg(cols).arg(log ? 1 : 0).local(4L * local)
                    .run(new long[] {rows * local}, new long[] {local});
        }
        if (src != x) {
            src.close();
        }
        return out;
    }

    /**
     * Layer normalization over the last dimension: (x - mean) / sqrt(var + eps) * weight + bias with the
     * population variance; {@code weight} and {@code bias} are 1-D of the last dimension's size, or null.
     */
    public static ClTensor layerNorm(ClTensor x, ClTensor weight, ClTensor bias, double eps) {
        checkFloat32("layer_norm", x);
        if (x.rank() == 0) {
            throw new IllegalArgumentException("layer_norm: needs at least 1 dimension, shape is []");
        }
        int cols = x.size(-1);
        for (ClTensor p : new ClTensor[] {weight, bias}) {
            if (p != null) {
                checkFloat32("layer_norm", p);
                checkSameContext("layer_norm", x, p);
                if (p.rank() != 1 || p.size(0) != cols) {
                    throw new IllegalArgumentException("layer_norm: weight and bias must have shape [" + cols
                            + "] for input " + Shapes.format(x.shape()) + ", got " + Shapes.format(p.shape()));
                }
            }
        }
        ClContext ctx = x.context();
        ClTensor src = x.contiguous();
        ClTensor w = weight == null ? null : weight.contiguous();
        ClTensor b = bias == null ? null : bias.contiguous();
        ClTensor out = ClTensor.empty(ctx, DType.FLOAT32, x.shape());
        long rows = cols == 0 ? 0 : x.numel() / cols;
        if (rows > 0) {
            int local = Layouts.rowLocal(ctx.device(), cols);
            // An unused weight or bias argument still needs a buffer: pass the input's.
            ctx.kernels().program("layernorm.cl", Map.of()).launch("layer_norm_rows")
                    .arg(src.buffer()).arg(src.offset())
                    .arg(w == null ? src.buffer() : w.buffer()).arg(w == null ? 0L : w.offset()).arg(w == null ? 0 : 1)
                    .arg(b == null ? src.buffer() : b.buffer()).arg(b == null ? 0L : b.offset()).arg(b == null ? 0 : 1)
                    .arg(out.buffer()).arg((long) cols).arg((float) eps).local(4L * local)
                    .run(new long[] {rows * local}, new long[] {local});
        }
        for (ClTensor[] pair : new ClTensor[][] {{src, x}, {w, weight}, {b, bias}}) {
            if (pair[0] != pair[1]) {
                pair[0].close();
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- checks and helpers

    static void checkFloat32(String op, ClTensor x) {
        x.checkOpen(op);
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": device ops compute in float32, got " + x.dtype()
                    + " of shape " + Shapes.format(x.shape()));
        }
    }

    static void checkSameContext(String op, ClTensor a, ClTensor b) {
        if (a.context() != b.context()) {
            throw new IllegalArgumentException(op + ": tensors on different contexts (" + a.context().device().name()
                    + " and " + b.context().device().name() + ")");
        }
    }

    private static ClProgram elementwise(ClContext ctx) {
        return ctx.kernels().program("elementwise.cl", Map.of());
    }

    private static Layouts.Collapsed collapse(String op, int[] shape, long[]... strides) {
        Layouts.Collapsed c = Layouts.collapse(shape, strides);
        if (c.rank() > Layouts.MAX_RANK) {
            throw new IllegalArgumentException(op + ": layout of shape " + Shapes.format(shape) + " has " + c.rank()
                    + " dimensions that do not merge; device kernels take at most " + Layouts.MAX_RANK);
        }
        return c;
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }
}
