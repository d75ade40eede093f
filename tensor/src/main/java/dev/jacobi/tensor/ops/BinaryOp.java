package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.function.DoubleBinaryOperator;
import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The table of elementwise binary operations: one line per op with its name, result-type rule,
 * float64 reference function, exact integer function (null: integers compute in floating point),
 * complex function (null: not defined on complex numbers) and derivative rules.
 */
public enum BinaryOp {
    ADD("add", Result.PROMOTED, Double::sum, (a, b) -> a + b, (ar, ai, br, bi, o) -> ComplexMath.set(o, ar + br, ai + bi),
            Derivative.linear(g -> g, g -> g, Tensor::add)),
    SUB("sub", Result.PROMOTED, (a, b) -> a - b, (a, b) -> a - b, (ar, ai, br, bi, o) -> ComplexMath.set(o, ar - br, ai - bi),
            Derivative.linear(g -> g, Tensor::neg, Tensor::sub)),
    MUL("mul", Result.PROMOTED, (a, b) -> a * b, (a, b) -> a * b, ComplexMath::mul,
            Derivative.partials((a, b, y) -> b, (a, b, y) -> a)),
    DIV("div", Result.FLOATING, (a, b) -> a / b, null, ComplexMath::div,
            Derivative.partials((a, b, y) -> b.reciprocal(), (a, b, y) -> y.div(b).neg())),
    POW("pow", Result.PROMOTED, Math::pow, BinaryOp::integerPower, ComplexMath::pow,
            Derivative.partials(BinaryOp::powBaseSlope, BinaryOp::powExponentSlope)),
    MAXIMUM("maximum", Result.PROMOTED, Math::max, Math::max, null,
            Derivative.partials((a, b, y) -> Derivatives.winnerMask(a, b, y.dtype()), (a, b, y) -> Derivatives.winnerMask(b, a, y.dtype()))),
    MINIMUM("minimum", Result.PROMOTED, Math::min, Math::min, null,
            Derivative.partials((a, b, y) -> Derivatives.winnerMask(b, a, y.dtype()), (a, b, y) -> Derivatives.winnerMask(a, b, y.dtype()))),
    ATAN2("atan2", Result.FLOATING, Math::atan2, null, null,
            Derivative.partials((a, b, y) -> b.div(a.square().add(b.square())), (a, b, y) -> a.neg().div(a.square().add(b.square())))),
    EQ("eq", Result.BOOL, (a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar == br && ai == bi ? 1 : 0, 0), null),
    NE("ne", Result.BOOL, (a, b) -> a != b ? 1 : 0, (a, b) -> a != b ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar != br || ai != bi ? 1 : 0, 0), null),
    LT("lt", Result.BOOL, (a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0, null, null),
    LE("le", Result.BOOL, (a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0, null, null),
    GT("gt", Result.BOOL, (a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0, null, null),
    GE("ge", Result.BOOL, (a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0, null, null),
    LOGICAL_AND("logical_and", Result.BOOL, (a, b) -> a != 0 && b != 0 ? 1 : 0, (a, b) -> a != 0 && b != 0 ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, (ar != 0 || ai != 0) && (br != 0 || bi != 0) ? 1 : 0, 0), null),
    LOGICAL_OR("logical_or", Result.BOOL, (a, b) -> a != 0 || b != 0 ? 1 : 0, (a, b) -> a != 0 || b != 0 ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar != 0 || ai != 0 || br != 0 || bi != 0 ? 1 : 0, 0), null);

    /** How the result dtype follows from the promoted input dtype. */
    enum Result {
        /** The promoted dtype (arithmetic on two bools gives int32). */
        PROMOTED,
        /** The promoted dtype, with integer and bool promoted to float32. */
        FLOATING,
        /** Always bool; computed in the promoted dtype. */
        BOOL
    }

    private final String label;
    private final Result result;
    private final DoubleBinaryOperator real;
    private final LongBinaryOperator integer;
    private final ComplexMath.Binary complex;
    private final Derivative derivative;

    BinaryOp(String label, Result result, DoubleBinaryOperator real, LongBinaryOperator integer, ComplexMath.Binary complex,
             Derivative derivative) {
        this.label = label;
        this.result = result;
        this.real = real;
        this.integer = integer;
        this.complex = complex;
        this.derivative = derivative;
    }

    /** The op's derivative rules (used by autograd); null for predicates, whose bool result has none. */
    public Derivative derivative() {
        return derivative;
    }

    /**
     * A binary op's derivative rules: the gradients of both inputs from the output's gradient g, and the
     * output's tangent from the inputs' tangents (either may be null: zero). Gradients may keep the
     * broadcast shape; autograd sums them back to each input's shape.
     */
    public interface Derivative {
        /** Gradients with respect to a and b; {@code needed} says which are wanted (others may be null). */
        Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean[] needed);

        /** The output's tangent (null for zero). */
        Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y);

        /** A linear op: each input's gradient is a map of g, and the tangent is the op applied to the tangents. */
        static Derivative linear(UnaryOperator<Tensor> gradA, UnaryOperator<Tensor> gradB, BinaryOperator<Tensor> op) {
            return new Derivative() {
                @Override
                public Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean[] needed) {
                    return new Tensor[] {needed[0] ? gradA.apply(g) : null, needed[1] ? gradB.apply(g) : null};
                }

                @Override
                public Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y) {
                    if (ta == null) {
                        return tb == null ? null : gradB.apply(tb);
                    }
                    return tb == null ? ta : op.apply(ta, tb);
                }
            };
        }

        /**
         * An op given by its partial derivatives da = dy/da and db = dy/db (holomorphic on complex input):
         * gradients g * conj(da), g * conj(db); tangent ta * da + tb * db.
         */
        static Derivative partials(Partial da, Partial db) {
            return new Derivative() {
                @Override
                public Tensor[] vjp(Tensor g, Tensor a, Tensor b, Tensor y, boolean[] needed) {
                    return new Tensor[] {
                            needed[0] ? g.mul(Derivatives.conjIfComplex(da.apply(a, b, y))) : null,
                            needed[1] ? g.mul(Derivatives.conjIfComplex(db.apply(a, b, y))) : null};
                }

                @Override
                public Tensor jvp(Tensor ta, Tensor tb, Tensor a, Tensor b, Tensor y) {
                    Tensor fromA = ta == null ? null : ta.mul(da.apply(a, b, y));
                    Tensor fromB = tb == null ? null : tb.mul(db.apply(a, b, y));
                    return fromA == null ? fromB : fromB == null ? fromA : fromA.add(fromB);
                }
            };
        }
    }

    /** One partial derivative of a binary op, from its inputs and output. */
    @FunctionalInterface
    public interface Partial {
        /** The partial derivative, elementwise (may broadcast). */
        Tensor apply(Tensor a, Tensor b, Tensor y);
    }

    /** d(a^b)/da = b a^(b-1), taken as 0 where b = 0 (as PyTorch, so 0^0 has a finite slope). */
    private static Tensor powBaseSlope(Tensor a, Tensor b, Tensor y) {
        Tensor slope = b.mul(a.pow(b.sub(1)));
        return Tensor.where(b.eq(Tensor.zeros(b.dtype())), Tensor.zeros(slope.dtype()), slope);
    }

    /** d(a^b)/db = a^b log(a), taken as 0 where a = 0 (the limit for b > 0). */
    private static Tensor powExponentSlope(Tensor a, Tensor b, Tensor y) {
        Tensor slope = y.mul(a.log());
        return Tensor.where(a.eq(Tensor.zeros(a.dtype())), Tensor.zeros(slope.dtype()), slope);
    }

    /** The op's name as it appears in error messages. */
    public String label() {
        return label;
    }

    /** The float64 reference function. */
    public double apply(double a, double b) {
        return real.applyAsDouble(a, b);
    }

    /** The exact integer function, or null when integer inputs compute in floating point. */
    public LongBinaryOperator integerFunction() {
        return integer;
    }

    /** The complex function, or null when the op is not defined on complex numbers. */
    public ComplexMath.Binary complexFunction() {
        return complex;
    }

    /** True for comparisons and logical ops, whose result is bool. */
    public boolean isPredicate() {
        return result == Result.BOOL;
    }

    /**
     * The dtype the op computes in for inputs of dtypes {@code a} and {@code b}: their promotion, made
     * floating when the op has no integer form; half types compute in float32.
     *
     * @throws IllegalArgumentException when the op is not defined on complex input
     */
    public DType computeType(DType a, DType b) {
        DType common = DType.promote(a, b);
        if (common.isComplex() && complex == null) {
            throw new IllegalArgumentException(label + ": not defined for complex input (dtypes " + a + " and " + b + ")");
        }
        if (!common.isInexact() && (integer == null || result == Result.FLOATING)) {
            return DType.FLOAT32;
        }
        if (common == DType.BOOL && result == Result.PROMOTED) {
            return DType.INT32; // arithmetic on bools counts, as int
        }
        return common;
    }

    /** The dtype of the result for inputs of dtypes {@code a} and {@code b}. */
    public DType resultType(DType a, DType b) {
        if (result == Result.BOOL) {
            computeType(a, b);
            return DType.BOOL;
        }
        DType common = DType.promote(a, b);
        DType compute = computeType(a, b);
        return common.isInexact() ? common : compute;
    }

    /** a^b with wrap-around, by repeated squaring; negative exponents give the integer quotient 1/a^|b|. */
    private static long integerPower(long base, long exponent) {
        if (exponent < 0) {
            return base == 1 ? 1 : base == -1 ? (exponent % 2 == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        long b = base;
        long e = exponent;
        while (e > 0) {
            if ((e & 1) == 1) {
                result *= b;
            }
            b *= b;
            e >>= 1;
        }
        return result;
    }
}
