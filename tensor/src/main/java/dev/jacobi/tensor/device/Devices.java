package dev.jacobi.tensor.device;

import dev.jacobi.tensor.Accelerator;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;

import java.util.stream.IntStream;

/**
 * Hands ops on device tensors to their device's {@link DeviceBackend}. The op classes of
 * {@code dev.jacobi.tensor.ops} call it at their entry points, so that {@link Tensor} and its autograd
 * rules stay the same on every device:
 *
 * <pre>{@code
 * if (Devices.onAccelerator(a, b)) {
 *     return Devices.binary(op, a, b);
 * }
 * }</pre>
 *
 * <p>Placement rule: the operands of an op share one device; a 0-d CPU tensor (a scalar, such as the
 * autograd rules make with {@code Tensor.zeros(dtype)}) is copied to the others' device. Any other mix
 * is an {@link IllegalArgumentException} naming the op, the shapes and the devices; nothing moves
 * silently.
 */
public final class Devices {
    private Devices() {
    }

    /** True when some of the (non-null) tensors live on an {@link Accelerator}. */
    public static boolean onAccelerator(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.device() instanceof Accelerator) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one accelerator that the (non-null) operands of {@code op} live on.
     *
     * @throws IllegalArgumentException when operands live on different devices (0-d CPU tensors excepted)
     *                                  or none is on an accelerator
     */
    public static Accelerator common(String op, Tensor... tensors) {
        Tensor first = null;
        for (Tensor t : tensors) {
            if (t != null && t.device() instanceof Accelerator) {
                first = t;
                break;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException(op + ": no operand is on an accelerator");
        }
        Device device = first.device();
        for (Tensor t : tensors) {
            if (t == null || t.device().equals(device) || (t.device() == Device.CPU && t.rank() == 0)) {
                continue;
            }
            throw new IllegalArgumentException(op + ": operands on different devices: " + Shapes.format(first.shape())
                    + " on " + device.name() + " and " + Shapes.format(t.shape()) + " on " + t.device().name()
                    + "; move one with to(device) or toCpu() (only 0-d CPU tensors mix with device tensors)");
        }
        return (Accelerator) device;
    }

    /**
     * The error for an op that {@code device} has no kernel for.
     *
     * @param what what is missing, e.g. {@code "dtype FLOAT64"}, or null
     */
    public static UnsupportedOperationException unsupported(String op, Device device, String what) {
        return new UnsupportedOperationException(op + ": not implemented on " + device.name()
                + (what == null ? "" : " (" + what + ")") + "; move the tensors to the CPU with toCpu()");
    }

    /**
     * Refuses device tensors for an op that only runs on the CPU.
     *
     * @throws UnsupportedOperationException naming the op and the device when some tensor is on an accelerator
     */
    public static void requireCpu(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null && t.device() instanceof Accelerator) {
                throw unsupported(op, t.device(), null);
            }
        }
    }

    /** A contiguous tensor of unspecified values on {@code device}. */
    public static Tensor uninitialized(Device device, DType dtype, int... shape) {
        if (device instanceof Accelerator a) {
            Shapes.checkShape("uninitialized", shape);
            return Tensor.view(a.backend().allocate(dtype, Shapes.numel(shape)), shape, Shapes.contiguousStrides(shape), 0);
        }
        return Tensor.uninitialized(dtype, shape);
    }

    /** A copy of {@code t} on {@code target} (t itself when it is there already); no autograd recording. */
    public static Tensor transfer(Tensor t, Device target) {
        Device from = t.device();
        if (from.equals(target)) {
            return t;
        }
        Tensor cpu = from instanceof Accelerator a ? a.backend().download(t) : t;
        return target instanceof Accelerator b ? b.backend().upload(cpu) : cpu;
    }

    // ---------------------------------------------------------------- dispatch

    /** {@link DeviceBackend#unary} on x's device. */
    public static Tensor unary(UnaryOp op, Tensor x) {
        Accelerator a = common(op.label(), x);
        return a.backend().unary(op, x);
    }

    /** {@link DeviceBackend#binary} on the operands' device. */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Accelerator d = common(op.label(), a, b);
        return d.backend().binary(op, on(d, a), on(d, b));
    }

    /** {@link DeviceBackend#where} on the operands' device. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Accelerator d = common("where", cond, a, b);
        return d.backend().where(on(d, cond), on(d, a), on(d, b));
    }

    /** {@link DeviceBackend#fill} on t's device. */
    public static void fill(Tensor t, double value) {
        common("fill", t).backend().fill(t, value);
    }

    /**
     * {@link DeviceBackend#copyInto} on dst's device.
     *
     * @throws IllegalArgumentException when dst is on the CPU and src on a device, or they are on different devices
     */
    public static void copyInto(Tensor src, Tensor dst) {
        if (!(dst.device() instanceof Accelerator)) {
            throw new IllegalArgumentException("copy: source " + Shapes.format(src.shape()) + " is on " + src.device().name()
                    + " and destination " + Shapes.format(dst.shape()) + " on " + dst.device().name()
                    + "; bring the source over with toCpu() first");
        }
        Accelerator d = common("copy", dst, src);
        d.backend().copyInto(on(d, src), dst);
    }

    /** {@link DeviceBackend#reduce} on x's device. */
    public static Tensor reduce(DeviceBackend.Reduction op, Tensor x, int[] axes, boolean keepDim) {
        return common(op.label(), x).backend().reduce(op, x, axes, keepDim);
    }

    /** log(sum(exp(x))) over {@code axes}, composed from the device's reduce, unary and binary ops. */
    public static Tensor logsumexp(Tensor x, int[] axes, boolean keepDim) {
        DeviceBackend be = common("logsumexp", x).backend();
        Tensor m = be.reduce(DeviceBackend.Reduction.MAX, x, axes, true);
        // An infinite maximum (a row of -inf, or +inf) would give inf - inf = NaN: shift by 0 there instead.
        Tensor infinite = be.binary(BinaryOp.EQ, be.unary(UnaryOp.ABS, m), be.upload(Tensor.scalar(m.dtype(), Double.POSITIVE_INFINITY)));
        Tensor shift = be.where(infinite, be.upload(Tensor.zeros(m.dtype())), m);
        Tensor sum = be.reduce(DeviceBackend.Reduction.SUM, be.unary(UnaryOp.EXP, be.binary(BinaryOp.SUB, x, shift)), axes, true);
        Tensor r = be.binary(BinaryOp.ADD, be.unary(UnaryOp.LOG, sum), shift);
        if (keepDim) {
            return r;
        }
        boolean[] reduced = axes.length == 0 ? null : Shapes.axesMask("logsumexp", axes, x.rank());
        int[] out = IntStream.range(0, x.rank()).filter(i -> reduced != null && !reduced[i]).map(x::size).toArray();
        return Tensor.view(r.storage(), out, Shapes.contiguousStrides(out), r.offset());
    }

    /** {@link DeviceBackend#softmax} on x's device. */
    public static Tensor softmax(Tensor x, int axis, boolean log) {
        return common(log ? "logSoftmax" : "softmax", x).backend().softmax(x, axis, log);
    }

    /** {@link DeviceBackend#layerNorm} on x's device. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        Accelerator d = common("layerNorm", x, weight, bias);
        return d.backend().layerNorm(x, on(d, weight), on(d, bias), eps);
    }

    /** {@link DeviceBackend#matmul} on the operands' device. */
    public static Tensor matmul(Tensor a, Tensor b) {
        Accelerator d = common("matmul", a, b);
        return d.backend().matmul(on(d, a), on(d, b));
    }

    /** t on {@code device}: itself, or a 0-d CPU scalar copied there (null stays null). */
    private static Tensor on(Accelerator device, Tensor t) {
        return t == null || t.device().equals(device) ? t : device.backend().upload(t);
    }
}
