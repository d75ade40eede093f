package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.cpu.Simd;
import dev.jacobi.tensor.cpu.VectorKernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongBinaryOperator;

/**
 * Runs the ops of {@link UnaryOp} and {@link BinaryOp} (and where, fill, copy) over tensors of any
 * layout and dtype: broadcasting, type promotion, and the choice between the SIMD row kernels
 * (contiguous float32 / float64 rows) and the generic scalar path, which computes in float64,
 * in exact 64-bit integers, or in complex float64 as the dtypes require.
 */
public final class Elementwise {
    private Elementwise() {
    }

    /** Applies {@code op} elementwise with broadcasting; see {@link BinaryOp#resultType}. */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        if (Devices.onAccelerator(a, b)) {
            return Devices.binary(op, a, b);
        }
        int[] shape = Shapes.broadcast(op.label(), a.shape(), b.shape());
        DType compute = op.computeType(a.dtype(), b.dtype());
        Tensor out = Tensor.uninitialized(op.resultType(a.dtype(), b.dtype()), shape);
        binaryInto(op, compute, a, b, out);
        return out;
    }

    private static void binaryInto(BinaryOp op, DType compute, Tensor a, Tensor b, Tensor out) {
        int[] shape = out.shape();
        long[][] strides = {out.strides(), Loops.broadcastStrides(a.shape(), a.strides(), shape),
                Loops.broadcastStrides(b.shape(), b.strides(), shape)};
        long[] offsets = {out.offset(), a.offset(), b.offset()};
        Storage so = out.storage();
        Storage sa = a.storage();
        Storage sb = b.storage();
        MemorySegment mo = so.segment();
        MemorySegment ma = sa.segment();
        MemorySegment mb = sb.segment();
        boolean simd = Simd.enabled();
        DType od = out.dtype();
        if (compute == DType.FLOAT32 && a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && od == DType.FLOAT32) {
            Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
                if (step[0] == 1 && simd && VectorKernels.binaryFloat(op, n, mo, base[0], ma, base[1], step[1], mb, base[2], step[2])) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    so.setFloat(base[0] + i * step[0],
                            (float) op.apply(sa.getFloat(base[1] + i * step[1]), sb.getFloat(base[2] + i * step[2])));
                }
            });
            return;
        }
        if (compute == DType.FLOAT64 && a.dtype() == DType.FLOAT64 && b.dtype() == DType.FLOAT64 && od == DType.FLOAT64) {
            Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
                if (step[0] == 1 && simd && VectorKernels.binaryDouble(op, n, mo, base[0], ma, base[1], step[1], mb, base[2], step[2])) {
                    return;
                }
                for (int i = 0; i < n; i++) {
                    so.setDouble(base[0] + i * step[0], op.apply(sa.getDouble(base[1] + i * step[1]), sb.getDouble(base[2] + i * step[2])));
                }
            });
            return;
        }
        if (compute.isComplex()) {
            ComplexMath.Binary f = op.complexFunction();
            Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
                double[] r = new double[2];
                for (int i = 0; i < n; i++) {
                    long ia = base[1] + i * step[1];
                    long ib = base[2] + i * step[2];
                    f.apply(sa.getDouble(ia), sa.getImag(ia), sb.getDouble(ib), sb.getImag(ib), r);
                    long io = base[0] + i * step[0];
                    so.setDouble(io, r[0]);
                    so.setImag(io, r[1]);
                }
            });
            return;
        }
        LongBinaryOperator exact = op.integerFunction();
        if (!compute.isInexact() && exact != null) {
            Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
                for (int i = 0; i < n; i++) {
                    long x = (long) sa.getDouble(base[1] + i * step[1]);
                    long y = (long) sb.getDouble(base[2] + i * step[2]);
                    so.setDouble(base[0] + i * step[0], exact.applyAsLong(x, y));
                }
            });
            return;
        }
        // Generic real path: float64 arithmetic, rounded to float32 first when that is the compute type.
        boolean roundToFloat = compute == DType.FLOAT32;
        Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
            for (int i = 0; i < n; i++) {
                double x = sa.getDouble(base[1] + i * step[1]);
                double y = sb.getDouble(base[2] + i * step[2]);
                double r = roundToFloat ? (float) op.apply((float) x, (float) y) : op.apply(x, y);
                so.setDouble(base[0] + i * step[0], r);
            }
        });
    }

    /** Applies {@code op} elementwise; see {@link UnaryOp#resultType}. */
    public static Tensor unary(UnaryOp op, Tensor x) {
        if (Devices.onAccelerator(x)) {
            return Devices.unary(op, x);
        }
        DType in = x.dtype();
        Tensor out = Tensor.uninitialized(op.resultType(in), x.shape());
        int[] shape = x.shape();
        long[][] strides = {out.strides(), x.strides()};
        long[] offsets = {out.offset(), x.offset()};
        Storage so = out.storage();
        Storage sx = x.storage();
        MemorySegment mo = so.segment();
        MemorySegment mx = sx.segment();
        if (in.isComplex()) {
            ComplexMath.Unary f = op.complexFunction();
            Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
                double[] r = new double[2];
                for (int i = 0; i < n; i++) {
                    long ix = base[1] + i * step[1];
                    f.apply(sx.getDouble(ix), sx.getImag(ix), r);
                    long io = base[0] + i * step[0];
                    so.setDouble(io, r[0]);
                    so.setImag(io, r[1]);
                }
            });
            return out;
        }
        boolean vector = Simd.enabled() && in == DType.FLOAT32 && out.dtype() == DType.FLOAT32 && VectorKernels.hasUnaryFloat(op);
        boolean roundToFloat = out.dtype().computeType() == DType.FLOAT32;
        Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
            if (vector && step[0] == 1 && step[1] == 1 && VectorKernels.unaryFloatRow(op, n, mo, base[0], mx, base[1])) {
                return;
            }
            for (int i = 0; i < n; i++) {
                double v = sx.getDouble(base[1] + i * step[1]);
                so.setDouble(base[0] + i * step[0], roundToFloat ? (float) op.apply((float) v) : op.apply(v));
            }
        });
        return out;
    }

    /** Elementwise choice between {@code a} (where {@code cond} is true) and {@code b}, all broadcasting. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (Devices.onAccelerator(cond, a, b)) {
            return Devices.where(cond, a, b);
        }
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape(), a.shape()), b.shape());
        DType dt = DType.promote(a.dtype(), b.dtype());
        Tensor out = Tensor.uninitialized(dt, shape);
        long[][] strides = {out.strides(), Loops.broadcastStrides(cond.shape(), cond.strides(), shape),
                Loops.broadcastStrides(a.shape(), a.strides(), shape), Loops.broadcastStrides(b.shape(), b.strides(), shape)};
        long[] offsets = {out.offset(), cond.offset(), a.offset(), b.offset()};
        Storage so = out.storage();
        Storage sc = cond.storage();
        Storage sa = a.storage();
        Storage sb = b.storage();
        sc.checkAlive();
        sa.checkAlive();
        sb.checkAlive();
        Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
            for (int i = 0; i < n; i++) {
                long ic = base[1] + i * step[1];
                boolean pick = sc.getDouble(ic) != 0 || sc.getImag(ic) != 0;
                Storage src = pick ? sa : sb;
                long is = pick ? base[2] + i * step[2] : base[3] + i * step[3];
                long io = base[0] + i * step[0];
                so.setDouble(io, src.getDouble(is));
                so.setImag(io, src.getImag(is));
            }
        });
        return out;
    }

    /** Sets every element of {@code t} (any layout) to {@code value}. */
    public static void fill(Tensor t, double value) {
        if (Devices.onAccelerator(t)) {
            Devices.fill(t, value);
            return;
        }
        Storage s = t.storage();
        MemorySegment m = s.segment();
        boolean vector = Simd.enabled() && t.dtype() == DType.FLOAT32;
        Loops.forEachRow(t.shape(), new long[][] {t.strides()}, new long[] {t.offset()}, true, (n, base, step) -> {
            if (vector && step[0] == 1) {
                VectorKernels.fillFloat(m, base[0], n, (float) value);
                return;
            }
            for (int i = 0; i < n; i++) {
                s.setDouble(base[0] + i * step[0], value);
                s.setImag(base[0] + i * step[0], 0);
            }
        });
    }

    /**
     * Copies {@code src} into {@code dst}, broadcasting {@code src} to {@code dst}'s shape and casting.
     * Real values copied to a complex tensor get a zero imaginary part; complex to real keeps the real part.
     */
    public static void copyInto(Tensor src, Tensor dst) {
        if (Devices.onAccelerator(src, dst)) {
            Devices.copyInto(src, dst);
            return;
        }
        int[] shape = dst.shape();
        int[] bshape = Shapes.broadcast("copy", src.shape(), shape);
        if (!java.util.Arrays.equals(bshape, shape)) {
            throw new IllegalArgumentException("copy: source of shape " + Shapes.format(src.shape())
                    + " does not broadcast to destination shape " + Shapes.format(shape));
        }
        Storage ss = src.storage();
        Storage sd = dst.storage();
        MemorySegment ms = ss.segment();
        MemorySegment md = sd.segment();
        long[][] strides = {dst.strides(), Loops.broadcastStrides(src.shape(), src.strides(), shape)};
        long[] offsets = {dst.offset(), src.offset()};
        boolean sameType = src.dtype() == dst.dtype();
        long elem = dst.dtype().byteSize();
        boolean complexDst = dst.dtype().isComplex();
        boolean sameFloat = sameType && dst.dtype() == DType.FLOAT32;
        if (sameFloat && TransposedCopy.applies(src, dst)) {
            TransposedCopy.copy(src, dst);
            return;
        }
        Loops.forEachRow(shape, strides, offsets, true, (n, base, step) -> {
            if (sameType && step[0] == 1 && step[1] == 1) {
                MemorySegment.copy(ms, base[1] * elem, md, base[0] * elem, n * elem);
                return;
            }
            if (sameFloat) { // transposing and broadcasting copies: no per-element dtype dispatch
                for (int i = 0; i < n; i++) {
                    md.setAtIndex(ValueLayout.JAVA_FLOAT, base[0] + i * step[0], ms.getAtIndex(ValueLayout.JAVA_FLOAT, base[1] + i * step[1]));
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                long is = base[1] + i * step[1];
                long id = base[0] + i * step[0];
                sd.setDouble(id, ss.getDouble(is));
                if (complexDst) {
                    sd.setImag(id, ss.getImag(is));
                }
            }
        });
    }

    /** A complex tensor from real and imaginary parts (broadcasting); float64 parts give COMPLEX128. */
    public static Tensor complex(Tensor real, Tensor imag) {
        Devices.requireCpu("complex", real, imag);
        if (real.dtype().isComplex() || imag.dtype().isComplex()) {
            throw new IllegalArgumentException("complex: parts must be real, got " + real.dtype() + " and " + imag.dtype());
        }
        int[] shape = Shapes.broadcast("complex", real.shape(), imag.shape());
        DType dt = DType.promote(real.dtype(), imag.dtype()).toComplex();
        Tensor out = Tensor.uninitialized(dt, shape);
        Storage so = out.storage();
        Storage sr = real.storage();
        Storage si = imag.storage();
        sr.checkAlive();
        si.checkAlive();
        long[][] strides = {out.strides(), Loops.broadcastStrides(real.shape(), real.strides(), shape),
                Loops.broadcastStrides(imag.shape(), imag.strides(), shape)};
        Loops.forEachRow(shape, strides, new long[] {out.offset(), real.offset(), imag.offset()}, true, (n, base, step) -> {
            for (int i = 0; i < n; i++) {
                long io = base[0] + i * step[0];
                so.setDouble(io, sr.getDouble(base[1] + i * step[1]));
                so.setImag(io, si.getDouble(base[2] + i * step[2]));
            }
        });
        return out;
    }
}
