package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

/**
 * Per-token absmax 8-bit activation quantization (BitNet b1.58): for each row {@code i} of the last
 * dimension, {@code η_i = max_j |x_ij|}, {@code s_i = Q / max(η_i, ε)} and
 * {@code x̃_ij = clip(rne(x_ij·s_i), -128, 127)}; dequantized {@code x̃ / s}. Symmetric, no zero point.
 *
 * <p>{@code Q = 127} is Microsoft's choice ({@link #absmax8}); the Reloaded package uses {@code Q = 128}
 * and then clips to 127 ({@link #absmax(Tensor, int)}). As PyTorch, float32 (and half-precision)
 * activations are scaled and rounded in float32, float64 ones in float64; rounding is half to even
 * ({@code torch.round}; Java's {@code Math.round} would turn -63.5 into -63).
 */
public final class ActivationQuant {
    /** The activation ε: the row maximum is clamped to at least this before dividing. */
    public static final double EPS = 1e-5;
    /** Microsoft's bound: scaled activations span [-127, 127]. */
    public static final int Q_MICROSOFT = 127;
    /** The Reloaded package's bound (then clipped to 127). */
    public static final int Q_RELOADED = 128;

    private ActivationQuant() {
    }

    /**
     * Quantizes {@code x} to INT8 per row with {@code Q = 127}.
     *
     * @param x a floating tensor {@code [..., d]} with {@code d >= 1}, finite
     * @throws IllegalArgumentException for a non-floating dtype, rank 0, an empty tensor or a NaN/infinite element
     */
    public static QuantizedActivations absmax8(Tensor x) {
        return absmax(x, Q_MICROSOFT);
    }

    /**
     * Quantizes {@code x} to INT8 per row with the bound {@code q} (127 or 128; codes are clipped to
     * [-128, 127] either way).
     *
     * @throws IllegalArgumentException for a bound other than 127 or 128, a non-floating dtype, rank 0,
     *                                  an empty tensor or a NaN/infinite element
     */
    public static QuantizedActivations absmax(Tensor x, int q) {
        checkBound("ActivationQuant.absmax", q);
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("ActivationQuant.absmax: activations must be floating point, got "
                    + x.dtype() + " of shape " + Shapes.format(x.shape()));
        }
        if (x.rank() == 0 || x.numel() == 0) {
            throw new IllegalArgumentException("ActivationQuant.absmax: activations must be [..., d] and non-empty, shape is "
                    + Shapes.format(x.shape()));
        }
        double[] v = x.detach().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("ActivationQuant.absmax: element " + i + " (row-major) of shape "
                        + Shapes.format(x.shape()) + " is " + v[i]);
            }
        }
        try (GradMode g = Autograd.noGrad()) {
            Tensor xc = computeType(x.detach());
            Tensor s = rowScales(xc, q);
            return new QuantizedActivations(codesAsFloat(xc, s).to(DType.INT8), s, q);
        }
    }

    /**
     * The fake-quantized activations {@code clip(rne(x·s), -128, 127) / s} in the compute dtype,
     * recording no gradient, without the input checks: the forward pass of quantization-aware training.
     */
    static Tensor fakeQuantize(Tensor x, int q) {
        try (GradMode g = Autograd.noGrad()) {
            Tensor xc = computeType(x.detach());
            Tensor s = rowScales(xc, q);
            return codesAsFloat(xc, s).div(s);
        }
    }

    static void checkBound(String op, int q) {
        if (q != Q_MICROSOFT && q != Q_RELOADED) {
            throw new IllegalArgumentException(op + ": the bound Q must be 127 or 128, got " + q);
        }
    }

    /** float64 stays; everything else is computed in float32. */
    private static Tensor computeType(Tensor x) {
        return x.dtype() == DType.FLOAT64 ? x : x.to(DType.FLOAT32);
    }

    /** {@code Q / max(rowmax|x|, ε)}, shape {@code [..., 1]}. */
    private static Tensor rowScales(Tensor x, int q) {
        Tensor eta = x.abs().max(new int[] {x.rank() - 1}, true).clamp(EPS, Double.POSITIVE_INFINITY);
        return Tensor.scalar(x.dtype(), q).div(eta);
    }

    private static Tensor codesAsFloat(Tensor x, Tensor s) {
        return x.mul(s).round().clamp(-128, 127);
    }
}
