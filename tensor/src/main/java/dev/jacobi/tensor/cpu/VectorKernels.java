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
    static final int DOUBLE_LANES = D.length();
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
     * @return false when the op or the steps have no vector form (the caller then loops in scalar code)
     */
    public static boolean binaryFloat(BinaryOp op, int n, MemorySegment out, long io,
                                      MemorySegment a, long ia, long sa, MemorySegment b, long ib, long sb) {
        if (sa < 0 || sa > 1 || sb < 0 || sb > 1 || (sa == 0 && sb == 0)) {
            return false;
        }
        // Each op has its own loop: the Vector API compiles to SIMD instructions only where the
        // JIT sees the operation as a constant, which a shared loop taking the op as a parameter
        // (compiled on its own when the loop runs hot) does not give (measured: 10x slower).
        int bound = F.loopBound(n);
        long oo = io * 4;
        long oa = ia * 4;
        long ob = ib * 4;
        int i = 0;
        boolean both = sa == 1 && sb == 1;
        boolean left = sa == 1; // else the left operand is the broadcast one
        // Never null: C2 crashed (SIGSEGV at address 0x10) on a null vector here, though only dead paths read it.
        FloatVector fixed = both ? FloatVector.zero(F) : left ? FloatVector.broadcast(F, b.getAtIndex(ValueLayout.JAVA_FLOAT, ib)) : FloatVector.broadcast(F, a.getAtIndex(ValueLayout.JAVA_FLOAT, ia));
        long ov = left ? oa : ob;
        MemorySegment mv = left ? a : b;
        switch (op) {
            case ADD -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).add(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).add(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.add(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            case SUB -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).sub(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).sub(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.sub(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            case MUL -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).mul(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).mul(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.mul(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            case DIV -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).div(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).div(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.div(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            case MAXIMUM -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).max(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).max(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.max(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            case MINIMUM -> {
                if (both) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, a, oa + i * 4L, ORDER).min(FloatVector.fromMemorySegment(F, b, ob + i * 4L, ORDER))
                                .intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += FLOAT_LANES) {
                        FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER).min(fixed).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                } else {
                    for (; i < bound; i += FLOAT_LANES) {
                        fixed.min(FloatVector.fromMemorySegment(F, mv, ov + i * 4L, ORDER)).intoMemorySegment(out, oo + i * 4L, ORDER);
                    }
                }
            }
            default -> {
                return false;
            }
        }
        for (; i < n; i++) {
            float x = a.getAtIndex(ValueLayout.JAVA_FLOAT, ia + i * sa);
            float y = b.getAtIndex(ValueLayout.JAVA_FLOAT, ib + i * sb);
            out.setAtIndex(ValueLayout.JAVA_FLOAT, io + i, (float) op.apply(x, y));
        }
        return true;
    }

    /**
     * out[i] = op(a[ia + i*sa], b[ib + i*sb]) for float64 rows whose steps are 1 or 0 (broadcast).
     *
     * @return false when the op or the steps have no vector form (the caller then loops in scalar code)
     */
    public static boolean binaryDouble(BinaryOp op, int n, MemorySegment out, long io,
                                      MemorySegment a, long ia, long sa, MemorySegment b, long ib, long sb) {
        if (sa < 0 || sa > 1 || sb < 0 || sb > 1 || (sa == 0 && sb == 0)) {
            return false;
        }
        // Each op has its own loop: the Vector API compiles to SIMD instructions only where the
        // JIT sees the operation as a constant, which a shared loop taking the op as a parameter
        // (compiled on its own when the loop runs hot) does not give (measured: 10x slower).
        int bound = D.loopBound(n);
        long oo = io * 8;
        long oa = ia * 8;
        long ob = ib * 8;
        int i = 0;
        boolean both = sa == 1 && sb == 1;
        boolean left = sa == 1; // else the left operand is the broadcast one
        // Never null: C2 crashed (SIGSEGV at address 0x10) on a null vector here, though only dead paths read it.
        DoubleVector fixed = both ? DoubleVector.zero(D) : left ? DoubleVector.broadcast(D, b.getAtIndex(ValueLayout.JAVA_DOUBLE, ib)) : DoubleVector.broadcast(D, a.getAtIndex(ValueLayout.JAVA_DOUBLE, ia));
        long ov = left ? oa : ob;
        MemorySegment mv = left ? a : b;
        switch (op) {
            case ADD -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).add(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).add(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.add(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            case SUB -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).sub(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).sub(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.sub(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            case MUL -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).mul(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).mul(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.mul(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            case DIV -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).div(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).div(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.div(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            case MAXIMUM -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).max(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).max(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.max(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            case MINIMUM -> {
                if (both) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, a, oa + i * 8L, ORDER).min(DoubleVector.fromMemorySegment(D, b, ob + i * 8L, ORDER))
                                .intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else if (left) {
                    for (; i < bound; i += DOUBLE_LANES) {
                        DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER).min(fixed).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                } else {
                    for (; i < bound; i += DOUBLE_LANES) {
                        fixed.min(DoubleVector.fromMemorySegment(D, mv, ov + i * 8L, ORDER)).intoMemorySegment(out, oo + i * 8L, ORDER);
                    }
                }
            }
            default -> {
                return false;
            }
        }
        for (; i < n; i++) {
            double x = a.getAtIndex(ValueLayout.JAVA_DOUBLE, ia + i * sa);
            double y = b.getAtIndex(ValueLayout.JAVA_DOUBLE, ib + i * sb);
            out.setAtIndex(ValueLayout.JAVA_DOUBLE, io + i, (double) op.apply(x, y));
        }
        return true;
    }

    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
    private static final FloatVector ZERO = FloatVector.zero(F);
    private static final FloatVector HALF = FloatVector.broadcast(F, 0.5f);
    private static final FloatVector GELU_CUBIC = FloatVector.broadcast(F, 0.044715f);
    private static final FloatVector SQRT_2_OVER_PI = FloatVector.broadcast(F, (float) Math.sqrt(2 / Math.PI));
    private static final java.util.Set<UnaryOp> VECTOR_UNARY = java.util.EnumSet.of(UnaryOp.NEG, UnaryOp.ABS, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.SIN, UnaryOp.COS, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SILU, UnaryOp.GELU_TANH, UnaryOp.RELU, UnaryOp.STEP, UnaryOp.ERF, UnaryOp.GELU, UnaryOp.GELU_SLOPE, UnaryOp.SQUARE, UnaryOp.RECIPROCAL, UnaryOp.LOG1P, UnaryOp.EXPM1);

    /** True when {@link #unaryFloatRow} has a vector form of {@code op}. */
    public static boolean hasUnaryFloat(UnaryOp op) {
        return VECTOR_UNARY.contains(op);
    }

    /**
     * out[io + i] = op(x[ix + i]) for a contiguous float32 row (one loop per op, as in binaryFloat).
     * RELU keeps NaN (Math.max semantics); SIGMOID and SILU saturate through exp overflow to 0 or x/inf.
     *
     * @return false when the op has no vector form
     */
    public static boolean unaryFloatRow(UnaryOp op, int n, MemorySegment out, long io, MemorySegment in, long ix) {
        int bound = F.loopBound(n);
        long oo = io * 4;
        long oi = ix * 4;
        int i = 0;
        switch (op) {
            case NEG -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.neg().intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case ABS -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.abs().intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case EXP -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.EXP).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case LOG -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.LOG).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case SQRT -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.sqrt().intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case RSQRT -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    ONE.div(x.sqrt()).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case SIN -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.SIN).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case COS -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.COS).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case TANH -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.TANH).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    ONE.div(x.neg().lanewise(VectorOperators.EXP).add(ONE)).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case SILU -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.div(x.neg().lanewise(VectorOperators.EXP).add(ONE)).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case GELU_TANH -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.mul(x).mul(x).mul(GELU_CUBIC).add(x).mul(SQRT_2_OVER_PI).lanewise(VectorOperators.TANH).add(ONE).mul(x).mul(HALF).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case RELU -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.max(ZERO).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case STEP -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    // 1 where x > 0, x itself where x is NaN (the compare is false there), else 0
                    ZERO.blend(ONE, x.compare(VectorOperators.GT, ZERO)).blend(x, x.test(VectorOperators.IS_NAN))
                            .intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case SQUARE -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.mul(x).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case RECIPROCAL -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    ONE.div(x).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case LOG1P -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.LOG1P).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case EXPM1 -> {
                for (; i < bound; i += FLOAT_LANES) {
                    FloatVector x = FloatVector.fromMemorySegment(F, in, oi + i * 4L, ORDER);
                    x.lanewise(VectorOperators.EXPM1).intoMemorySegment(out, oo + i * 4L, ORDER);
                }
            }
            case ERF, GELU, GELU_SLOPE -> i = DoubleLaneKernels.row(op, n, out, oo, in, oi);
            default -> {
                return false;
            }
        }
        for (; i < n; i++) {
            out.setAtIndex(ValueLayout.JAVA_FLOAT, io + i, (float) op.apply(in.getAtIndex(ValueLayout.JAVA_FLOAT, ix + i)));
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
