package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * The table of elementwise binary operations: one line per op with its name, result-type rule,
 * float64 reference function, exact integer function (null: integers compute in floating point)
 * and complex function (null: not defined on complex numbers).
 */
public enum BinaryOp {
    ADD("add", Result.PROMOTED, Double::sum, (a, b) -> a + b, (ar, ai, br, bi, o) -> ComplexMath.set(o, ar + br, ai + bi)),
    SUB("sub", Result.PROMOTED, (a, b) -> a - b, (a, b) -> a - b, (ar, ai, br, bi, o) -> ComplexMath.set(o, ar - br, ai - bi)),
    MUL("mul", Result.PROMOTED, (a, b) -> a * b, (a, b) -> a * b, ComplexMath::mul),
    DIV("div", Result.FLOATING, (a, b) -> a / b, null, ComplexMath::div),
    POW("pow", Result.PROMOTED, Math::pow, BinaryOp::integerPower, ComplexMath::pow),
    MAXIMUM("maximum", Result.PROMOTED, Math::max, Math::max, null),
    MINIMUM("minimum", Result.PROMOTED, Math::min, Math::min, null),
    ATAN2("atan2", Result.FLOATING, Math::atan2, null, null),
    EQ("eq", Result.BOOL, (a, b) -> a == b ? 1 : 0, (a, b) -> a == b ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar == br && ai == bi ? 1 : 0, 0)),
    NE("ne", Result.BOOL, (a, b) -> a != b ? 1 : 0, (a, b) -> a != b ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar != br || ai != bi ? 1 : 0, 0)),
    LT("lt", Result.BOOL, (a, b) -> a < b ? 1 : 0, (a, b) -> a < b ? 1 : 0, null),
    LE("le", Result.BOOL, (a, b) -> a <= b ? 1 : 0, (a, b) -> a <= b ? 1 : 0, null),
    GT("gt", Result.BOOL, (a, b) -> a > b ? 1 : 0, (a, b) -> a > b ? 1 : 0, null),
    GE("ge", Result.BOOL, (a, b) -> a >= b ? 1 : 0, (a, b) -> a >= b ? 1 : 0, null),
    LOGICAL_AND("logical_and", Result.BOOL, (a, b) -> a != 0 && b != 0 ? 1 : 0, (a, b) -> a != 0 && b != 0 ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, (ar != 0 || ai != 0) && (br != 0 || bi != 0) ? 1 : 0, 0)),
    LOGICAL_OR("logical_or", Result.BOOL, (a, b) -> a != 0 || b != 0 ? 1 : 0, (a, b) -> a != 0 || b != 0 ? 1 : 0,
            (ar, ai, br, bi, o) -> ComplexMath.set(o, ar != 0 || ai != 0 || br != 0 || bi != 0 ? 1 : 0, 0));

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

    BinaryOp(String label, Result result, DoubleBinaryOperator real, LongBinaryOperator integer, ComplexMath.Binary complex) {
        this.label = label;
        this.result = result;
        this.real = real;
        this.integer = integer;
        this.complex = complex;
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
