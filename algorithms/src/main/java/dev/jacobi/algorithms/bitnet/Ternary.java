package dev.jacobi.algorithms.bitnet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

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
        return new TernaryTensor(Tensor.ofBytes(codes(w, gamma), w.shape()), gamma, measure);
    }

    /**
     * The scale γ = max(measure(|W|), {@link #EPS}) as a float32, measured in float64.
     *
     * @throws IllegalArgumentException for a non-floating dtype, an empty tensor, or a NaN/infinite element
     */
    public static float scale(Tensor w, Measure measure) {
        String op = "Ternary." + measure.name().toLowerCase(Locale.ROOT);
        HostValues.check(op, "weights", w, 0);
        double[] a;
        if (w.dtype() == DType.FLOAT64) {
            a = HostValues.doubles(w);
        } else {
            float[] f = HostValues.floats(w);
            a = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                a[i] = f[i];
            }
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            HostValues.checkFinite(op, "weight", w, i, a[i]);
            a[i] = Math.abs(a[i]);
            sum += a[i];
        }
        double gamma;
        if (measure == Measure.ABSMEAN) {
            gamma = sum / a.length;
        } else {
            Arrays.sort(a);
            gamma = a[(a.length - 1) / 2];
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
        return Tensor.of(times(HostValues.bytes(q.codes()), q.scale()), q.codes().shape());
    }

    /**
     * The fake-quantized weight {@code γ·clip(rne(W/γ), -1, 1)} as a new FLOAT32 tensor (FLOAT64 for
     * float64 weights) that records no gradient: what quantization-aware training uses in its forward
     * pass. The codes are those {@link #quantize} returns.
     */
    static Tensor fakeQuantize(Tensor w, float gamma) {
        byte[] c = codes(w, gamma);
        if (w.dtype() == DType.FLOAT64) {
            double[] out = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                out[i] = (double) gamma * c[i];
            }
            return Tensor.of(out, w.shape());
        }
        return Tensor.of(times(c, gamma), w.shape());
    }

    private static float[] times(byte[] codes, float gamma) {
        float[] out = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = gamma * codes[i];
        }
        return out;
    }

    /** {@code clip(rne(w / γ), -1, 1)}, divided in float32 (float64 for float64 weights). */
    private static byte[] codes(Tensor w, float gamma) {
        if (w.dtype() == DType.FLOAT64) {
            double[] v = HostValues.doubles(w);
            byte[] c = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                c[i] = (byte) Math.max(-1, Math.min(1, Math.rint(v[i] / gamma)));
            }
            return c;
        }
        float[] v = HostValues.floats(w);
        byte[] c = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            float quotient = v[i] / gamma;
            c[i] = (byte) Math.max(-1, Math.min(1, Math.rint(quotient)));
        }
        return c;
    }
}
