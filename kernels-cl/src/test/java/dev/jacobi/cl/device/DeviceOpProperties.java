package dev.jacobi.cl.device;

import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.cl.OpenClDevice;
import dev.jacobi.cl.ops.ClOps;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Device;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Every op that the tensor engine dispatches to a device, called through the ordinary {@link Tensor} API on
 * device tensors, against the same call on the CPU: random shapes (sizes 1 and 0-d included), strided
 * views, broadcasting, and 0-d CPU scalars mixed in.
 *
 * <p>Tolerances: copies, casts, fills, predicates, where and the exact elementwise ops (+ - * max min neg
 * abs ...) must agree exactly. Other elementwise ops: 1e-6 + 4e-6 relative (OpenCL allows up to 16 ulp for
 * pow and the transcendentals, see ElementwiseDeviceProperties). Reductions, softmax, layer norm and matmul
 * sum in another order than the CPU (tree vs. sequential, float32 accumulators): 1e-5 + 1e-5 relative,
 * about 100 ulp, enough for sums of at most a few hundred standard-normal terms.
 */
class DeviceOpProperties {
    private static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SQUARE,
            UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND, UnaryOp.SIGN, UnaryOp.LOGICAL_NOT);
    private static final Set<BinaryOp> EXACT_BINARY = EnumSet.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL,
            BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT,
            BinaryOp.GE, BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR);

    @Test
    void unaryOpsMatchTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        List<UnaryOp> ops = new ArrayList<>(ClOps.UNARY);
        ops.add(UnaryOp.LOGICAL_NOT);
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            UnaryOp op = ops.get(rnd.nextInt(ops.size()));
            var x = DeviceTensors.random(dev, rnd, ClTestSupport.shape(rnd, rnd.nextInt(4), 7), rnd.nextInt(2));
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.LOG1P;
            Tensor cpu = positive ? x.cpu().abs().add(0.01) : x.cpu();
            Tensor onDev = positive ? x.dev().abs().add(0.01) : x.dev();
            boolean exact = EXACT_UNARY.contains(op);
            Tensor y = onDev.apply(op);
            assertThat(y.device()).isEqualTo(dev);
            ClTestSupport.assertClose(y.toCpu(), cpu.apply(op), exact ? 0 : 1e-6, exact ? 0 : 4e-6,
                    op.label() + " " + Shapes.format(cpu.shape()) + " seed " + seed);
        });
    }

    @Test
    void binaryOpsBroadcastAndMatchTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        List<BinaryOp> ops = new ArrayList<>(ClOps.BINARY);
        ops.addAll(List.of(BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE,
                BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR));
        qt().withExamples(50).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            BinaryOp op = ops.get(rnd.nextInt(ops.size()));
            int[] shape = ClTestSupport.shape(rnd, rnd.nextInt(4), 6);
            var a = DeviceTensors.random(dev, rnd, shape, rnd.nextInt(2));
            boolean scalar = rnd.nextInt(4) == 0; // a 0-d CPU tensor follows the device operand
            var b = scalar ? null : DeviceTensors.random(dev, rnd, DeviceTensors.broadcastable(rnd, shape), rnd.nextInt(2));
            Tensor bCpu = scalar ? Tensor.scalar(DType.FLOAT32, 0.5) : b.cpu();
            Tensor bDev = scalar ? bCpu : b.dev();
            Tensor aCpu = a.cpu();
            Tensor aDev = a.dev();
            if (BinaryOp.EQ.compareTo(op) <= 0 || op == BinaryOp.POW) { // rounded values: ties for predicates, real powers
                aCpu = op == BinaryOp.POW ? aCpu.abs().add(0.1) : aCpu.round();
                aDev = op == BinaryOp.POW ? aDev.abs().add(0.1) : aDev.round();
                bCpu = op == BinaryOp.POW ? bCpu : bCpu.round();
                bDev = op == BinaryOp.POW ? bDev : bDev.round();
            }
            boolean exact = EXACT_BINARY.contains(op);
            Tensor y = Tensor.binary(op, aDev, bDev);
            Tensor expected = Tensor.binary(op, aCpu, bCpu);
            assertThat(y.dtype()).isEqualTo(expected.dtype());
            ClTestSupport.assertClose(y.toCpu(), expected, exact ? 0 : 1e-6, exact ? 0 : 4e-6,
                    op.label() + " " + Shapes.format(aCpu.shape()) + " x " + Shapes.format(bCpu.shape()) + " seed " + seed);
        });
    }

    @Test
    void whereCastsCopiesAndFillsMatchTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] shape = ClTestSupport.shape(rnd, rnd.nextInt(4), 6);
            var a = DeviceTensors.random(dev, rnd, shape, rnd.nextInt(2));
            var b = DeviceTensors.random(dev, rnd, DeviceTensors.broadcastable(rnd, shape), rnd.nextInt(2));
            String what = Shapes.format(shape) + " seed " + seed;
            // where with a bool condition from a predicate and a 0-d CPU scalar branch
            Tensor w = Tensor.where(a.dev().gt(b.dev()), a.dev(), Tensor.zeros(DType.FLOAT32));
            ClTestSupport.assertClose(w.toCpu(), Tensor.where(a.cpu().gt(b.cpu()), a.cpu(), Tensor.zeros(DType.FLOAT32)), 0, 0, "where " + what);
            // casts through every device dtype and back
            for (DType dt : List.of(DType.BOOL, DType.INT32, DType.INT8)) {
                Tensor scaled = a.dev().mul(3).to(dt);
                assertThat(scaled.dtype()).isEqualTo(dt);
                ClTestSupport.assertClose(scaled.to(DType.FLOAT32).toCpu(), a.cpu().mul(3).to(dt).to(DType.FLOAT32), 0, 0, dt + " " + what);
            }
            // copyFrom with broadcasting into a strided (transposed) view of a device tensor, then fill a slice
            Tensor dst = transposed(a.dev().mul(1));
            Tensor cpuDst = transposed(a.cpu().mul(1));
            Tensor src = Tensor.full(DType.FLOAT32, 2.5, dst.shape().length == 0 ? new int[0] : new int[] {dst.size(-1)});
            dst.copyFrom(src.to(dev));
            cpuDst.copyFrom(src);
            ClTestSupport.assertClose(dst.toCpu(), cpuDst, 0, 0, "copyFrom " + what);
            if (shape.length > 0) {
                dst.slice(0, 0, 1).fill(-1);
                cpuDst.slice(0, 0, 1).fill(-1);
                ClTestSupport.assertClose(dst.toCpu(), cpuDst, 0, 0, "fill " + what);
            }
            // views of device tensors: permute, slice with a step, expand, then contiguous
            if (shape.length == 2) {
                Tensor v = a.dev().transpose(0, 1).slice(0, 0, shape[1], 2).unsqueeze(0).expand(3, (shape[1] + 1) / 2, shape[0]);
                ClTestSupport.assertClose(v.contiguous().toCpu(),
                        a.cpu().transpose(0, 1).slice(0, 0, shape[1], 2).unsqueeze(0).expand(3, (shape[1] + 1) / 2, shape[0]), 0, 0,
                        "views " + what);
            }
        });
    }

    /** The matrix transpose (a strided view) of a tensor of rank 2 or more; lower ranks as they are. */
    private static Tensor transposed(Tensor t) {
        return t.rank() >= 2 ? t.mT() : t;
    }

    @Test
    void reductionsMatchTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] shape = ClTestSupport.shape(rnd, rnd.nextInt(4), 7);
            var x = DeviceTensors.random(dev, rnd, shape, rnd.nextInt(2));
            int[] axes = DeviceTensors.axes(rnd, shape.length);
            boolean keep = rnd.nextBoolean();
            String what = Shapes.format(shape) + " axes " + Arrays.toString(axes) + " keepDim " + keep + " seed " + seed;
            ClTestSupport.assertClose(x.dev().sum(axes, keep).toCpu(), x.cpu().sum(axes, keep), 1e-5, 1e-5, "sum " + what);
            ClTestSupport.assertClose(x.dev().mean(axes, keep).toCpu(), x.cpu().mean(axes, keep), 1e-5, 1e-5, "mean " + what);
            ClTestSupport.assertClose(x.dev().max(axes, keep).toCpu(), x.cpu().max(axes, keep), 0, 0, "max " + what);
            ClTestSupport.assertClose(x.dev().min(axes, keep).toCpu(), x.cpu().min(axes, keep), 0, 0, "min " + what);
            ClTestSupport.assertClose(x.dev().logsumexp(axes, keep).toCpu(), x.cpu().logsumexp(axes, keep), 1e-5, 1e-5,
                    "logsumexp " + what);
            Tensor bools = x.dev().gt(0);
            assertThat(bools.sum(axes, keep).dtype()).isEqualTo(x.cpu().gt(0).sum(axes, keep).dtype());
            ClTestSupport.assertClose(bools.sum(axes, keep).toCpu(), x.cpu().gt(0).sum(axes, keep), 0, 0, "bool sum " + what);
        });
    }

    @Test
    void normalizationAndMatmulMatchTheCpu() {
        OpenClDevice dev = DeviceTensors.device();
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] shape = ClTestSupport.shape(rnd, 1 + rnd.nextInt(3), 7);
            var x = DeviceTensors.random(dev, rnd, shape, rnd.nextInt(2));
            int axis = rnd.nextInt(shape.length) - (rnd.nextBoolean() ? shape.length : 0);
            String what = Shapes.format(shape) + " axis " + axis + " seed " + seed;
            ClTestSupport.assertClose(x.dev().softmax(axis).toCpu(), x.cpu().softmax(axis), 1e-6, 1e-5, "softmax " + what);
            ClTestSupport.assertClose(x.dev().logSoftmax(axis).toCpu(), x.cpu().logSoftmax(axis), 1e-5, 1e-5, "logSoftmax " + what);
            var w = DeviceTensors.random(dev, rnd, new int[] {shape[shape.length - 1]}, rnd.nextInt(2));
            var b = DeviceTensors.random(dev, rnd, new int[] {shape[shape.length - 1]}, rnd.nextInt(2));
            ClTestSupport.assertClose(x.dev().layerNorm(w.dev(), b.dev(), 1e-5).toCpu(), x.cpu().layerNorm(w.cpu(), b.cpu(), 1e-5),
                    1e-5, 1e-5, "layerNorm " + what);
            // batched matmul: [batch?, m, k] x [k, n] or [1, k, n] (batch broadcast), and 1-D operands
            int m = 1 + rnd.nextInt(9);
            int k = 1 + rnd.nextInt(9);
            int n = 1 + rnd.nextInt(9);
            int[] aShape = rnd.nextBoolean() ? new int[] {1 + rnd.nextInt(3), m, k} : rnd.nextInt(4) == 0 ? new int[] {k} : new int[] {m, k};
            int[] bShape = rnd.nextBoolean() ? new int[] {k, n} : rnd.nextInt(4) == 0 ? new int[] {k} : new int[] {1, k, n};
            var a = DeviceTensors.random(dev, rnd, aShape, rnd.nextInt(2));
            var bb = DeviceTensors.random(dev, rnd, bShape, rnd.nextInt(2));
            ClTestSupport.assertClose(a.dev().matmul(bb.dev()).toCpu(), a.cpu().matmul(bb.cpu()), 1e-5, 1e-5,
                    "matmul " + Shapes.format(aShape) + " x " + Shapes.format(bShape) + " seed " + seed);
        });
    }

    @Test
    void tensorsMoveBetweenDevicesUnchanged() {
        OpenClDevice dev = DeviceTensors.device();
        Random rnd = new Random(11);
        var x = DeviceTensors.random(dev, rnd, new int[] {3, 4, 5}, 1);
        Tensor there = x.cpu().to(dev);
        assertThat(there.device()).isEqualTo(dev);
        assertThat(there.isContiguous()).isTrue();
        Tensor back = there.toCpu();
        assertThat(back.device()).isEqualTo(Device.CPU);
        assertThat(back.toFloatArray()).containsExactly(x.cpu().toFloatArray());
        assertThat(x.dev().permute(2, 0, 1).toCpu().toFloatArray()).containsExactly(x.cpu().permute(2, 0, 1).toFloatArray());
        Tensor ints = Tensor.ofInts(new int[] {16_777_217, -3, 0}, 3);
        assertThat(ints.to(dev).toCpu().toIntArray()).as("int32 copies move bits").containsExactly(16_777_217, -3, 0);
        assertThat(there.to(dev)).isSameAs(there);
    }
}
