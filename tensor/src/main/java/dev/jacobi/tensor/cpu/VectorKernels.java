package dev.jacobi.tensor.cpu;

import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * SIMD row kernels for float32 and float64 over off-heap memory, with the widest species the CPU has.
 * Only touched when {@link Simd#enabled()}; each method returns false when it has no vector form for
 * the op, and the caller then takes the scalar path. Offsets are element indices.
 */
public final class VectorKernels {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int FLOAT_LANES = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorKernels() {
    }

    /** The lanewise vector operator for a binary op, or null. */
    private static VectorOperators.Binary binaryOperator(BinaryOp op) {
        return switch (op) {
            case ADD -> VectorOperators.ADD;
            case SUB -> VectorOperators.SUB;
            case MUL -> VectorOperators.MUL;
            case DIV -> VectorOperators.DIV;
            case MAXIMUM -> VectorOperators.MAX;
            case MINIMUM -> VectorOperators.MIN;
            case POW -> VectorOperators.POW;
            case ATAN2 -> VectorOperators.ATAN2;
            default -> null;
        };
    }

    /**
     * out[i] = op(a[ia + i*sa], b[ib + i*sb]) for float32 rows whose steps are 1 or 0 (broadcast).
     *
     * @return false when the op or the steps have no vector form
     */
    public static boolean binaryFloat(BinaryOp op, int n, MemorySegment out, long io,
                                      MemorySegment a, long ia, long sa, MemorySegment b, long ib, long sb) {
        VectorOperators.Binary vop = binaryOperator(op);
        if (vop == null || sa > 1 || sb > 1 || sa < 0 || sb < 0) {
            return false;
        }
        int bound = F.loopBound(n);
        int i = 0;
        if (sa == 1 && sb == 1) {
            for (; i < bound; i += F.length()) {
                FloatVector va = FloatVector.fromMemorySegment(F, a, (ia + i) * 4, ORDER);
                FloatVector vb = FloatVector.fromMemorySegment(F, b, (ib + i) * 4, ORDER);
                va.lanewise(vop, vb).intoMemorySegment(out, (io + i) * 4, ORDER);
            }
        } else if (sa == 1) {
            FloatVector vb = FloatVector.broadcast(F, b.getAtIndex(ValueLayout.JAVA_FLOAT, ib));
            for (; i < bound; i += F.length()) {
                FloatVector va = FloatVector.fromMemorySegment(F, a, (ia + i) * 4, ORDER);
                va.lanewise(vop, vb).intoMemorySegment(out, (io + i) * 4, ORDER);
            }
        } else if (sb == 1) {
            FloatVector va = FloatVector.broadcast(F, a.getAtIndex(ValueLayout.JAVA_FLOAT, ia));
            for (; i < bound; i += F.length()) {
                FloatVector vb = FloatVector.fromMemorySegment(F, b, (ib + i) * 4, ORDER);
                va.lanewise(vop, vb).intoMemorySegment(out, (io + i) * 4, ORDER);
            }
        } else {
            return false;
        }
        for (; i < n; i++) {
            float x = a.getAtIndex(ValueLayout.JAVA_FLOAT, ia + i * sa);
            float y = b.getAtIndex(ValueLayout.JAVA_FLOAT, ib + i * sb);
            out.setAtIndex(ValueLayout.JAVA_FLOAT, io + i, (float) op.apply(x, y));
        }
        return true;
    }

    /** As {@link #binaryFloat} for float64 rows. */
    public static boolean binaryDouble(BinaryOp op, int n, MemorySegment out, long io,
                                       MemorySegment a, long ia, long sa, MemorySegment b, long ib, long sb) {
        VectorOperators.Binary vop = binaryOperator(op);
        if (vop == null || sa > 1 || sb > 1 || sa < 0 || sb < 0 || (sa == 0 && sb == 0)) {
            return false;
        }
        int bound = D.loopBound(n);
        int i = 0;
        DoubleVector fixedA = sa == 0 ? DoubleVector.broadcast(D, a.getAtIndex(ValueLayout.JAVA_DOUBLE, ia)) : null;
        DoubleVector fixedB = sb == 0 ? DoubleVector.broadcast(D, b.getAtIndex(ValueLayout.JAVA_DOUBLE, ib)) : null;
        for (; i < bound; i += D.length()) {
            DoubleVector va = fixedA != null ? fixedA : DoubleVector.fromMemorySegment(D, a, (ia + i) * 8, ORDER);
            DoubleVector vb = fixedB != null ? fixedB : DoubleVector.fromMemorySegment(D, b, (ib + i) * 8, ORDER);
            va.lanewise(vop, vb).intoMemorySegment(out, (io + i) * 8, ORDER);
        }
        for (; i < n; i++) {
            double x = a.getAtIndex(ValueLayout.JAVA_DOUBLE, ia + i * sa);
            double y = b.getAtIndex(ValueLayout.JAVA_DOUBLE, ib + i * sb);
            out.setAtIndex(ValueLayout.JAVA_DOUBLE, io + i, op.apply(x, y));
        }
        return true;
    }

    /** Applies a unary op to a float vector, or returns null when it has no vector form. */
    private static FloatVector unaryFloat(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> x.broadcast(1f).div(x.sqrt());
            case SIN -> x.lanewise(VectorOperators.SIN);
            case COS -> x.lanewise(VectorOperators.COS);
            case TANH -> x.lanewise(VectorOperators.TANH);
            case SIGMOID -> x.broadcast(1f).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            case SILU -> x.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            case GELU_TANH -> {
                FloatVector inner = x.mul(x).mul(x).mul(0.044715f).add(x).mul((float) Math.sqrt(2 / Math.PI));
                yield inner.lanewise(VectorOperators.TANH).add(1f).mul(x).mul(0.5f);
            }
            case RELU -> x.max(0f); // Math.max semantics: NaN stays NaN
            case SQUARE -> x.mul(x);
            case RECIPROCAL -> x.broadcast(1f).div(x);
            case LOG1P -> x.lanewise(VectorOperators.LOG1P);
            case EXPM1 -> x.lanewise(VectorOperators.EXPM1);
            default -> null;
        };
    }

    /** True when {@link #unaryFloatRow} has a vector form of {@code op}. */
    public static boolean hasUnaryFloat(UnaryOp op) {
        return VECTOR_UNARY.contains(op);
    }

    private static final java.util.Set<UnaryOp> VECTOR_UNARY = java.util.EnumSet.noneOf(UnaryOp.class);

    static {
        for (UnaryOp op : UnaryOp.values()) {
            if (unaryFloat(op, FloatVector.zero(F)) != null) {
                VECTOR_UNARY.add(op);
            }
        }
    }

    /**
     * out[io + i] = op(x[ix + i]) for a contiguous float32 row.
     *
     * @return false when the op has no vector form
     */
    public static boolean unaryFloatRow(UnaryOp op, int n, MemorySegment out, long io, MemorySegment x, long ix) {
        if (!hasUnaryFloat(op)) {
            return false;
        }
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromMemorySegment(F, x, (ix + i) * 4, ORDER);
            unaryFloat(op, v).intoMemorySegment(out, (io + i) * 4, ORDER);
        }
        for (; i < n; i++) {
            out.setAtIndex(ValueLayout.JAVA_FLOAT, io + i,
                    (float) op.apply(x.getAtIndex(ValueLayout.JAVA_FLOAT, ix + i)));
        }
        return true;
    }

    /** Fills n float32 elements with a value. */
    public static void fillFloat(MemorySegment out, long io, int n, float value) {
        FloatVector v = FloatVector.broadcast(F, value);
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            v.intoMemorySegment(out, (io + i) * 4, ORDER);
        }
        for (; i < n; i++) {
            out.setAtIndex(ValueLayout.JAVA_FLOAT, io + i, value);
        }
    }
}
