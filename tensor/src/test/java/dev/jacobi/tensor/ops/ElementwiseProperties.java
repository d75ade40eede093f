package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.TestTensors;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Elementwise ops against a naive float64 reference: the op table's scalar function applied
 * index by index with NumPy broadcasting written out here, over random shapes (with size-0 and
 * size-1 dims), broadcast pairs, non-contiguous layouts and every dtype.
 *
 * <p>Tolerances: + - * / of float32 or float64 are exactly rounded in both the SIMD kernels and the
 * reference (double rounding from double to float is innocuous for them), so they must match
 * exactly, as must integer, bool and comparison results. Transcendental functions in the SIMD kernels
 * (SVML-style) may differ from {@link Math} by a few ulps: 4e-6 relative for float32, 1e-13 for
 * float64. Half types hold 8 (bfloat16) or 11 (float16) significant bits: 1e-2 relative.
 */
class ElementwiseProperties {
    private static final DType[] DTYPES = DType.values();
    private static final Set<BinaryOp> EXACT_BINARY = EnumSet.of(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV,
            BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT,
            BinaryOp.GE, BinaryOp.LOGICAL_AND, BinaryOp.LOGICAL_OR);

    @Test
    void binaryOpsMatchFloat64ReferenceWithBroadcasting() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            BinaryOp op = BinaryOp.values()[rnd.nextInt(BinaryOp.values().length)];
            DType da = DTYPES[rnd.nextInt(DTYPES.length)];
            DType db = rnd.nextInt(3) == 0 ? DTYPES[rnd.nextInt(DTYPES.length)] : da;
            boolean complex = DType.promote(da, db).isComplex();
            if (complex && op.complexFunction() == null) {
                assertThatThrownBy(() -> Elementwise.binary(op, Tensor.zeros(da, 2), Tensor.zeros(db, 2)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(op.label());
                return;
            }
            int[][] shapes = broadcastPair(rnd);
            Tensor a = TestTensors.random(rnd, da, shapes[0], rnd.nextInt(4));
            Tensor b = TestTensors.random(rnd, db, shapes[1], rnd.nextInt(4));
            Tensor out = Elementwise.binary(op, a, b);
            checkBinary(op, a, b, out, "seed " + seed);
        });
    }

    @Test
    void largeFloatRowsTakeTheSimdAndParallelPathsAndMatch() {
        Random rnd = new Random(7);
        for (BinaryOp op : BinaryOp.values()) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Tensor a = TestTensors.random(rnd, dt, new int[] {2, 33_001}, 0);
                Tensor b = TestTensors.random(rnd, dt, new int[] {1, 33_001}, 0);
                checkBinary(op, a, b, Elementwise.binary(op, a, b), op + " " + dt);
                checkBinary(op, b, a.slice(0, 1, 2), Elementwise.binary(op, b, a.slice(0, 1, 2)), op + " " + dt);
                Tensor s = Tensor.scalar(dt, 1.5);
                checkBinary(op, a, s, Elementwise.binary(op, a, s), op + " scalar " + dt);
            }
        }
    }

    @Test
    void unaryOpsMatchFloat64Reference() {
        qt().withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            UnaryOp op = UnaryOp.values()[rnd.nextInt(UnaryOp.values().length)];
            DType dt = DTYPES[rnd.nextInt(DTYPES.length)];
            int[] shape = TestTensors.shape(rnd, rnd.nextInt(4), 6);
            Tensor x = TestTensors.random(rnd, dt, shape, rnd.nextInt(4));
            if (dt.isComplex() && op.complexFunction() == null) {
                assertThatThrownBy(() -> x.apply(op)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(op.label()).hasMessageContaining(dt.toString());
                return;
            }
            checkUnary(op, x, x.apply(op), "seed " + seed);
        });
    }

    @Test
    void largeFloat32UnaryRowsMatch() {
        Random rnd = new Random(11);
        Tensor x = TestTensors.random(rnd, DType.FLOAT32, new int[] {66_001}, 0);
        for (UnaryOp op : UnaryOp.values()) {
            checkUnary(op, x, x.apply(op), op.label());
        }
    }

    @Test
    void whereMatchesReference() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[][] ab = broadcastPair(rnd);
            DType dt = DTYPES[rnd.nextInt(DTYPES.length)];
            Tensor a = TestTensors.random(rnd, dt, ab[0], rnd.nextInt(4));
            Tensor b = TestTensors.random(rnd, DType.FLOAT64, ab[1], rnd.nextInt(4));
            int[] outShape = Shapes.broadcast("test", ab[0], ab[1]);
            Tensor cond = TestTensors.random(rnd, DType.BOOL, outShape, rnd.nextInt(4));
            Tensor out = Tensor.where(cond, a, b);
            assertThat(out.dtype()).isEqualTo(DType.promote(dt, DType.FLOAT64));
            int[][] idx = TestTensors.indices(outShape);
            for (int[] ix : idx) {
                Tensor src = cond.getDouble(ix) != 0 ? a : b;
                assertThat(out.getDouble(ix)).isEqualTo(src.getDouble(project(ix, src.shape())));
            }
        });
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 4, 3);
        assertThatThrownBy(() -> a.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4, 3]");
        assertThatThrownBy(() -> a.copyFrom(Tensor.zeros(DType.FLOAT32, 3, 3)))
                .hasMessageContaining("[3, 3]").hasMessageContaining("[2, 3]");
        assertThat(a.toDoubleArray()).containsOnly(0.0);
    }

    @Test
    void scalarsFollowPythonScalarPromotion() {
        assertThat(Tensor.ofInts(new int[] {1, 2}, 2).add(1).dtype()).isEqualTo(DType.INT32);
        assertThat(Tensor.ofInts(new int[] {1, 2}, 2).add(0.5).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(new float[] {1, 2}, 2).mul(3.0).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.ofInts(new int[] {7}, 1).div(2).toDoubleArray()).containsExactly(3.5);
        assertThat(Tensor.ofInts(new int[] {7}, 1).pow(2).toIntArray()).containsExactly(49);
    }

    // ------------------------------------------------------------------ reference

    static void checkBinary(BinaryOp op, Tensor a, Tensor b, Tensor out, String where) {
        int[] shape = Shapes.broadcast("test", a.shape(), b.shape());
        assertThat(out.shape()).as(where).containsExactly(shape);
        DType compute = op.computeType(a.dtype(), b.dtype());
        assertThat(out.dtype()).as(where).isEqualTo(op.resultType(a.dtype(), b.dtype()));
        double[] re = new double[2];
        for (int[] ix : TestTensors.indices(shape)) {
            int[] ia = project(ix, a.shape());
            int[] ib = project(ix, b.shape());
            double x = a.getDouble(ia);
            double y = b.getDouble(ib);
            double expected;
            double expectedIm = 0;
            if (compute.isComplex()) {
                op.complexFunction().apply(x, a.getImag(ia), y, b.getImag(ib), re);
                expected = re[0];
                expectedIm = re[1];
            } else if (!compute.isInexact()) {
                expected = op.integerFunction().applyAsLong((long) x, (long) y);
            } else if (compute == DType.FLOAT32) {
                expected = (float) op.apply((float) x, (float) y);
            } else {
                expected = op.apply(x, y);
            }
            expected = castTo(out.dtype(), expected);
            boolean exact = EXACT_BINARY.contains(op) || !out.dtype().isInexact();
            assertClose(out.getDouble(ix), expected, tolerance(out.dtype(), exact), where + " " + op + " at " + java.util.Arrays.toString(ix)
                    + " of " + a.dtype() + Shapes.format(a.shape()) + " and " + b.dtype() + Shapes.format(b.shape()));
            if (out.dtype().isComplex()) {
                assertClose(out.getImag(ix), castTo(out.dtype(), expectedIm), tolerance(out.dtype(), exact), where + " imag");
            }
        }
    }

    static void checkUnary(UnaryOp op, Tensor x, Tensor out, String where) {
        assertThat(out.shape()).containsExactly(x.shape());
        assertThat(out.dtype()).isEqualTo(op.resultType(x.dtype()));
        double[] re = new double[2];
        boolean half = out.dtype() == DType.FLOAT16 || out.dtype() == DType.BFLOAT16;
        for (int[] ix : TestTensors.indices(x.shape())) {
            double v = x.getDouble(ix);
            double expected;
            double expectedIm = 0;
            if (x.dtype().isComplex()) {
                op.complexFunction().apply(v, x.getImag(ix), re);
                expected = re[0];
                expectedIm = re[1];
            } else if (out.dtype().computeType() == DType.FLOAT32) {
                expected = (float) op.apply((float) v);
            } else {
                expected = op.apply(v);
            }
            expected = castTo(out.dtype(), expected);
            boolean exact = !out.dtype().isInexact() || (out.dtype() == DType.FLOAT64 && !x.dtype().isComplex());
            double tol = exact && !half ? 0 : tolerance(out.dtype(), false);
            assertClose(out.getDouble(ix), expected, tol, where + " " + op + " of " + x.dtype() + " " + v);
            if (out.dtype().isComplex()) {
                assertClose(out.getImag(ix), castTo(out.dtype(), expectedIm), tolerance(out.dtype(), false), where + " imag");
            }
        }
    }

    /** Rounds a double as storing it in {@code dtype} does. */
    static double castTo(DType dtype, double v) {
        Tensor t = Tensor.zeros(dtype);
        t.set(v);
        return t.getDouble();
    }

    static double tolerance(DType dt, boolean exact) {
        return switch (dt) {
            case FLOAT16, BFLOAT16 -> 1e-2;
            case FLOAT32, COMPLEX64 -> exact ? 0 : 4e-6;
            case FLOAT64, COMPLEX128 -> exact ? 0 : 1e-13;
            default -> 0;
        };
    }

    static void assertClose(double actual, double expected, double relTol, String what) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else if (Double.isInfinite(expected) || relTol == 0) {
            assertThat(actual).as(what).isEqualTo(expected);
        } else {
            assertThat(Math.abs(actual - expected)).as(what + ": got " + actual + ", expected " + expected)
                    .isLessThanOrEqualTo(relTol * Math.max(1, Math.abs(expected)));
        }
    }

    /** The index into an operand of shape {@code s} that broadcasting maps output index {@code ix} to. */
    static int[] project(int[] ix, int[] s) {
        int[] r = new int[s.length];
        int lead = ix.length - s.length;
        for (int i = 0; i < s.length; i++) {
            r[i] = s[i] == 1 ? 0 : ix[lead + i];
        }
        return r;
    }

    /** Two shapes that broadcast: a random output shape with dims dropped or set to 1 on either side. */
    static int[][] broadcastPair(Random rnd) {
        int[] out = TestTensors.shape(rnd, rnd.nextInt(5), 5);
        int[] a = out.clone();
        int[] b = out.clone();
        for (int i = 0; i < out.length; i++) {
            int r = rnd.nextInt(4);
            if (r == 0) {
                a[i] = 1;
            } else if (r == 1) {
                b[i] = 1;
            }
        }
        int dropA = rnd.nextInt(out.length + 1);
        a = java.util.Arrays.copyOfRange(a, rnd.nextBoolean() ? 0 : dropA, a.length);
        return new int[][] {a, b};
    }
}
