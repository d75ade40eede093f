package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.Arrays;

/**
 * Per-tensor ternary weight quantization (BitNet b1.58, Ma et al. 2024, and its median variant from
 * BitNet b1.58 Reloaded, Nielsen and Schneider-Kamp 2024):
 * {@code γ = max(measure(|W|), ε)}, {@code W̃ = clip(rne(W / γ), -1, 1)}, dequantized {@code γ·W̃}.
 *
 * <p>The measure is the mean of |W| ({@link Measure#ABSMEAN}) or its <em>lower</em> median
 * ({@link Measure#ABSMEDIAN}: for an even count the smaller of the two middle values, as
 * {@code torch.median}, which the Reloaded reference package calls; NumPy would average them). The
 * scale is measured in float64 and kept as a float32; the division {@code W / γ} and the rounding
 * (half to even, as {@code torch.round}) happen in float32 for float32 and half-precision weights and
 * in float64 for float64 weights, as PyTorch computes them. The paper writes {@code W / (γ + ε)}; the
 * reference code clamps, and so does this class.
 */
public final class Ternary {
    /** The weight ε: the scale is at least this (reference code: {@code clamp(min=1e-5)}). */
    public static final double EPS = 1e-5;

    /** How the per-tensor scale γ is measured from |W|. */
    public enum Measure {
        /** The mean of |W| (BitNet b1.58). */
        ABSMEAN,
        /** The lower median of |W| (BitNet b1.58 Reloaded), robust to outliers. */
        ABSMEDIAN
    }

    private Ternary() {
    }

    /**
     * Quantizes {@code w} with the absmean scale.
     *
     * @param w a non-empty floating tensor of any shape without NaN or infinite elements
     * @return the INT8 codes (shape of {@code w}) and the scale
     * @throws IllegalArgumentException for a non-floating dtype, an empty tensor, or a NaN/infinite element
     */
    public static TernaryTensor absmean(Tensor w) {
        return quantize(w, Measure.ABSMEAN);
    }

    /**
     * Quantizes {@code w} with the lower-median scale (Reloaded).
     *
     * @param w a non-empty floating tensor of any shape without NaN or infinite elements
     * @return the INT8 codes (shape of {@code w}) and the scale
     * @throws IllegalArgumentException for a non-floating dtype, an empty tensor, or a NaN/infinite element
     */
    public static TernaryTensor absmedian(Tensor w) {
        return quantize(w, Measure.ABSMEDIAN);
    }

    /**
     * Quantizes {@code w} with the given measure; see {@link #absmean} and {@link #absmedian}.
     *
     * @throws IllegalArgumentException for a non-floating dtype, an empty tensor, or a NaN/infinite element
     */
    public static TernaryTensor quantize(Tensor w, Measure measure) {
        float gamma = scale(w, measure);
        try (GradMode g = Autograd.noGrad()) {
            return new TernaryTensor(codesAsFloat(w.detach(), gamma).to(DType.INT8), gamma, measure);
        }
    }

    /**
     * The scale γ = max(measure(|W|), {@link #EPS}) as a float32, measured in float64.
     *
     * @throws IllegalArgumentException for a non-floating dtype, an empty tensor, or a NaN/infinite element
     */
    public static float scale(Tensor w, Measure measure) {
        String op = "Ternary." + measure.name().toLowerCase(java.util.Locale.ROOT);
        if (!w.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": weights must be floating point, got " + w.dtype()
                    + " of shape " + Shapes.format(w.shape()));
        }
        if (w.numel() == 0) {
            throw new IllegalArgumentException(op + ": weights are empty, shape " + Shapes.format(w.shape()));
        }
        double[] v = w.detach().toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(op + ": weight element " + i + " (row-major) of shape "
                        + Shapes.format(w.shape()) + " is " + v[i]);
            }
            v[i] = Math.abs(v[i]);
        }
        double gamma;
        if (measure == Measure.ABSMEAN) {
            double sum = 0;
            for (double a : v) {
                sum += a;
            }
            gamma = sum / v.length;
        } else {
            Arrays.sort(v);
            gamma = v[(v.length - 1) / 2];
        }
        return (float) Math.max(gamma, EPS);
    }

    /**
     * The dequantized weight {@code scale * codes} as FLOAT32.
     *
     * @throws IllegalArgumentException when {@code q} is null
     */
    public static Tensor dequantize(TernaryTensor q) {
        if (q == null) {
            throw new IllegalArgumentException("Ternary.dequantize: null quantized tensor");
        }
        try (GradMode g = Autograd.noGrad()) {
            return q.codes().to(DType.FLOAT32).mul(q.scale());
        }
    }

    /**
     * The fake-quantized weight {@code γ·clip(rne(W/γ), -1, 1)} in {@code w}'s floating dtype (half
     * precision computed in float32), recording no gradient: what quantization-aware training uses in
     * its forward pass. The codes are those {@link #quantize} returns.
     */
    static Tensor fakeQuantize(Tensor w, float gamma) {
        try (GradMode g = Autograd.noGrad()) {
            Tensor codes = codesAsFloat(w.detach(), gamma);
            return codes.mul(gamma).to(w.dtype());
        }
    }

    /** {@code clip(rne(w / γ), -1, 1)} as a float tensor (float32, or float64 for float64 weights). */
    private static Tensor codesAsFloat(Tensor w, float gamma) {
        Tensor x = w.dtype() == DType.FLOAT64 ? w : w.to(DType.FLOAT32);
        return x.div(gamma).round().clamp(-1, 1);
    }
}
