package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Device elementwise ops against the CPU ops of the same name, over random shapes (sizes 1 included),
 * strided layouts and broadcast pairs.
 *
 * <p>Tolerances: OpenCL C 1.2 allows a few ulps for + - * (exact), / (2.5 ulp), sqrt (3 ulp) and up to
 * 4-16 ulp for the transcendental functions, against the CPU's float64 or SVML-style float32 results:
 * the exact ops must match exactly, the others within 4e-6 relative plus 1e-6 absolute (about 32 ulp
 * of float32, to cover pow's 16 ulp and erf/tanh near zero, where relative error is largest).
 */
class ElementwiseDeviceProperties {
    private static final Set<UnaryOp> EXACT_UNARY = EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SQUARE,
            UnaryOp.FLOOR, UnaryOp.CEIL, UnaryOp.ROUND, UnaryOp.SIGN);
    private static final Set<BinaryOp> EXACT_BINARY = EnumSet.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL,
            BinaryOp.MAXIMUM, BinaryOp.MINIMUM);

    @Test
    void unaryOpsMatchTheCpuPath() {
        ClContext ctx = ClTestSupport.context();
        UnaryOp[] ops = ClOps.UNARY.toArray(UnaryOp[]::new);
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            UnaryOp op = ops[rnd.nextInt(ops.length)];
            int[] shape = ClTestSupport.shape(rnd, rnd.nextInt(4), 9);
            var x = ClTestSupport.random(ctx, rnd, shape, rnd.nextInt(2));
            Tensor in = positiveFor(op) ? x.cpu().abs().add(0.01) : x.cpu();
            try (ClTensor dx = ClTensor.from(ctx, in); ClTensor dev = ClOps.unary(op, x.cpu() == in ? x.device() : dx)) {
                boolean exact = EXACT_UNARY.contains(op);
                ClTestSupport.assertClose(dev.toCpu(), in.apply(op), exact ? 0 : 1e-6, exact ? 0 : 4e-6,
                        op.label() + " " + Shapes.format(shape) + " seed " + seed);
            }
            x.device().close();
        });
    }

    @Test
    void everyUnaryOpRunsOnALongRowWithAnOddLength() {
        ClContext ctx = ClTestSupport.context();
        Random rnd = new Random(3);
        var x = ClTestSupport.random(ctx, rnd, new int[] {10_007}, 0);
        Tensor positive = x.cpu().abs().add(0.01);
        try (ClTensor dp = ClTensor.from(ctx, positive)) {
            for (UnaryOp op : ClOps.UNARY) {
                Tensor in = positiveFor(op) ? positive : x.cpu();
                try (ClTensor dev = ClOps.unary(op, positiveFor(op) ? dp : x.device())) {
                    boolean exact = EXACT_UNARY.contains(op);
                    ClTestSupport.assertClose(dev.toCpu(), in.apply(op), exact ? 0 : 1e-6, exact ? 0 : 4e-6, op.label());
                }
            }
        }
        x.device().close();
    }

    @Test
    void binaryOpsBroadcastLikeTheCpuPath() {
        ClContext ctx = ClTestSupport.context();
        BinaryOp[] ops = ClOps.BINARY.toArray(BinaryOp[]::new);
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            BinaryOp op = ops[rnd.nextInt(ops.length)];
            int rank = rnd.nextInt(4);
            int[] out = ClTestSupport.shape(rnd, rank, 7);
            int[] sa = broadcastable(rnd, out);
            int[] sb = broadcastable(rnd, out);
            var a = ClTestSupport.random(ctx, rnd, sa, rnd.nextInt(2));
            var b = ClTestSupport.random(ctx, rnd, sb, rnd.nextInt(2));
            Tensor ca = op == BinaryOp.POW ? a.cpu().abs().add(0.01) : a.cpu();
            try (ClTensor da = op == BinaryOp.POW ? ClTensor.from(ctx, ca) : null;
                 ClTensor dev = ClOps.binary(op, da != null ? da : a.device(), b.device())) {
                boolean exact = EXACT_BINARY.contains(op);
                ClTestSupport.assertClose(dev.toCpu(), Tensor.class.cast(binaryCpu(op, ca, b.cpu())), exact ? 0 : 1e-6,
                        exact ? 0 : 4e-6, op.label() + " " + Shapes.format(sa) + " with " + Shapes.format(sb) + " seed " + seed);
            }
            a.device().close();
            b.device().close();
        });
    }

    @Test
    void mismatchedShapesNameTheOpAndBothShapes() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor a = ClTensor.from(ctx, Tensor.zeros(dev.jacobi.tensor.DType.FLOAT32, 2, 3));
             ClTensor b = ClTensor.from(ctx, Tensor.zeros(dev.jacobi.tensor.DType.FLOAT32, 4, 3))) {
            assertThatThrownBy(() -> ClOps.binary(BinaryOp.ADD, a, b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 3]");
        }
    }

    @Test
    void nonFloat32InputsAreRejectedWithTheDtype() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor a = ClTensor.from(ctx, Tensor.ofInts(new int[] {1, 2}, 2))) {
            assertThatThrownBy(() -> ClOps.unary(UnaryOp.EXP, a)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exp").hasMessageContaining("int32");
        }
    }

    private static Tensor binaryCpu(BinaryOp op, Tensor a, Tensor b) {
        return dev.jacobi.tensor.ops.Elementwise.binary(op, a, b);
    }

    /** Ops whose domain is the positive numbers (elsewhere both sides give NaN, which tests little). */
    private static boolean positiveFor(UnaryOp op) {
        return op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.LOG1P;
    }

    /** A shape that broadcasts to {@code out}: a suffix of it with some sizes replaced by 1. */
    private static int[] broadcastable(Random rnd, int[] out) {
        int drop = out.length == 0 ? 0 : rnd.nextInt(out.length + 1);
        int[] s = new int[out.length - drop];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextInt(3) == 0 ? 1 : out[i + drop];
        }
        return s;
    }
}
