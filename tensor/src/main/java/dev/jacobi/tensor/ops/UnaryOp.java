package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;

import java.util.function.DoubleUnaryOperator;

/**
 * The table of elementwise unary operations: one line per op with its name, result-type rule,
 * float64 reference function and complex function (null where the op is not defined on complex
 * numbers). SIMD kernels for float32/float64 live in {@code dev.jacobi.tensor.cpu.VectorKernels};
 * derivative rules join this table in the autograd layer.
 */
public enum UnaryOp {
    NEG("neg", Result.KEEP, x -> -x, (r, i, o) -> ComplexMath.set(o, -r, -i)),
    ABS("abs", Result.REAL, Math::abs, (r, i, o) -> ComplexMath.set(o, Math.hypot(r, i), 0)),
    EXP("exp", Result.FLOATING, Math::exp, ComplexMath::exp),
    LOG("log", Result.FLOATING, Math::log, ComplexMath::log),
    SQRT("sqrt", Result.FLOATING, Math::sqrt, ComplexMath::sqrt),
    RSQRT("rsqrt", Result.FLOATING, x -> 1 / Math.sqrt(x), null),
    SIN("sin", Result.FLOATING, Math::sin, ComplexMath::sin),
    COS("cos", Result.FLOATING, Math::cos, ComplexMath::cos),
    TANH("tanh", Result.FLOATING, Math::tanh, ComplexMath::tanh),
    SIGMOID("sigmoid", Result.FLOATING, SpecialFunctions::sigmoid, null),
    ERF("erf", Result.FLOATING, SpecialFunctions::erf, null),
    GELU("gelu", Result.FLOATING, SpecialFunctions::gelu, null),
    GELU_TANH("gelu_tanh", Result.FLOATING, SpecialFunctions::geluTanh, null),
    SILU("silu", Result.FLOATING, x -> x * SpecialFunctions.sigmoid(x), null),
    RELU("relu", Result.KEEP, x -> x > 0 ? x : (Double.isNaN(x) ? x : 0), null),
    SQUARE("square", Result.KEEP, x -> x * x, (r, i, o) -> ComplexMath.set(o, r * r - i * i, 2 * r * i)),
    RECIPROCAL("reciprocal", Result.FLOATING, x -> 1 / x, (r, i, o) -> ComplexMath.div(1, 0, r, i, o)),
    LOG1P("log1p", Result.FLOATING, Math::log1p, null),
    EXPM1("expm1", Result.FLOATING, Math::expm1, null),
    FLOOR("floor", Result.KEEP, Math::floor, null),
    CEIL("ceil", Result.KEEP, Math::ceil, null),
    ROUND("round", Result.KEEP, Math::rint, null),
    SIGN("sign", Result.KEEP, Math::signum, null),
    LOGICAL_NOT("logical_not", Result.BOOL, x -> x == 0 ? 1 : 0, (r, i, o) -> ComplexMath.set(o, r == 0 && i == 0 ? 1 : 0, 0)),
    REAL("real", Result.REAL, x -> x, (r, i, o) -> ComplexMath.set(o, r, 0)),
    IMAG("imag", Result.REAL, x -> 0, (r, i, o) -> ComplexMath.set(o, i, 0)),
    CONJ("conj", Result.KEEP, x -> x, (r, i, o) -> ComplexMath.set(o, r, -i)),
    ANGLE("angle", Result.REAL_FLOATING, x -> Math.atan2(0, x), (r, i, o) -> ComplexMath.set(o, Math.atan2(i, r), 0));

    /** How the result dtype follows from the input dtype. */
    enum Result {
        /** Same dtype as the input. */
        KEEP,
        /** Integer and bool inputs give float32; others keep their dtype. */
        FLOATING,
        /** Always bool. */
        BOOL,
        /** Complex inputs give their real part type; others keep their dtype. */
        REAL,
        /** Complex inputs give their real part type, integer and bool give float32. */
        REAL_FLOATING
    }

    private final String label;
    private final Result result;
    private final DoubleUnaryOperator real;
    private final ComplexMath.Unary complex;

    UnaryOp(String label, Result result, DoubleUnaryOperator real, ComplexMath.Unary complex) {
        this.label = label;
        this.result = result;
        this.real = real;
        this.complex = complex;
    }

    /** The op's name as it appears in error messages (PyTorch's name where there is one). */
    public String label() {
        return label;
    }

    /** The float64 reference function. */
    public double apply(double x) {
        return real.applyAsDouble(x);
    }

    /** The complex function, or null when the op is not defined on complex numbers. */
    public ComplexMath.Unary complexFunction() {
        return complex;
    }

    /**
     * The dtype of {@code op(x)} for an input of dtype {@code in}.
     *
     * @throws IllegalArgumentException when the op is not defined on complex input
     */
    public DType resultType(DType in) {
        if (in.isComplex() && complex == null) {
            throw new IllegalArgumentException(label + ": not defined for complex input (dtype " + in + ")");
        }
        return switch (result) {
            case KEEP -> in;
            case FLOATING -> in.isInexact() ? in : DType.FLOAT32;
            case BOOL -> DType.BOOL;
            case REAL -> in.realPart();
            case REAL_FLOATING -> in.isInexact() ? in.realPart() : DType.FLOAT32;
        };
    }
}
