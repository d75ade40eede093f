package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.function.DoubleUnaryOperator;

/**
 * The table of elementwise unary operations: one line per op with its name, result-type rule,
 * float64 reference function and complex function (null where the op is not defined on complex
 * numbers) and derivative rules. SIMD kernels for float32/float64 live in
 * {@code dev.jacobi.tensor.cpu.VectorKernels}.
 */
public enum UnaryOp {
    NEG("neg", Result.KEEP, x -> -x, (r, i, o) -> ComplexMath.set(o, -r, -i),
            Derivative.linear(Tensor::neg)),
    ABS("abs", Result.REAL, Math::abs, (r, i, o) -> ComplexMath.set(o, Math.hypot(r, i), 0),
            Derivative.of((g, x, y) -> g.mul(Derivatives.sgn(x, y)), (t, x, y) -> Derivatives.realDot(Derivatives.sgn(x, y), t))),
    EXP("exp", Result.FLOATING, Math::exp, ComplexMath::exp, Derivative.holomorphic((x, y) -> y)),
    LOG("log", Result.FLOATING, Math::log, ComplexMath::log, Derivative.holomorphic((x, y) -> x.reciprocal())),
    SQRT("sqrt", Result.FLOATING, Math::sqrt, ComplexMath::sqrt, Derivative.holomorphic((x, y) -> y.reciprocal().mul(0.5))),
    RSQRT("rsqrt", Result.FLOATING, x -> 1 / Math.sqrt(x), null, Derivative.holomorphic((x, y) -> y.pow(3).mul(-0.5))),
    SIN("sin", Result.FLOATING, Math::sin, ComplexMath::sin, Derivative.holomorphic((x, y) -> x.cos())),
    COS("cos", Result.FLOATING, Math::cos, ComplexMath::cos, Derivative.holomorphic((x, y) -> x.sin().neg())),
    TANH("tanh", Result.FLOATING, Math::tanh, ComplexMath::tanh, Derivative.holomorphic((x, y) -> y.square().neg().add(1))),
    SIGMOID("sigmoid", Result.FLOATING, SpecialFunctions::sigmoid, null, Derivative.holomorphic((x, y) -> y.mul(y.neg().add(1)))),
    ERF("erf", Result.FLOATING, SpecialFunctions::erf, null, Derivative.holomorphic((x, y) -> Derivatives.gaussianKernel(x, 2 / Math.sqrt(Math.PI), 1))),
    GELU("gelu", Result.FLOATING, SpecialFunctions::gelu, null, Derivative.holomorphic((x, y) -> x.apply(UnaryOp.valueOf("GELU_SLOPE")))),
    /** The slope of exact GELU, Phi(x) + x phi(x), as one op (one pass in the backward of GELU). */
    GELU_SLOPE("gelu_slope", Result.FLOATING, SpecialFunctions::geluSlope, null,
            Derivative.holomorphic((x, y) -> Derivatives.gaussianKernel(x, 1 / Math.sqrt(2 * Math.PI), 0.5).mul(x.square().neg().add(2)))),
    GELU_TANH("gelu_tanh", Result.FLOATING, SpecialFunctions::geluTanh, null, Derivative.holomorphic((x, y) -> Derivatives.geluTanhSlope(x))),
    SILU("silu", Result.FLOATING, x -> x * SpecialFunctions.sigmoid(x), null,
            Derivative.holomorphic((x, y) -> Derivatives.siluSlope(x))),
    /** The Heaviside step: 1 where x > 0, else 0 (NaN stays NaN); the slope of relu. */
    STEP("step", Result.KEEP, x -> x > 0 ? 1 : (Double.isNaN(x) ? x : 0), null, Derivative.ZERO),
    RELU("relu", Result.KEEP, x -> x > 0 ? x : (Double.isNaN(x) ? x : 0), null,
            Derivative.holomorphic((x, y) -> x.apply(STEP))),
    SQUARE("square", Result.KEEP, x -> x * x, (r, i, o) -> ComplexMath.set(o, r * r - i * i, 2 * r * i),
            Derivative.holomorphic((x, y) -> x.mul(2))),
    RECIPROCAL("reciprocal", Result.FLOATING, x -> 1 / x, (r, i, o) -> ComplexMath.div(1, 0, r, i, o),
            Derivative.holomorphic((x, y) -> y.square().neg())),
    LOG1P("log1p", Result.FLOATING, Math::log1p, null, Derivative.holomorphic((x, y) -> x.add(1).reciprocal())),
    EXPM1("expm1", Result.FLOATING, Math::expm1, null, Derivative.holomorphic((x, y) -> y.add(1))),
    FLOOR("floor", Result.KEEP, Math::floor, null, Derivative.ZERO),
    CEIL("ceil", Result.KEEP, Math::ceil, null, Derivative.ZERO),
    ROUND("round", Result.KEEP, Math::rint, null, Derivative.ZERO),
    SIGN("sign", Result.KEEP, Math::signum, null, Derivative.ZERO),
    LOGICAL_NOT("logical_not", Result.BOOL, x -> x == 0 ? 1 : 0, (r, i, o) -> ComplexMath.set(o, r == 0 && i == 0 ? 1 : 0, 0),
            Derivative.ZERO),
    REAL("real", Result.REAL, x -> x, (r, i, o) -> ComplexMath.set(o, r, 0),
            Derivative.of((g, x, y) -> g, (t, x, y) -> t.real())),
    IMAG("imag", Result.REAL, x -> 0, (r, i, o) -> ComplexMath.set(o, i, 0),
            Derivative.of((g, x, y) -> Derivatives.timesI(g), (t, x, y) -> t.imag())),
    CONJ("conj", Result.KEEP, x -> x, (r, i, o) -> ComplexMath.set(o, r, -i),
            Derivative.linear(Tensor::conj)),
    ANGLE("angle", Result.REAL_FLOATING, x -> Math.atan2(0, x), (r, i, o) -> ComplexMath.set(o, Math.atan2(i, r), 0),
            Derivative.of((g, x, y) -> x.dtype().isComplex() ? g.mul(Derivatives.timesI(x).div(x.abs().square())) : null,
                    (t, x, y) -> x.dtype().isComplex() ? Derivatives.realDot(Derivatives.timesI(x).div(x.abs().square()), t) : null));

    /**
     * An op's derivative rules: the vector-Jacobian product (gradient g of a real loss with respect to
     * the output, to the gradient with respect to the input x) and the Jacobian-vector product (tangent t
     * of x to the output's tangent); y is the op's output. Written with tensor ops, so they can be
     * differentiated again. A rule may return null for zero.
     */
    public interface Derivative {
        /** Floor, round, sign and predicates: zero almost everywhere. */
        Derivative ZERO = of((g, x, y) -> null, (t, x, y) -> null);

        /** The gradient with respect to the input. */
        Tensor vjp(Tensor g, Tensor x, Tensor y);

        /** The output's tangent. */
        Tensor jvp(Tensor t, Tensor x, Tensor y);

        /** A rule from its two halves. */
        static Derivative of(Rule vjp, Rule jvp) {
            return new Derivative() {
                @Override
                public Tensor vjp(Tensor g, Tensor x, Tensor y) {
                    return vjp.apply(g, x, y);
                }

                @Override
                public Tensor jvp(Tensor t, Tensor x, Tensor y) {
                    return jvp.apply(t, x, y);
                }
            };
        }

        /** A linear op (its own derivative): both products apply the op itself, or its adjoint for conj. */
        static Derivative linear(java.util.function.UnaryOperator<Tensor> op) {
            return of((g, x, y) -> op.apply(g), (t, x, y) -> op.apply(t));
        }

        /**
         * An op with derivative f'(x) (holomorphic on complex input): the gradient is g * conj(f'(x))
         * and the tangent t * f'(x).
         */
        static Derivative holomorphic(java.util.function.BinaryOperator<Tensor> slope) {
            return of((g, x, y) -> g.mul(Derivatives.conjIfComplex(slope.apply(x, y))), (t, x, y) -> t.mul(slope.apply(x, y)));
        }
    }

    /** One half of a {@link Derivative}: (incoming gradient or tangent, input, output) to result. */
    @FunctionalInterface
    public interface Rule {
        /** Applies the rule; null means zero. */
        Tensor apply(Tensor gradOrTangent, Tensor x, Tensor y);
    }

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
    private final Derivative derivative;

    UnaryOp(String label, Result result, DoubleUnaryOperator real, ComplexMath.Unary complex, Derivative derivative) {
        this.label = label;
        this.result = result;
        this.real = real;
        this.complex = complex;
        this.derivative = derivative;
    }

    /** The op's derivative rules (used by autograd). */
    public Derivative derivative() {
        return derivative;
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
